/**
 * Figure 6: the simulator against the generic mock servers people would use instead (Prism,
 * Mockoon CLI, json-server), each serving canned answers of the same size on the same paths, on
 * the same machine in one run. The load is autocannon's (10 connections), on a v1 student read
 * and a daily_time write; targets and routes take turns round after round, so a busy moment on
 * the shared machine falls on all of them. The goal: at least 3x the fastest mock on both routes,
 * while the simulator validates everything.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { BenchConfig } from './bench-config.ts';
import type { DetailTable, FigureResult, FigureRow } from './figure.ts';
import { verdictOf } from './figure.ts';
import {
  MOCK_SERVERS,
  MOCK_SERVERS_DIR,
  mockServersInstalled,
  startMockServers,
  type RunningMock,
} from './mock-servers.ts';
import { fetchToken } from './sim-http.ts';
import { startSimChild } from './sim-process.ts';
import { formatMs, formatNumber, median } from './stats.ts';

/** The simulator must answer at least this many times the fastest mock's requests per second. */
const GOAL = 3;
const ROUTES = ['read', 'write'] as const;
type Route = (typeof ROUTES)[number];
const ROUTE_LABELS: Record<Route, string> = {
  read: 'v1 student read (GET /ws/v1/student/{id})',
  write: 'daily_time write (POST /ws/attendance/daily_time)',
};
const SIMULATOR = 'pswb simulator';

interface AutocannonRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}
interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (options: object) => Promise<AutocannonResult>;

/** One measured run. */
interface Run {
  perSecond: number;
  /** Requests per CPU-second of the server process: its capacity on one core. */
  perCpuSecond: number;
  /** Server cores busy during the run. */
  cores: number;
  p50: number;
  p99: number;
}

/** A server under test: its address and its CPU time so far. */
interface Target {
  name: string;
  url: string;
  cpuSeconds(): Promise<number>;
}

/** Rows marked not measured, with the reason (quick runs, servers not installed). */
function notMeasured(reason: string): FigureResult {
  return {
    rows: ROUTES.map((route) => ({
      measure: `${ROUTE_LABELS[route]}: simulator vs the fastest generic mock server`,
      measured: `not measured: ${reason}`,
      goal: `>= ${GOAL}x the fastest`,
      verdict: 'not measured',
    })),
    details: [],
    notes: [],
  };
}

/** The requests of one route for one target (the same paths and bodies for every target). */
function requestsOf(
  route: Route,
  dcids: readonly number[],
  writes: readonly string[],
  token: string,
): AutocannonRequest[] {
  const headers = {
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
    accept: 'application/json',
  };
  const count = Math.min(500, route === 'read' ? dcids.length : writes.length);
  return Array.from({ length: count }, (_, i) =>
    route === 'read'
      ? { method: 'GET', path: `/ws/v1/student/${dcids[(i * 7919) % dcids.length]}`, headers }
      : {
          method: 'POST',
          path: '/ws/attendance/daily_time',
          headers,
          body: writes[i % writes.length]!,
        },
  );
}

