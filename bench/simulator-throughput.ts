/**
 * Figure 1: the simulator's requests per second and latency for a validated attendance write
 * (meeting_interval) and a DCID lookup (the students_by_dcid PowerQuery the connector calls),
 * side by side with a bare Hono route on the same server, for a small and a large district. The
 * bare route is reported as the ceiling; the goal is that a large district answers like a small
 * one (figure 6 sets the speed goal, against generic mock servers).
 * Both districts run at once in two child processes and the scenarios take turns, round after
 * round, so a busy moment on the machine falls on all of them; each figure is the median round.
 */
import { performance } from 'node:perf_hooks';
import { QUERY_NAMES } from '../plugin/contract.ts';
import type { BenchConfig } from './bench-config.ts';
import type { DetailTable, FigureResult, FigureRow } from './figure.ts';
import { verdictOf } from './figure.ts';
import { runLoad, type LoadRequest, type LoadResult } from './load-generator.ts';
import { fetchToken } from './sim-http.ts';
import { startSimChild, type SimChild } from './sim-process.ts';
import { BARE_PATH } from './sim-protocol.ts';
import { formatMs, formatNumber, formatPercent, median } from './stats.ts';

const SCENARIOS = ['bare', 'write', 'lookup'] as const;
type Scenario = (typeof SCENARIOS)[number];

const SCENARIO_LABELS: Record<Scenario, string> = {
  bare: 'bare Hono route (the ceiling)',
  write: 'meeting_interval write',
  lookup: 'DCID lookup (students_by_dcid)',
};

/** The large district must answer within this fraction of the small one. */
const SIZE_TOLERANCE = 0.15;

interface Measured {
  load: LoadResult;
  /**
   * Requests answered per CPU-second the simulator spent: its capacity per core. Unlike req/s
   * it does not drop when other work on the machine takes the simulator's core for a while.
   */
  perCpuSecond: number;
  /** Server CPU cores busy during the run (child CPU seconds / wall seconds). */
  serverCores: number;
  clientCores: number;
}

interface DistrictUnderLoad {
  students: number;
  child: SimChild;
  requests: Record<Scenario, (index: number) => LoadRequest>;
  rounds: Record<Scenario, Measured[]>;
}

function scenarioRequests(
  child: SimChild,
  token: string,
): Record<Scenario, (i: number) => LoadRequest> {
  const headers = {
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
    accept: 'application/json',
  };
  const writes = child.workload.meetingWrites ?? [];
  const dcids = child.workload.dcids ?? [];
  if (writes.length === 0 || dcids.length === 0) throw new Error('the child prepared no workload');
  const lookupPath = `/ws/schema/query/${QUERY_NAMES.studentsByDcid}`;
  return {
    // The same body as the write, so request size and parsing by the server are alike.
    bare: (i) => ({ method: 'POST', path: BARE_PATH, headers, body: writes[i % writes.length]! }),
    write: (i) => ({
      method: 'POST',
      path: '/ws/attendance/meeting_interval',
      headers,
      body: writes[i % writes.length]!,
    }),
    // A prime stride walks the whole DCID index, not one warm corner of it.
    lookup: (i) => ({
      method: 'POST',
      path: lookupPath,
      headers,
      body: JSON.stringify({ students_dcid: [dcids[(i * 7919) % dcids.length]!] }),
    }),
  };
}

async function startDistrict(students: number, config: BenchConfig): Promise<DistrictUnderLoad> {
  const child = await startSimChild({
    students,
    workload: 'throughput',
    size: config.loadPoolSize,
  });
  try {
    const token = await fetchToken(child.url, child.clientId, child.clientSecret);
    return {
      students,
      child,
      requests: scenarioRequests(child, token),
      rounds: { bare: [], write: [], lookup: [] },
    };
  } catch (error) {
    await child.stop();
    throw error;
  }
}

