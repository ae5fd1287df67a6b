/**
 * Runs the benchmark figures one after another and collects their reports. A figure that throws
 * is reported as an error row and the others still run, so one broken figure never hides the
 * rest.
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { benchConfig, type BenchConfig } from './bench-config.ts';
import type { FigureReport, FigureResult } from './figure.ts';
import { describeMachine, type MachineInfo } from './machine.ts';
import { runAdminPage } from './admin-page.ts';
import { runBigSend } from './big-send.ts';
import { runConnectorThroughput } from './connector-throughput.ts';
import { runMockComparison } from './mock-comparison.ts';
import { runPluginBundle } from './plugin-bundle.ts';
import { runPgDistricts } from './pg-districts.ts';
import { runPgService } from './pg-service.ts';
import { runPgWorkers } from './pg-workers.ts';
import { runResilience } from './resilience.ts';
import { runSimulatorScale } from './simulator-scale.ts';
import { runSimulatorThroughput } from './simulator-throughput.ts';
import { runServiceIngest } from './service-ingest.ts';
import { runStartup } from './startup.ts';
import { runWritebackLog } from './writeback-log.ts';

/** One figure the harness can run. */
export interface FigureSpec {
  id: string;
  title: string;
  run: (config: BenchConfig, log: (line: string) => void) => Promise<FigureResult>;
}

/** Every figure, in report order. */
export const FIGURES: readonly FigureSpec[] = [
  {
    id: '1',
    title: 'Simulator throughput: a validated write and a DCID lookup against a bare route',
    run: runSimulatorThroughput,
  },
  { id: '2', title: 'Simulator scale: seed time and resident memory', run: runSimulatorScale },
  {
    id: '3',
    title: 'Connector: HTTP requests per writeback and writebacks per second',
    run: runConnectorThroughput,
  },
  {
    id: '4',
    title: 'Writeback log: insert rate and a filtered query at scale',
    run: runWritebackLog,
  },
  { id: '5', title: 'Plugin bundle: build time and byte-identical builds', run: runPluginBundle },
  {
    id: '6',
    title: 'Simulator against generic mock servers: a v1 student read and a daily_time write',
    run: runMockComparison,
  },
  {
    id: '7',
    title: 'pswb serve: events accepted per second, and 202 to written at a steady rate',
    run: runServiceIngest,
  },
  {
    id: 'P',
    title: 'The Writeback Logs page over a million-row log: time to first byte',
    run: runAdminPage,
  },
  {
    id: 'M',
    title: 'Memory: pswb writeback send --file with 200,000 events',
    run: runBigSend,
  },
  {
    id: 'S',
    title: 'Start-up: pswb --help and the simulator ready line, beside bare node',
    run: runStartup,
  },
  {
    id: 'R',
    title: 'Resilience proof: writebacks under transient faults and permanent errors',
    run: runResilience,
  },
  {
    id: 'W',
    title: 'Workers on PostgreSQL: events written per second with 1, 2 and 4 workers',
    run: runPgWorkers,
  },
  {
    id: 'D',
    title: "Districts on PostgreSQL: the proof run and one district's outage",
    run: runPgDistricts,
  },
  {
    id: 'Q',
    title:
      'pswb serve on PostgreSQL: events accepted per second, and 202 to written with 100 districts',
    run: runPgService,
  },
];

/** What to run. */
export interface BenchOptions {
  quick: boolean;
  /** Figure ids to run; all when omitted. */
  only?: readonly string[];
  /** The command line shown in the report. */
  command: string;
  log?: (line: string) => void;
}

/** A finished run. */
export interface BenchRun {
  command: string;
  quick: boolean;
  startedAt: Date;
  durationMs: number;
  machine: MachineInfo;
  figures: FigureReport[];
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Runs the chosen figures; never throws for a failing figure. */
export async function runBenchmarks(options: BenchOptions): Promise<BenchRun> {
  const log = options.log ?? (() => {});
  const config = benchConfig(options.quick);
  const startedAt = new Date();
  const started = performance.now();
  const chosen = FIGURES.filter((figure) => !options.only || options.only.includes(figure.id));
  if (!options.quick) {
    // bin/pswb.mjs runs dist/ only while it is newer than every source file: build it first, so
    // the figures that run the CLI as a user would (7, M, S) time the compiled JavaScript and not
    // tsx. A quick run times whatever is there.
    log('npm run build, so the CLI runs compiled JavaScript');
    execFileSync(
      process.execPath,
      [`${ROOT}node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json'],
      {
        cwd: ROOT,
        stdio: 'ignore',
      },
    );
  }
  const figures: FigureReport[] = [];
  for (const figure of chosen) {
    const figureStarted = performance.now();
    figures.push(await runFigure(figure, config, log));
    log(
      `figure ${figure.id}: done in ${((performance.now() - figureStarted) / 1000).toFixed(1)} s`,
    );
  }
  return {
    command: options.command,
    quick: options.quick,
    startedAt,
    durationMs: performance.now() - started,
    machine: describeMachine(),
    figures,
  };
}

async function runFigure(
  figure: FigureSpec,
  config: BenchConfig,
  log: (line: string) => void,
): Promise<FigureReport> {
  const identity = {
    id: figure.id,
    title: figure.title,
    command: `npm run bench -- --only ${figure.id}`,
  };
  try {
    return { ...identity, ...(await figure.run(config, log)) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`figure ${figure.id} failed: ${message}`);
    return {
      ...identity,
      rows: [
        { measure: figure.title, measured: `failed: ${message}`, goal: '-', verdict: 'error' },
      ],
      details: [],
      notes: [],
    };
  }
}
