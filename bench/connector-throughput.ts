/**
 * Figure 3: the connector's HTTP requests per writeback and its writebacks per second end to
 * end (accept into the SQLite outbox, token, DCID batches, school days, periods, writes, log),
 * against a simulator child, compared with posting the very same attendance writes raw with
 * undici in the same run. Each round starts from a fresh district and a cold connector.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  DISTRICT_ADMIN,
  SettingsStore,
  WritebackStore,
  createConnector,
  saveConnectionSettings,
  type WritebackRecord,
} from '../connector/index.ts';
import type { BenchConfig } from './bench-config.ts';
import { createCountingDispatcher, type SentRequest } from './counting-dispatcher.ts';
import type { DetailTable, FigureResult } from './figure.ts';
import { verdictOf } from './figure.ts';
import { postRaw } from './raw-posts.ts';
import { clearJournal, fetchToken, journalSize, resetDistrict } from './sim-http.ts';
import { startSimChild, type SimChild } from './sim-process.ts';
import { formatMs, formatNumber, formatPercent, median } from './stats.ts';
import { BENCH_DATE } from './workloads.ts';

const REQUESTS_GOAL = 1.05;
const RATE_SHARE_GOAL = 0.85;
/** The connector's default concurrency; the raw replay uses the same. */
const CONCURRENCY = 4;

interface Round {
  events: number;
  successful: number;
  firstFailure?: string;
  sent: SentRequest[];
  journaled: number;
  connectorMs: number;
  /** CPU cores the harness process (the connector) kept busy during its run. */
  connectorCores: number;
  /** CPU cores the simulator kept busy during the connector's run. */
  simulatorCores: number;
  /** The median of the raw replays. */
  rawMs: number;
  rawStatuses: Record<number, number>;
}

/** Raw replays per round (each on a fresh district); the median is kept. */
const RAW_REPLAYS = 3;
/**
 * Unmeasured rounds first: a connector is a service that runs all morning, so its steady state
 * (code compiled by the JIT after a few thousand events) is what a rush meets; the first rounds
 * of a fresh process cost up to twice as much CPU per event.
 */
const WARM_UP_ROUNDS = 3;

const isWrite = (path: string): boolean => path.startsWith('/ws/attendance/');

/**
 * Saves the connection, sets each school's mode and imports its codes, as an admin would, into
 * `settings` (in memory unless given; figures M and 7 give a data directory's).
 */
export async function setUpConnector(
  child: SimChild,
  settings: SettingsStore = SettingsStore.inMemory(),
): Promise<SettingsStore> {
  const input = { url: child.url, clientId: child.clientId, clientSecret: child.clientSecret };
  const saved = await saveConnectionSettings({ settings, actor: DISTRICT_ADMIN, input });
  if (!saved.saved) throw new Error(`the connection check failed: ${JSON.stringify(saved.report)}`);
  const connector = createConnector({ ...input, baseUrl: child.url, settings });
  try {
    const schools = child.workload.schools ?? [];
    await connector.updateSchools(DISTRICT_ADMIN, schools);
    for (const { schoolNumber } of schools) {
      await connector.importAttendanceCodes(DISTRICT_ADMIN, {
        schoolNumber,
        date: BENCH_DATE,
        late: ['T', 'TE'],
        early: ['ED', 'EDE'],
      });
    }
  } finally {
    connector.close();
  }
  return settings;
}