async function measure(
  district: DistrictUnderLoad,
  scenario: Scenario,
  config: BenchConfig,
): Promise<Measured> {
  let cpuBefore = 0;
  let clientBefore = process.cpuUsage();
  let started = 0;
  const load = await runLoad({
    origin: district.child.url,
    connections: config.loadConnections,
    durationMs: config.loadDurationMs,
    warmupMs: config.loadWarmupMs,
    maxRequests: 2_000_000,
    nextRequest: district.requests[scenario],
    onMeasureStart: async () => {
      cpuBefore = await district.child.cpuSeconds();
      clientBefore = process.cpuUsage();
      started = performance.now();
    },
  });
  const wallSeconds = (performance.now() - started) / 1000;
  const serverSeconds = (await district.child.cpuSeconds()) - cpuBefore;
  const client = process.cpuUsage(clientBefore);
  if (load.failures > 0) {
    throw new Error(
      `${load.failures} of ${load.requests} ${scenario} requests failed (${district.students} students): ${load.firstFailure}`,
    );
  }
  return {
    load,
    perCpuSecond: load.requests / serverSeconds,
    serverCores: serverSeconds / wallSeconds,
    clientCores: (client.user + client.system) / 1e6 / wallSeconds,
  };
}

/** The median over rounds of one number of a scenario. */
function medianOf(
  district: DistrictUnderLoad,
  scenario: Scenario,
  pick: (m: Measured) => number,
): number {
  return median(district.rounds[scenario].map(pick));
}

/**
 * The median over rounds of scenario / bare in requests per simulator CPU-second, each round's
 * pair measured back to back.
 */
function shareOfBare(district: DistrictUnderLoad, scenario: Scenario): number {
  const bare = district.rounds.bare;
  return median(
    district.rounds[scenario].map((m, round) => m.perCpuSecond / bare[round]!.perCpuSecond),
  );
}

function describeScenario(district: DistrictUnderLoad, scenario: Scenario): string {
  const rps = medianOf(district, scenario, (m) => m.load.requestsPerSecond);
  const perCpu = medianOf(district, scenario, (m) => m.perCpuSecond);
  const p50 = medianOf(district, scenario, (m) => m.load.p50Ms);
  const p99 = medianOf(district, scenario, (m) => m.load.p99Ms);
  return `${formatNumber(perCpu)} req per CPU-s; ${formatNumber(rps)} req/s, p50 ${formatMs(p50)}, p99 ${formatMs(p99)}`;
}

function districtRows(district: DistrictUnderLoad): FigureRow[] {
  const size = `${formatNumber(district.students)} students`;
  const writeShare = shareOfBare(district, 'write');
  return [
    {
      measure: `${SCENARIO_LABELS.bare}, ${size}`,
      measured: describeScenario(district, 'bare'),
      goal: '-',
      verdict: 'reported',
    },
    {
      measure: `${SCENARIO_LABELS.write}, ${size}`,
      measured: describeScenario(district, 'write'),
      // The simulator's goal is set against generic mock servers (figure 6), not this ceiling.
      goal: '-',
      ratio: `${formatPercent(writeShare)} of the bare route`,
      verdict: 'reported',
    },
    {
      measure: `${SCENARIO_LABELS.lookup}, ${size}`,
      measured: describeScenario(district, 'lookup'),
      goal: '-',
      ratio: `${formatPercent(shareOfBare(district, 'lookup'))} of the bare route`,
      verdict: 'reported',
    },
  ];
}

function sizeRow(
  small: DistrictUnderLoad,
  large: DistrictUnderLoad,
  scenario: Scenario,
): FigureRow {
  const perCpu = (d: DistrictUnderLoad): number => medianOf(d, scenario, (m) => m.perCpuSecond);
  const ratio = perCpu(large) / perCpu(small);
  return {
    measure: `${SCENARIO_LABELS[scenario]}: ${formatNumber(large.students)} vs ${formatNumber(small.students)} students`,
    measured: `${formatNumber(perCpu(large))} vs ${formatNumber(perCpu(small))} req per CPU-s`,
    goal: `within ${formatPercent(SIZE_TOLERANCE)} of each other`,
    ratio: `${formatNumber(ratio, 2)}x`,
    verdict: verdictOf(Math.abs(1 - ratio) <= SIZE_TOLERANCE),
  };
}