async function measure(
  autocannon: Autocannon,
  target: Target,
  requests: AutocannonRequest[],
  config: BenchConfig,
): Promise<Run> {
  const options = { url: target.url, connections: 10, pipelining: 1, requests };
  await autocannon({ ...options, duration: config.loadWarmupMs / 1000 });
  const seconds = config.loadDurationMs / 1000;
  const cpuBefore = await target.cpuSeconds();
  const result = await autocannon({ ...options, duration: seconds });
  const cpu = (await target.cpuSeconds()) - cpuBefore;
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(
      `${target.name} ${requests[0]!.path}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  const perSecond = result.requests.average;
  return {
    perSecond,
    perCpuSecond: (perSecond * seconds) / cpu,
    cores: cpu / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

/** Runs figure 6. */
export async function runMockComparison(
  config: BenchConfig,
  log: (line: string) => void,
): Promise<FigureResult> {
  if (config.quick)
    return notMeasured('quick run (it starts three mock servers: run npm run bench -- --only 6)');
  if (!mockServersInstalled()) {
    return notMeasured('install the mock servers first: npm ci --prefix bench/mock-servers');
  }
  const autocannon = createRequire(join(MOCK_SERVERS_DIR, 'package.json'))(
    'autocannon',
  ) as Autocannon;
  const child = await startSimChild({
    students: config.smallDistrict,
    workload: 'compare',
    size: 2_000,
  });
  let stopMocks = async (): Promise<void> => {};
  try {
    const token = await fetchToken(child.url, child.clientId, child.clientSecret);
    const dcids = child.workload.dcids ?? [];
    const writes = child.workload.dailyWrites ?? [];
    const canned = await cannedAnswers(child.url, token, dcids, writes);
    log('figure 6: starting Prism, Mockoon and json-server');
    const started = await startMockServers({ dcids, ...canned });
    stopMocks = started.stop;
    const targets: Target[] = [
      { name: SIMULATOR, url: child.url, cpuSeconds: () => child.cpuSeconds() },
      ...started.mocks.map((mock: RunningMock) => ({
        name: mock.name,
        url: mock.url,
        cpuSeconds: () => mock.cpuSeconds(),
      })),
    ];
    const runs = new Map<string, Run[]>();
    for (let round = 1; round <= config.loadRounds; round += 1) {
      for (const route of ROUTES) {
        const requests = requestsOf(route, dcids, writes, token);
        for (const target of targets) {
          log(`figure 6: round ${round}/${config.loadRounds}, ${route}, ${target.name}`);
          const key = `${route}|${target.name}`;
          runs.set(key, [
            ...(runs.get(key) ?? []),
            await measure(autocannon, target, requests, config),
          ]);
        }
      }
    }
    return report(
      runs,
      targets.map((t) => t.name),
      config,
    );
  } finally {
    await stopMocks();
    await child.stop();
  }
}

/** The simulator's own answers, which the mocks serve canned. */
async function cannedAnswers(
  url: string,
  token: string,
  dcids: readonly number[],
  writes: readonly string[],
): Promise<{ read: unknown; write: unknown }> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const read = await (await fetch(`${url}/ws/v1/student/${dcids[0]}`, { headers })).json();
  const write = await (
    await fetch(`${url}/ws/attendance/daily_time`, { method: 'POST', headers, body: writes[0] })
  ).json();
  return { read, write };
}

function report(runs: Map<string, Run[]>, names: string[], config: BenchConfig): FigureResult {
  const medianOf = (route: Route, name: string, pick: (run: Run) => number): number =>
    median((runs.get(`${route}|${name}`) ?? []).map(pick));
  const rows: FigureRow[] = ROUTES.map((route) => {
    const capacity = (name: string): number => medianOf(route, name, (run) => run.perCpuSecond);
    const rate = (name: string): number => medianOf(route, name, (run) => run.perSecond);
    const fastest = [...MOCK_SERVERS].sort((a, b) => capacity(b) - capacity(a))[0]!;
    const fastestRate = Math.max(...MOCK_SERVERS.map(rate));
    const ratio = capacity(SIMULATOR) / capacity(fastest);
    return {
      measure: `${ROUTE_LABELS[route]}: simulator vs the fastest generic mock server`,
      measured: `${formatNumber(capacity(SIMULATOR))} vs ${formatNumber(capacity(fastest))} req per CPU-s (${fastest}); ${formatNumber(rate(SIMULATOR))} vs ${formatNumber(fastestRate)} req/s (${formatNumber(rate(SIMULATOR) / fastestRate, 2)}x)`,
      goal: `>= ${GOAL}x the fastest`,
      ratio: `${formatNumber(ratio, 2)}x`,
      verdict: verdictOf(ratio >= GOAL),
    };
  });
  return { rows, details: [detailTable(runs, names)], notes: comparisonNotes(config) };
}

function detailTable(runs: Map<string, Run[]>, names: string[]): DetailTable {
  const medianOf = (route: Route, name: string, pick: (run: Run) => number): number =>
    median((runs.get(`${route}|${name}`) ?? []).map(pick));
  const perRound = (values: number[]): string => values.map((v) => formatNumber(v)).join(' / ');
  return {
    caption:
      "Every server and route: requests per server CPU-second and per second (per round), median latency, server cores busy, and the simulator's ratio to each",
    header: [
      'route',
      'server',
      'req per CPU-s, per round',
      'req/s, per round',
      'p50',
      'p99',
      'server cores',
      'simulator / server, per CPU-s',
      'simulator / server, req/s',
    ],
    rows: ROUTES.flatMap((route) =>
      names.map((name) => {
        const rounds = runs.get(`${route}|${name}`) ?? [];
        const ratio = (pick: (run: Run) => number): string =>
          name === SIMULATOR
            ? '-'
            : `${formatNumber(medianOf(route, SIMULATOR, pick) / medianOf(route, name, pick), 2)}x`;
        return [
          route === 'read' ? 'v1 student read' : 'daily_time write',
          name,
          perRound(rounds.map((run) => run.perCpuSecond)),
          perRound(rounds.map((run) => run.perSecond)),
          formatMs(medianOf(route, name, (run) => run.p50)),
          formatMs(medianOf(route, name, (run) => run.p99)),
          formatNumber(
            medianOf(route, name, (run) => run.cores),
            2,
          ),
          ratio((run) => run.perCpuSecond),
          ratio((run) => run.perSecond),
        ];
      }),
    ),
  };
}

function comparisonNotes(config: BenchConfig): string[] {
  return [
    'The goal is judged on requests per CPU-second of each server process (its CPU time read from /proc around each measured run, over IPC for the simulator): the capacity of one core. On this shared 2-core machine the load generator and other work take CPU from whichever server is measured, which squeezes requests per second most for the fastest server; requests per second and their ratios are shown beside it.',
    `Load: autocannon 8 in the harness process, 10 connections, ${formatNumber(config.loadDurationMs / 1000, 1)} s measured after ${formatNumber(config.loadWarmupMs / 1000, 1)} s of warm-up per run, ${config.loadRounds} round(s) with every server and route in turn; figures are the median round. Each server runs in its own process; they idle while another is measured.`,
    `The simulator (${formatNumber(config.smallDistrict)} students, large seed) checks the token, reads and validates every record and saves it, and answers the v1 student with its lookups; the reads cycle through 500 student DCIDs and the writes through 500 valid Daily records (inserts, then updates).`,
    "The mocks serve the simulator's own answers, captured from it at the start, on the same paths: Prism 5.14.2 (`prism mock`, an OpenAPI 3.0 document whose examples are those answers, `-v silent`), Mockoon CLI 9.9.0 (an environment with the answers as inline bodies, templating off, its default logging), json-server 0.17.4 (a db of one item per DCID holding the read answer, routes rewritten to it, `--quiet`; a POST stores the record in its in-memory db and echoes it, which is what json-server does, so its write answer is the request body). Prism 5.15+ needs Node 24; 5.14.2 is the last that runs on this Node 20.",
    'The mocks are dev dependencies of the benchmark only (bench/mock-servers/package.json); `npm ci --prefix bench/mock-servers` installs them.',
  ];
}
