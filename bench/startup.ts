/**
 * Figure S: how long a `pswb` command takes to start, as a whole process: `pswb --help` and the
 * time to `pswb sim start`'s ready line, from the compiled dist/ and from the TypeScript sources
 * through tsx (what every call paid before dist/), beside a bare `node -e 0`, all in interleaved
 * rounds of one run. PSWB_BENCH_BEFORE=<checkout> adds the same two commands run from another
 * checkout (an older pswb), timed in the same rounds.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { BenchConfig } from './bench-config.ts';
import type { FigureResult } from './figure.ts';
import { verdictOf } from './figure.ts';
import { formatMs, formatNumber, median } from './stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PSWB = `${ROOT}bin/pswb.mjs`;
const HELP_GOAL = 3;

interface Probe {
  label: string;
  /** What the child is given: node's arguments and extra environment. */
  args: string[];
  env?: Record<string, string>;
  /** Time until the first stdout line (then stop it) instead of until it exits. */
  untilReady?: boolean;
}

/** Runs one probe once; resolves with its wall time in ms. */
function timeOnce(probe: Probe): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, probe.args, {
      env: { ...process.env, ...probe.env },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    let readyAt: number | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (probe.untilReady && readyAt === undefined && out.includes('\n')) {
        readyAt = performance.now() - started;
        child.kill('SIGTERM');
      }
    });
    child.once('error', reject);
    child.once('exit', () => {
      const elapsed = readyAt ?? performance.now() - started;
      if (probe.untilReady && readyAt === undefined)
        reject(new Error(`${probe.label}: no ready line`));
      else resolve(elapsed);
    });
  });
}

function probes(): Probe[] {
  const list: Probe[] = [
    { label: 'node -e 0', args: ['-e', '0'] },
    { label: 'pswb --help (dist)', args: [PSWB, '--help'] },
    {
      label: 'pswb --help (sources via tsx)',
      args: [PSWB, '--help'],
      env: { PSWB_FROM_SOURCE: '1' },
    },
    {
      label: 'sim start ready line (dist)',
      args: [PSWB, 'sim', 'start', '--port', '0', '--no-data'],
      untilReady: true,
    },
    {
      label: 'sim start ready line (sources via tsx)',
      args: [PSWB, 'sim', 'start', '--port', '0', '--no-data'],
      env: { PSWB_FROM_SOURCE: '1' },
      untilReady: true,
    },
  ];
  const before = process.env.PSWB_BENCH_BEFORE;
  if (before) {
    const bin = `${before.replace(/\/$/, '')}/bin/pswb.mjs`;
    list.push(
      { label: 'pswb --help (before)', args: [bin, '--help'] },
      {
        label: 'sim start ready line (before)',
        args: [bin, 'sim', 'start', '--port', '0', '--no-data'],
        untilReady: true,
      },
    );
  }
  return list;
}

/** Runs figure S. */
export async function runStartup(
  config: BenchConfig,
  log: (line: string) => void,
): Promise<FigureResult> {
  const list = probes();
  const rounds = config.quick ? 3 : 11;
  log(`figure S: ${list.length} commands, ${rounds} interleaved rounds`);
  const times = new Map<string, number[]>(list.map((probe) => [probe.label, []]));
  for (let round = 0; round <= rounds; round += 1) {
    for (const probe of list) {
      const ms = await timeOnce(probe);
      if (round > 0) times.get(probe.label)!.push(ms); // round 0 warms the file cache
    }
  }
  const medianOf = (label: string): number => median(times.get(label)!);
  const bare = medianOf('node -e 0');
  const help = medianOf('pswb --help (dist)');
  const ratio = (label: string): string => `${formatNumber(medianOf(label) / bare, 1)}x node -e 0`;
  return {
    rows: [
      {
        measure: 'pswb --help, compiled dist/',
        measured: `${formatMs(help)} (node -e 0: ${formatMs(bare)})`,
        goal: `< ${HELP_GOAL}x node -e 0`,
        ratio: ratio('pswb --help (dist)'),
        verdict: verdictOf(help < HELP_GOAL * bare),
      },
      {
        measure: "pswb sim start's ready line, compiled dist/",
        measured: formatMs(medianOf('sim start ready line (dist)')),
        goal: '-',
        ratio: ratio('sim start ready line (dist)'),
        verdict: 'reported',
      },
    ],
    details: [
      {
        caption: `Median wall time of ${rounds} rounds, commands interleaved in each round`,
        header: ['command', 'median', 'min', 'max', 'vs node -e 0'],
        rows: list.map((probe) => {
          const values = times.get(probe.label)!;
          return [
            probe.label,
            formatMs(median(values)),
            formatMs(Math.min(...values)),
            formatMs(Math.max(...values)),
            ratio(probe.label),
          ];
        }),
      },
    ],
    notes: [
      'Each command is a new node process, timed from spawn to exit (or to the first stdout line for sim start, which is then stopped). "sources via tsx" is PSWB_FROM_SOURCE=1: the TypeScript compiled on the fly, as every call was before dist/ (and as a checkout with edits newer than its build still runs).',
    ],
  };
}