function detailTable(districts: DistrictUnderLoad[]): DetailTable {
  const perRound = (values: number[]): string => values.map((v) => formatNumber(v)).join(' / ');
  const rows = districts.flatMap((district) =>
    SCENARIOS.map((scenario) => {
      const rounds = district.rounds[scenario];
      return [
        formatNumber(district.students),
        SCENARIO_LABELS[scenario],
        perRound(rounds.map((m) => m.perCpuSecond)),
        perRound(rounds.map((m) => m.load.requestsPerSecond)),
        formatMs(medianOf(district, scenario, (m) => m.load.p50Ms)),
        formatMs(medianOf(district, scenario, (m) => m.load.p99Ms)),
        formatNumber(
          medianOf(district, scenario, (m) => m.serverCores),
          2,
        ),
        formatNumber(
          medianOf(district, scenario, (m) => m.clientCores),
          2,
        ),
      ];
    }),
  );
  return {
    caption:
      'Every round: requests per simulator CPU-second and per second; median latency; CPU cores busy in the simulator and in the load generator',
    header: [
      'students',
      'route',
      'req per CPU-s, per round',
      'req/s, per round',
      'p50',
      'p99',
      'simulator cores',
      'generator cores',
    ],
    rows,
  };
}

/** Runs figure 1. */
export async function runSimulatorThroughput(
  config: BenchConfig,
  log: (line: string) => void,
): Promise<FigureResult> {
  log(`figure 1: seeding ${config.smallDistrict} and ${config.largeDistrict} student districts`);
  const small = await startDistrict(config.smallDistrict, config);
  const large = await startDistrict(config.largeDistrict, config).catch(async (error: unknown) => {
    await small.child.stop();
    throw error;
  });
  try {
    for (let round = 1; round <= config.loadRounds; round += 1) {
      for (const district of [small, large]) {
        for (const scenario of SCENARIOS) {
          log(
            `figure 1: round ${round}/${config.loadRounds}, ${district.students} students, ${scenario}`,
          );
          district.rounds[scenario].push(await measure(district, scenario, config));
        }
      }
    }
  } finally {
    await Promise.all([small.child.stop(), large.child.stop()]);
  }
  return {
    rows: [
      ...districtRows(small),
      ...districtRows(large),
      sizeRow(small, large, 'write'),
      sizeRow(small, large, 'lookup'),
    ],
    details: [detailTable([small, large])],
    notes: throughputNotes(config),
  };
}

function throughputNotes(config: BenchConfig): string[] {
  return [
    `Load: ${config.loadConnections} keep-alive connections with one request in flight each (closed loop, undici Pool), ${formatNumber(config.loadDurationMs / 1000, 1)} s measured after ${formatNumber(config.loadWarmupMs / 1000, 1)} s of warm-up per scenario, ${config.loadRounds} round(s); figures are the median round. The simulator runs in a child process (its own core), the generator in the harness process.`,
    `The bare route is \`POST ${BARE_PATH}\` on the same server and port, answering \`{"ok":true}\` without reading the body; it receives the same request body as the write. Ratios are per round (write and bare measured back to back), then the median.`,
    `Writes cycle through ${formatNumber(config.loadPoolSize)} distinct valid meeting records (students of the Meeting schools on October's school days), so a run inserts and then updates. Lookups walk ${formatNumber(config.loadPoolSize)} DCIDs spread over the whole district.`,
    'Ratios and the size comparison use requests per CPU-second of the simulator process (its CPU time read over IPC around each measured run): the capacity of one core, which holds still when other work on this shared machine takes the core for a while, and which does not flatter the ceiling when the load generator, not the server, limits the bare route. Requests per second are shown beside it.',
  ];
}