async function sendThroughConnector(
  child: SimChild,
  settings: SettingsStore,
  events: readonly Record<string, unknown>[],
): Promise<{ records: WritebackRecord[]; sent: SentRequest[]; elapsedMs: number }> {
  const counting = createCountingDispatcher(isWrite);
  const dir = await mkdtemp(join(tmpdir(), 'pswb-bench-connector-'));
  const connector = createConnector({
    baseUrl: child.url,
    clientId: child.clientId,
    clientSecret: child.clientSecret,
    dispatcher: counting.dispatcher,
    settings,
    store: WritebackStore.openDataDir(dir),
    concurrency: CONCURRENCY,
  });
  try {
    const started = performance.now();
    const records = await connector.send(events);
    return { records, sent: counting.sent, elapsedMs: performance.now() - started };
  } finally {
    connector.close();
    await counting.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Sends the events through a cold connector; times it and the CPU both sides spent. */
async function timeConnector(
  child: SimChild,
  settings: SettingsStore,
  events: readonly Record<string, unknown>[],
): Promise<Omit<Round, 'rawMs' | 'rawStatuses'>> {
  await resetDistrict(child.url);
  await clearJournal(child.url);
  const simulatorBefore = await child.cpuSeconds();
  const connectorBefore = process.cpuUsage();
  const { records, sent, elapsedMs } = await sendThroughConnector(child, settings, events);
  const connectorCpu = process.cpuUsage(connectorBefore);
  const simulatorSeconds = (await child.cpuSeconds()) - simulatorBefore;
  const failed = records.find((record) => record.status !== 'successful');
  return {
    events: events.length,
    successful: records.filter((record) => record.status === 'successful').length,
    ...(failed ? { firstFailure: `${failed.id}: ${failed.error?.message ?? failed.status}` } : {}),
    sent,
    journaled: await journalSize(child.url),
    connectorMs: elapsedMs,
    connectorCores: (connectorCpu.user + connectorCpu.system) / 1000 / elapsedMs,
    simulatorCores: (simulatorSeconds * 1000) / elapsedMs,
  };
}

async function runRound(
  child: SimChild,
  settings: SettingsStore,
  events: readonly Record<string, unknown>[],
): Promise<Round> {
  const connector = await timeConnector(child, settings, events);
  const writes = connector.sent.filter((request) => isWrite(request.path));
  const replays = [];
  for (let replay = 0; replay < RAW_REPLAYS; replay += 1) {
    await resetDistrict(child.url);
    const token = await fetchToken(child.url, child.clientId, child.clientSecret);
    replays.push(await postRaw(child.url, token, writes, CONCURRENCY));
  }
  return {
    ...connector,
    rawMs: median(replays.map((replay) => replay.elapsedMs)),
    rawStatuses: replays[0]!.statuses,
  };
}

/** Which kind of request a path is, for the breakdown. */
function requestKind(path: string): string {
  const bare = path.split('?')[0]!;
  if (bare.startsWith('/oauth/')) return 'token';
  if (bare.startsWith('/ws/schema/query/')) return `PowerQuery ${bare.split('.').at(-1)}`;
  return bare;
}

function breakdown(round: Round): DetailTable {
  const counts = new Map<string, number>();
  for (const request of round.sent) {
    const kind = requestKind(request.path);
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  const rows = [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([kind, count]) => [kind, formatNumber(count), formatNumber(count / round.events, 3)]);
  return {
    caption: `HTTP requests of the last round by kind (${formatNumber(round.events)} events)`,
    header: ['request', 'count', 'per writeback'],
    rows,
  };
}

function roundsTable(rounds: Round[]): DetailTable {
  return {
    caption: 'Every round',
    header: [
      'round',
      'successful',
      'requests (dispatcher / journal)',
      'connector',
      'cores busy: connector / simulator',
      `raw POSTs (median of ${RAW_REPLAYS})`,
      'raw statuses',
    ],
    rows: rounds.map((round, index) => [
      String(index + 1),
      `${formatNumber(round.successful)} / ${formatNumber(round.events)}`,
      `${formatNumber(round.sent.length)} / ${formatNumber(round.journaled)}`,
      `${formatMs(round.connectorMs)} (${formatNumber((round.events / round.connectorMs) * 1000)}/s)`,
      `${formatNumber(round.connectorCores, 2)} / ${formatNumber(round.simulatorCores, 2)}`,
      `${formatMs(round.rawMs)} (${formatNumber((round.events / round.rawMs) * 1000)}/s)`,
      Object.entries(round.rawStatuses)
        .map(([status, count]) => `${status}: ${count}`)
        .join(', '),
    ]),
  };
}

/** Runs figure 3. */
export async function runConnectorThroughput(
  config: BenchConfig,
  log: (line: string) => void,
): Promise<FigureResult> {
  log(`figure 3: seeding ${config.connectorStudents} students (3 schools)`);
  const child = await startSimChild({
    students: config.connectorStudents,
    workload: 'connector',
    size: config.connectorEvents,
  });
  const rounds: Round[] = [];
  try {
    const settings = await setUpConnector(child);
    const events = child.workload.events ?? [];
    // Unmeasured rounds: both the connector's and the simulator's code paths start cold.
    for (let round = 1; round <= (config.quick ? 1 : WARM_UP_ROUNDS); round += 1) {
      log(`figure 3: warm-up round ${round}`);
      await runRound(child, settings, events);
    }
    for (let round = 1; round <= config.connectorRounds; round += 1) {
      log(`figure 3: round ${round}/${config.connectorRounds}: ${events.length} events`);
      rounds.push(await runRound(child, settings, events));
    }
  } finally {
    await child.stop();
  }
  return connectorReport(rounds);
}

function connectorReport(rounds: Round[]): FigureResult {
  const last = rounds.at(-1)!;
  const perWriteback = median(rounds.map((round) => round.sent.length / round.events));
  const connectorRate = median(rounds.map((round) => (round.events / round.connectorMs) * 1000));
  const rawRate = median(rounds.map((round) => (round.events / round.rawMs) * 1000));
  const share = median(rounds.map((round) => round.rawMs / round.connectorMs));
  const events = `${formatNumber(last.events)} events, 3 schools`;
  return {
    rows: [
      {
        measure: `HTTP requests per writeback, ${events}`,
        measured: formatNumber(perWriteback, 3),
        goal: `<= ${REQUESTS_GOAL} (the limit is 1.0)`,
        ratio: `${formatNumber(perWriteback, 2)}x the limit`,
        verdict: verdictOf(perWriteback <= REQUESTS_GOAL),
      },
      {
        measure: `writebacks/s end to end vs raw POSTs of the same records, ${events}`,
        measured: `${formatNumber(connectorRate)}/s vs ${formatNumber(rawRate)}/s`,
        goal: `>= ${formatPercent(RATE_SHARE_GOAL)} of raw`,
        ratio: `${formatPercent(share)} of raw`,
        verdict: verdictOf(share >= RATE_SHARE_GOAL),
      },
    ],
    details: [roundsTable(rounds), breakdown(last)],
    notes: [
      `Events: a morning rush on ${BENCH_DATE} over the district's Daily, Time and Meeting schools in turn; one event in five is an early check-out of a student already checked in. Every student is enrolled that day and every meeting event falls in one of the student's periods, so every writeback can succeed${last.firstFailure ? `; yet one failed: ${last.firstFailure}` : ''}.`,
      `${WARM_UP_ROUNDS} unmeasured warm-up rounds first (the code of both processes starts cold, and a connector is a long-running service), then each round: a fresh district (/__sim/reset), a cold connector (new token, empty caches) with its outbox and log in a new SQLite file, \`connector.send(events)\` timed from accept to the last log entry. Then a fresh district again, and the attendance POSTs that run made (same endpoints, same bodies, same batches) sent raw with undici, ${CONCURRENCY} at a time like the connector, with a token fetched beforehand; ${RAW_REPLAYS} replays, each on a fresh district, the median kept.`,
      "Requests are counted by an undici interceptor on the connector's dispatcher and checked against the simulator's journal; the figure is the median round.",
    ],
  };
}
