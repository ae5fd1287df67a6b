/**
 * Figure D: districts on PostgreSQL (decision 084), the proof run of issue 15 at full size and
 * one district's outage. Ten demo districts, each its own in-process simulator (PowerSchool
 * 25.2, so every event is its own post), are added to a private PostgreSQL (bench/postgres-server.ts)
 * with their settings sealed, as `pswb districts add` does, and their events handed to the
 * outbox as `pswb writeback send --database` does; the workers are `pswb worker` child processes.
 *
 * The proof run: three workers, a fifth of the attendance writes answering 503, two workers
 * killed with SIGKILL mid-run and one started again; every event must end Successful, or Failed
 * where it was planned to (a reason no district maps), and each record be in its simulator once.
 *
 * The outage: one worker, every district given an event every 200 ms; a baseline window, then
 * one district's simulator answering 503 to every attendance write for a minute. The other
 * districts' time from accept (created_at) to written (completed_at) is compared between the
 * two windows; both columns are this machine's wall clock.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import {
  SecretKeyring,
  SettingsStore,
  createConnector,
  formatClockTime,
  parseWritebackEvent,
  sealDistrictSettings,
  toDistrictLocalTime,
} from '../connector/index.ts';
import {
  PgDistricts,
  PgOutbox,
  migratePostgres,
  openPostgresPool,
  type DistrictState,
  type PgAcceptItem,
} from '../connector/store/pg/index.ts';
import { DEMO_REASONS, connectDemoDistrict } from '../repro/demo-connection.ts';
import { startSimulator, type RunningSimulator } from '../simulator/server.ts';
import type { BenchConfig } from './bench-config.ts';
import { verdictOf, type FigureResult } from './figure.ts';
import { startPostgresServer, type PostgresServer } from './postgres-server.ts';
import { formatMs, formatNumber, quantileOfSorted } from './stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DISTRICT_COUNT = 10;
const DISTRICTS = Array.from({ length: DISTRICT_COUNT }, (_, i) => `district-${i + 1}`);
/** The district whose simulator answers 503 in the outage. */
const FAILING = 'district-1';
/** Per district, the last events carry a reason no district maps: Failed, as planned. */
const PLANNED_FAILURES = 2;
const PROOF_WORKERS = 3;
const FAULT_SHARE = 0.2;
const LATENCY_MS = 20;
/** Each district gets an event this often in the outage part. */
const EVENT_EVERY_MS = 200;
/** The issue's goal: one district's outage delays no other district's events by more than this. */
const DELAY_GOAL_MS = 1_000;
/** `pswb worker` flags of both parts. */
const WORKER_FLAGS = ['--poll-seconds', '1', '--lease-seconds', '5', '--concurrency', '2'];
/** 2026-10-14 12:00 in New York: a school day; the simulators' pinned clock. */
const SCHOOL_DAY_NOON = new Date('2026-10-14T16:00:00Z');

interface Sizes {
  perDistrict: number;
  baselineMs: number;
  outageMs: number;
  /** How long to wait for the failing district's events after its outage. */
  recoveryMs: number;
  proofDeadlineMs: number;
}

const FULL: Sizes = {
  perDistrict: 500,
  baselineMs: 30_000,
  outageMs: 60_000,
  recoveryMs: 30_000,
  proofDeadlineMs: 150_000,
};
const QUICK: Sizes = {
  perDistrict: 20,
  baselineMs: 3_000,
  outageMs: 5_000,
  recoveryMs: 10_000,
  proofDeadlineMs: 100_000,
};

/** A student on an in-session day at a demo school: one attendance record each. */
interface StudentDay {
  studentId: number;
  date: string;
  student: { dcid: number; name: string; grade: string; schoolNumber: number };
}

/** A district: its simulator and its sealed settings document. */
interface District {
  id: string;
  sim: RunningSimulator;
  zone: string;
  sealed: unknown;
}

/** Runs figure D. */
export async function runPgDistricts(
  config: BenchConfig,
  log: (line: string) => void,
): Promise<FigureResult> {
  const sizes = config.quick ? QUICK : FULL;
  log('figure D: starting PostgreSQL and 10 simulators');
  const server = await startPostgresServer();
  const keyDir = await mkdtemp(join(tmpdir(), 'pswb-bench-districts-'));
  const workers = new WorkerSet(keyDir);
  const districts: District[] = [];
  try {
    const keyring = new SecretKeyring(keyDir, {});
    for (const [index, id] of DISTRICTS.entries()) {
      districts.push(await startDistrict(id, index, keyring));
    }
    const pairs = studentDays(districts[0]!.sim, [101, 102]);
    const proof = await runProof(server, districts, pairs, workers, sizes, log);
    await workers.stopAll();
    const outage = await runOutage(
      server,
      districts,
      pairs.slice(sizes.perDistrict),
      workers,
      sizes,
      log,
    );
    await workers.stopAll();
    return {
      rows: [...proof.rows, ...outage.rows],
      details: [proof.detail, outage.detail],
      notes: [
        `Each district is a demo simulator of its own in this process (PowerSchool 25.2.0.0, so every event is one POST; every attendance write waits ${LATENCY_MS} ms more), added to a private PostgreSQL with its settings sealed as \`pswb districts add\` does (PgDistricts.add, sealDistrictSettings) and its events handed over as \`pswb writeback send --database\` does (PgOutbox.accept, stamped in the district's zone, created_at from this machine's clock). The workers are \`node bin/pswb.mjs worker ${WORKER_FLAGS.join(' ')}\` child processes.`,
        `Proof run: ${DISTRICT_COUNT} districts x ${sizes.perDistrict} late check-ins of distinct students and days at the Daily school 101, the last ${PLANNED_FAILURES} of each with a reason no district maps (Failed, reason_not_mapped, as planned); ${formatNumber(FAULT_SHARE * 100)}% of the attendance POSTs answer 503. ${PROOF_WORKERS} workers start; once a fifth of the events are Successful and some are being sent, two are killed with SIGKILL and one is started again. The check: every accepted event is in pswb_events, Successful or Failed as planned; each written student-day has exactly one attendance row in its simulator, and the planned failures none. An event all of whose 5 attempts meet a 503 (0.2^5, about 1 in 3,000) is deferred to a retry time: a minute after its first try, 5 minutes after its second (a claim cut short by a kill is not a try: the event's retries count tries). Once every event is final or deferred, the harness brings the deferred events' retry_at forward to now (listed in the detail table) and the workers claim and write them as any other; the wall time includes that, not the minutes of the retry schedule.`,
        `Outage: a fresh database with the same ${DISTRICT_COUNT} districts and one worker; each district gets an event every ${EVENT_EVERY_MS} ms (${formatNumber((1000 / EVENT_EVERY_MS) * DISTRICT_COUNT)} events/s in all). A baseline window of ${formatMs(sizes.baselineMs)} with no fault, then ${FAILING}'s simulator answers 503 to every POST /ws/attendance/* for ${formatMs(sizes.outageMs)} while the load goes on. Delay is completed_at - created_at of the other districts' events accepted in each window. Then the 503s stop, the district's pause is ended (PgDistricts.resume, as \`pswb districts set --resume\`) and its events are waited for; the ones it deferred during the outage have their retry time brought forward as in the proof run, once every other one is written. The outage's events are further student-days of school 101, then of the Time school 102.`,
      ],
    };
  } finally {
    await workers.stopAll('SIGKILL');
    for (const district of districts) await district.sim.close().catch(() => undefined);
    await server.stop();
    await rm(keyDir, { recursive: true, force: true });
  }
}

/** Starts a district's simulator, connects it as its admin would and seals its settings. */
async function startDistrict(id: string, index: number, keyring: SecretKeyring): Promise<District> {
  const sim = await startSimulator({
    port: 0,
    seed: 'demo',
    dataPath: null,
    clock: SCHOOL_DAY_NOON,
    randomSeed: 7 + index,
    psVersion: '25.2.0.0',
    log: () => {},
  });
  const settings = SettingsStore.inMemory();
  const connector = await connectDemoDistrict(sim, {
    settings,
    reasons: DEMO_REASONS,
    open: ({ baseUrl, clientId, clientSecret }) =>
      createConnector({ baseUrl, clientId, clientSecret, settings }),
  });
  connector.close();
  const document = structuredClone(settings.get());
  return {
    id,
    sim,
    zone: document.districtTimezone ?? 'UTC',
    sealed: await sealDistrictSettings(document, keyring),
  };
}

/** A fresh database with the districts added. */
async function openDatabase(
  server: PostgresServer,
  name: string,
  districts: readonly District[],
): Promise<{ pool: pg.Pool; url: string }> {
  const url = await server.createDatabase(name);
  const pool = openPostgresPool(url, { max: 16 });
  await migratePostgres(pool);
  const store = new PgDistricts(pool);
  for (const district of districts) {
    await store.add(
      { id: district.id, name: `demo ${district.id}`, settings: district.sealed },
      new Date().toISOString(),
    );
  }
  return { pool, url };
}

/** Every student and in-session day of the schools, in order (the demo seed gives each sim the same). */
function studentDays(sim: RunningSimulator, schools: readonly number[]): StudentDay[] {
  const pairs: StudentDay[] = [];
  for (const schoolNumber of schools) {
    const days = sim.district
      .table('calendar_day')
      .all()
      .filter((d) => d.schoolid === schoolNumber && d.insession === 1)
      .map((d) => d.date_value)
      .sort();
    const students = sim.district
      .table('students')
      .all()
      .filter((s) => s.schoolid === schoolNumber);
    for (const student of students) {
      for (const date of days) {
        if (date < student.entrydate || date >= student.exitdate) continue;
        pairs.push({
          studentId: student.id,
          date,
          student: {
            dcid: student.dcid,
            name: `${student.first_name} ${student.last_name}`,
            grade: String(student.grade_level),
            schoolNumber,
          },
        });
      }
    }
  }
  return pairs;
}

/** Eastern daylight time, 2025 to 2027 (the demo calendar's span). */
const EDT: readonly (readonly [string, string])[] = [
  ['2025-03-09', '2025-11-02'],
  ['2026-03-08', '2026-11-01'],
  ['2027-03-14', '2027-11-07'],
];

/** An ISO instant for a New York wall-clock time on a date. */
function newYorkTime(date: string, seconds: number): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const daylight = EDT.some(([from, to]) => date >= from && date < to);
  const clock = `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
  return `${date}T${clock}${daylight ? '-04:00' : '-05:00'}`;
}

/** A late check-in at 9:00 on the student-day, stamped in the district's zone. */
function acceptItem(district: District, id: string, pair: StudentDay, reason = 'T'): PgAcceptItem {
  const event = parseWritebackEvent(
    {
      id,
      type: 'late_checkin',
      student: pair.student,
      occurredAt: newYorkTime(pair.date, 9 * 3600),
      reason,
    },
    'dcid',
  );
  const local = toDistrictLocalTime(new Date(event.occurredAt), district.zone);
  return { event, stamp: { date: local.date, time: formatClockTime(local.secondsSinceMidnight) } };
}

/** `pswb worker` child processes, started and stopped by id. */
class WorkerSet {
  readonly #keyDir: string;
  readonly #children: ChildProcess[] = [];

  constructor(keyDir: string) {
    this.#keyDir = keyDir;
  }

  /** Starts `pswb worker` on the database; resolves once it printed its ready line. */
  async start(url: string): Promise<ChildProcess> {
    const env: NodeJS.ProcessEnv = { ...process.env, PSWB_DATABASE_URL: url };
    delete env.PSWB_SECRET_KEY;
    delete env.PSWB_SECRET_KEY_FILE;
    const child = spawn(
      process.execPath,
      [`${ROOT}bin/pswb.mjs`, 'worker', '--data-dir', this.#keyDir, ...WORKER_FLAGS, '--quiet'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env },
    );
    this.#children.push(child);
    const tail: string[] = [];
    child.stderr!.on('data', (chunk: Buffer) => {
      tail.push(chunk.toString());
      if (tail.length > 20) tail.shift();
    });
    await new Promise<void>((resolve, reject) => {
      let stdout = '';
      const onData = (chunk: Buffer): void => {
        stdout += chunk.toString();
        if (stdout.includes('"event":"ready"')) {
          child.stdout!.off('data', onData);
          child.stdout!.resume();
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.once('exit', (code, signal) =>
        reject(new Error(`pswb worker exited (${code ?? signal}) before ready: ${tail.join('')}`)),
      );
    });
    return child;
  }

  /** Kills one child with SIGKILL and waits for it to be gone. */
  async kill(child: ChildProcess): Promise<void> {
    await stopChild(child, 'SIGKILL');
  }

  /** Stops every child still running (SIGTERM: what it holds goes back to the outbox). */
  async stopAll(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await Promise.all(this.#children.map((child) => stopChild(child, signal)));
    this.#children.length = 0;
  }
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

async function stateCounts(pool: pg.Pool, where = 'TRUE'): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ state: string; n: number }>(
    `SELECT state, count(*)::int AS n FROM pswb_events WHERE ${where} GROUP BY state`,
  );
  return Object.fromEntries(rows.map((row) => [row.state, row.n]));
}

async function until(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: () => Promise<string>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${await what()} after ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * True when none of the events `where` selects is waiting to be written now: each is final, or
 * deferred (pending until a retry time still to come, after an unavailable PowerSchool).
 */
async function settled(pool: pg.Pool, where: string): Promise<boolean> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pswb_events WHERE (${where})
     AND (state = 'sending' OR (state = 'pending' AND (retry_at IS NULL OR retry_at <= now())))`,
  );
  return rows[0]!.n === 0;
}

/** Unfinished events of `where`, a few, for an error message. */
async function unfinished(pool: pg.Pool, where: string): Promise<string> {
  const { rows } = await pool.query(
    `SELECT district, id, state, runs, error_code, retry_at, lease_until FROM pswb_events
     WHERE (${where}) AND state IN ('pending', 'sending') ORDER BY seq LIMIT 5`,
  );
  return JSON.stringify(rows);
}

/** A deferred event whose retry time the harness brought forward. */
interface Deferred {
  id: string;
  runs: number;
  errorCode: string | null;
  /** How long it would still have waited. */
  waitMs: number;
}

/**
 * Brings the retry time of the deferred events `where` selects forward to now, so the workers
 * claim them at their next poll instead of in 1 to 5 minutes (the retry schedule: a minute
 * after the first try, 5 after the second; a claim cut short is not a try).
 */
async function bringForward(pool: pg.Pool, where: string): Promise<Deferred[]> {
  const { rows } = await pool.query<{
    id: string;
    runs: number;
    error_code: string | null;
    wait_ms: number;
  }>(
    `UPDATE pswb_events e SET retry_at = now() FROM (
       SELECT seq, (extract(epoch FROM retry_at - now()) * 1000)::float8 AS wait_ms
       FROM pswb_events WHERE (${where}) AND state = 'pending' AND retry_at > now()
     ) d WHERE e.seq = d.seq
     RETURNING e.id, e.runs, e.error_code, d.wait_ms`,
  );
  return rows.map((row) => ({
    id: row.id,
    runs: row.runs,
    errorCode: row.error_code,
    waitMs: row.wait_ms,
  }));
}

const describeDeferred = (deferred: readonly Deferred[]): string =>
  deferred.length === 0
    ? 'none'
    : deferred
        .map(
          (d) =>
            `${d.id} (claimed ${d.runs} time(s), ${d.errorCode ?? 'no error code'}, ${formatMs(d.waitMs)} still to wait)`,
        )
        .join('; ');

/** The proof run's rows and detail table. */
async function runProof(
  server: PostgresServer,
  districts: readonly District[],
  pairs: readonly StudentDay[],
  workers: WorkerSet,
  sizes: Sizes,
  log: (line: string) => void,
): Promise<{ rows: FigureResult['rows']; detail: FigureResult['details'][number] }> {
  const perDistrict = sizes.perDistrict;
  if (pairs.length < perDistrict) throw new Error(`only ${pairs.length} student-days per district`);
  const { pool, url } = await openDatabase(server, 'proof', districts);
  try {
    const outbox = new PgOutbox(pool);
    const total = districts.length * perDistrict;
    const planned = districts.length * PLANNED_FAILURES;
    for (const district of districts) {
      const items = pairs
        .slice(0, perDistrict)
        .map((pair, n) =>
          acceptItem(
            district,
            `proof-${n}`,
            pair,
            n >= perDistrict - PLANNED_FAILURES ? 'NOT-MAPPED' : 'T',
          ),
        );
      await outbox.accept(district.id, items, new Date().toISOString());
      district.sim.platform.faults.add({
        method: 'POST',
        path: '/ws/attendance/*',
        probability: FAULT_SHARE,
        action: { type: 'status', status: 503 },
      });
      district.sim.platform.faults.add({
        method: 'POST',
        path: '/ws/attendance/*',
        action: { type: 'latency', ms: LATENCY_MS },
      });
    }
    const accepted = (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM pswb_events'))
      .rows[0]!.n;
    log(`figure D: proof run: ${accepted} events accepted, starting ${PROOF_WORKERS} workers`);
    const counts = (): Promise<string> => stateCounts(pool).then((c) => JSON.stringify(c));
    const started = performance.now();
    const first: ChildProcess[] = [];
    for (let n = 0; n < PROOF_WORKERS; n += 1) first.push(await workers.start(url));
    await until(
      async () => {
        const now = await stateCounts(pool);
        return (now.successful ?? 0) >= total / 5 && (now.sending ?? 0) > 0;
      },
      sizes.proofDeadlineMs,
      async () =>
        `the kill point (a fifth successful, some sending) not reached: ${await counts()}`,
    );
    const atKill = await stateCounts(pool);
    const killedAtMs = performance.now() - started;
    await workers.kill(first[0]!);
    await workers.kill(first[1]!);
    log(`figure D: proof run: two workers killed at ${JSON.stringify(atKill)}, one restarted`);
    await workers.start(url);
    await until(
      () => settled(pool, 'TRUE'),
      sizes.proofDeadlineMs,
      async () => `the proof run did not end: ${await counts()}; ${await unfinished(pool, 'TRUE')}`,
    );
    const settledMs = performance.now() - started;
    // What is left waits for its retry time: brought forward, then written as any other.
    const deferred = await bringForward(pool, 'TRUE');
    log(
      `figure D: proof run: settled at ${formatMs(settledMs)}; deferred events brought forward: ${describeDeferred(deferred)}`,
    );
    await until(
      async () => {
        const now = await stateCounts(pool);
        return (now.successful ?? 0) + (now.failed ?? 0) === accepted;
      },
      60_000,
      async () => `the proof run did not end: ${await counts()}; ${await unfinished(pool, 'TRUE')}`,
    );
    const wallMs = performance.now() - started;
    for (const district of districts) district.sim.platform.faults.clear();

    const final = await stateCounts(pool);
    const successful = final.successful ?? 0;
    const failed = final.failed ?? 0;
    const failedCodes = await pool.query<{ error_code: string | null; n: number }>(
      "SELECT error_code, count(*)::int AS n FROM pswb_events WHERE state = 'failed' GROUP BY error_code",
    );
    const failedAsPlanned =
      failedCodes.rows.find((row) => row.error_code === 'reason_not_mapped')?.n ?? 0;
    // Each district's events against its simulator's attendance table, record by record.
    let writtenOnce = 0;
    let wrong = 0;
    let twice = 0;
    let rowsInSims = 0;
    for (const district of districts) {
      const states = new Map(
        (
          await pool.query<{ id: string; state: string }>(
            'SELECT id, state FROM pswb_events WHERE district = $1',
            [district.id],
          )
        ).rows.map((row) => [row.id, row.state]),
      );
      pairs.slice(0, perDistrict).forEach((pair, n) => {
        const rows = district.sim.district.attendanceOn(pair.studentId, pair.date).length;
        const wanted = n < perDistrict - PLANNED_FAILURES ? 1 : 0;
        const state = states.get(`proof-${n}`);
        if (rows === wanted && state === (wanted === 1 ? 'successful' : 'failed')) {
          writtenOnce += wanted;
        } else wrong += 1;
      });
      const perDay = new Map<string, number>();
      for (const row of district.sim.district.table('attendance').all()) {
        rowsInSims += 1;
        const key = `${row.studentid}|${row.att_date}`;
        perDay.set(key, (perDay.get(key) ?? 0) + 1);
      }
      twice += [...perDay.values()].filter((n) => n > 1).length;
    }
    const takenOver = (
      await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM pswb_events WHERE runs > 1')
    ).rows[0]!.n;
    const lost = accepted - successful - failed;
    const asPlanned =
      accepted === total &&
      lost === 0 &&
      successful === total - planned &&
      failed === planned &&
      failedAsPlanned === planned &&
      wrong === 0;
    log(
      `figure D: proof run: ${successful} successful, ${failed} failed, ${twice} written twice, ${takenOver} claimed again, ${formatMs(wallMs)}`,
    );
    const size = `${DISTRICT_COUNT} districts x ${formatNumber(perDistrict)} events, ${PROOF_WORKERS} workers, ${formatNumber(FAULT_SHARE * 100)}% 503s, two killed with SIGKILL, one restarted`;
    return {
      rows: [
        {
          measure: `proof run: events accepted (${size})`,
          measured: formatNumber(accepted),
          goal: '-',
          verdict: 'reported',
        },
        {
          measure: 'proof run: events ended as planned (Successful, or Failed where planned)',
          measured: `${formatNumber(successful)} successful + ${formatNumber(failedAsPlanned)} failed as planned of ${formatNumber(accepted)} accepted; ${formatNumber(lost)} lost, ${formatNumber(wrong)} not as planned${deferred.length > 0 ? ` (${deferred.length} deferred, retry time brought forward)` : ''}`,
          goal: 'all',
          verdict: verdictOf(asPlanned),
        },
        {
          measure:
            'proof run: records written twice (student-days with more than one attendance row)',
          measured: `${formatNumber(twice)} (${formatNumber(rowsInSims)} rows in the simulators, ${formatNumber(writtenOnce)} events each written once)`,
          goal: '0',
          verdict: verdictOf(twice === 0),
        },
        {
          measure: 'proof run: events taken over from the killed workers (claimed more than once)',
          measured: `${formatNumber(takenOver)} (runs > 1${deferred.length > 0 ? `; includes the ${deferred.length} deferred` : ''})`,
          goal: '-',
          verdict: 'reported',
        },
        {
          measure: 'proof run: wall time, from the first worker started to every event final',
          measured: `${formatMs(wallMs)} (${formatNumber((accepted / wallMs) * 1000)} events/s); every event final or deferred at ${formatMs(settledMs)}`,
          goal: '-',
          verdict: 'reported',
        },
      ],
      detail: {
        caption: 'The proof run',
        header: ['measure', 'value'],
        rows: [
          ['districts x events', `${DISTRICT_COUNT} x ${formatNumber(perDistrict)}`],
          [
            'accepted / successful / failed (planned)',
            `${formatNumber(accepted)} / ${formatNumber(successful)} / ${formatNumber(failed)} (${formatNumber(planned)})`,
          ],
          [
            'failed, by error code',
            failedCodes.rows.map((row) => `${row.error_code ?? 'none'} ${row.n}`).join(', ') ||
              'none',
          ],
          [
            'states when two workers were killed',
            `${JSON.stringify(atKill)} at ${formatMs(killedAtMs)}`,
          ],
          ['events claimed more than once (runs > 1)', formatNumber(takenOver)],
          ['attendance rows in the simulators', formatNumber(rowsInSims)],
          ['every event final or deferred (pending until a retry time)', formatMs(settledMs)],
          ['deferred events, retry time brought forward', describeDeferred(deferred)],
          ['wall time to every event final', formatMs(wallMs)],
        ],
      },
    };
  } finally {
    await pool.end().catch(() => undefined);
  }
}

/** Sends each district an event every EVENT_EVERY_MS for durationMs; returns how many. */
async function steadyLoad(
  outbox: PgOutbox,
  districts: readonly District[],
  next: (district: District) => { id: string; pair: StudentDay },
  durationMs: number,
): Promise<number> {
  const start = performance.now();
  let sent = 0;
  await Promise.all(
    districts.map(async (district, index) => {
      // Spread over the interval, so the districts' events do not all arrive at once.
      const offset = (index * EVENT_EVERY_MS) / districts.length;
      for (let tick = 0; ; tick += 1) {
        const at = offset + tick * EVENT_EVERY_MS;
        if (at >= durationMs) return;
        await sleep(start + at - performance.now());
        const { id, pair } = next(district);
        await outbox.accept(
          district.id,
          [acceptItem(district, id, pair)],
          new Date().toISOString(),
        );
        sent += 1;
      }
    }),
  );
  return sent;
}

interface Delays {
  count: number;
  notWritten: number;
  p50: number;
  p99: number;
  max: number;
}

/** Accept-to-written delays of the healthy districts' events of a window (ids `${prefix}-%`). */
async function delaysOf(pool: pg.Pool, prefix: string): Promise<Delays> {
  const { rows } = await pool.query<{ ms: number | null }>(
    `SELECT (extract(epoch FROM completed_at - created_at) * 1000)::float8 AS ms
     FROM pswb_events WHERE district <> $1 AND id LIKE $2`,
    [FAILING, `${prefix}-%`],
  );
  const ms = rows
    .map((row) => row.ms)
    .filter((value): value is number => value !== null)
    .sort((a, b) => a - b);
  return {
    count: rows.length,
    notWritten: rows.length - ms.length,
    p50: quantileOfSorted(ms, 0.5),
    p99: quantileOfSorted(ms, 0.99),
    max: ms.at(-1) ?? Number.NaN,
  };
}

const describeDelays = (d: Delays): string =>
  `p50 ${formatMs(d.p50)}, p99 ${formatMs(d.p99)}, max ${formatMs(d.max)} (${formatNumber(d.count)} events)`;

/** The outage part's rows and detail table. */
async function runOutage(
  server: PostgresServer,
  districts: readonly District[],
  pairs: readonly StudentDay[],
  workers: WorkerSet,
  sizes: Sizes,
  log: (line: string) => void,
): Promise<{ rows: FigureResult['rows']; detail: FigureResult['details'][number] }> {
  const needed = 1 + Math.ceil((sizes.baselineMs + sizes.outageMs) / EVENT_EVERY_MS);
  if (pairs.length < needed) throw new Error(`only ${pairs.length} student-days left per district`);
  const { pool, url } = await openDatabase(server, 'outage', districts);
  try {
    const outbox = new PgOutbox(pool);
    const store = new PgDistricts(pool);
    for (const district of districts) {
      district.sim.platform.faults.add({
        method: 'POST',
        path: '/ws/attendance/*',
        action: { type: 'latency', ms: LATENCY_MS },
      });
    }
    const cursor = new Map<string, number>();
    const nextOf =
      (prefix: string) =>
      (district: District): { id: string; pair: StudentDay } => {
        const n = cursor.get(district.id) ?? 0;
        cursor.set(district.id, n + 1);
        return { id: `${prefix}-${n}`, pair: pairs[n]! };
      };
    await workers.start(url);
    const allWritten = (where: string) => async () => {
      const now = await stateCounts(pool, where);
      return (now.pending ?? 0) === 0 && (now.sending ?? 0) === 0;
    };
    const describe = (where: string) => () =>
      stateCounts(pool, where).then((c) => `not all written: ${JSON.stringify(c)}`);
    // Warm-up: each district's connector gets its token and caches before the baseline.
    await steadyLoad(outbox, districts, nextOf('warm'), EVENT_EVERY_MS);
    await until(allWritten('TRUE'), 30_000, describe('TRUE'));

    log(`figure D: outage: baseline, ${formatMs(sizes.baselineMs)} with no fault`);
    const baselineSent = await steadyLoad(outbox, districts, nextOf('base'), sizes.baselineMs);
    await until(allWritten("id LIKE 'base-%'"), 30_000, describe("id LIKE 'base-%'"));
    const baseline = await delaysOf(pool, 'base');

    log(`figure D: outage: ${FAILING} answers 503 for ${formatMs(sizes.outageMs)}`);
    const failing = districts.find((district) => district.id === FAILING)!;
    const rule = failing.sim.platform.faults.add({
      method: 'POST',
      path: '/ws/attendance/*',
      action: { type: 'status', status: 503 },
    });
    const outageStarted = performance.now();
    let firstPause: { atMs: number; state: DistrictState } | undefined;
    let othersPaused = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const states = await store.states();
        const nowIso = new Date().toISOString();
        for (const state of states) {
          const paused = state.pausedUntil !== null && state.pausedUntil > nowIso;
          if (!paused) continue;
          if (state.id === FAILING)
            firstPause ??= { atMs: performance.now() - outageStarted, state };
          else othersPaused += 1;
        }
        await sleep(250);
      }
    })();
    const outageSent = await steadyLoad(outbox, districts, nextOf('out'), sizes.outageMs);
    sampling = false;
    await sampler;
    const atEnd = (await store.states()).find((state) => state.id === FAILING)!;
    // Deferred: back in the outbox until their retry time, whatever the pause.
    const deferredAtEnd = (
      await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pswb_events
         WHERE district = $1 AND state = 'pending' AND retry_at > now()`,
        [FAILING],
      )
    ).rows[0]!.n;
    const pausedForMs = atEnd.pausedUntil === null ? 0 : Date.parse(atEnd.pausedUntil) - Date.now();
    failing.sim.platform.faults.remove(rule.id);
    const others = `district <> '${FAILING}' AND id LIKE 'out-%'`;
    await until(allWritten(others), 30_000, describe(others));
    const during = await delaysOf(pool, 'out');

    // The outage is over: end the pause and wait for the district's events.
    await store.resume(FAILING, new Date().toISOString());
    const resumed = performance.now();
    const mine = `district = '${FAILING}'`;
    await until(
      () => settled(pool, mine),
      sizes.recoveryMs,
      async () => `${FAILING} did not recover: ${await unfinished(pool, mine)}`,
    );
    const recoveredMs = performance.now() - resumed;
    const afterResume = await stateCounts(pool, mine);
    // What is left waits for its retry time (1 to 5 minutes): brought forward, then written.
    const deferred = await bringForward(pool, mine);
    await until(
      async () => {
        const now = await stateCounts(pool, mine);
        return (now.pending ?? 0) === 0 && (now.sending ?? 0) === 0;
      },
      30_000,
      async () => `${FAILING} did not recover: ${await unfinished(pool, mine)}`,
    );
    const failingCounts = await stateCounts(pool, mine);
    const failingTotal = Object.values(failingCounts).reduce((sum, n) => sum + n, 0);
    const extra = during.p99 - baseline.p99;
    const healthy = districts.length - 1;
    log(
      `figure D: outage: others p99 ${formatMs(during.p99)} vs ${formatMs(baseline.p99)} baseline; ${FAILING} ${JSON.stringify(failingCounts)}`,
    );
    if (baseline.notWritten > 0 || during.notWritten > 0) {
      throw new Error('an event of a healthy district was not written');
    }
    const pauseText = firstPause
      ? `paused ${formatMs(firstPause.atMs)} into the outage (${(firstPause.state.pauseReason ?? '').split(':')[0]}); ${pausedForMs > 0 ? `still paused at its end, for ${formatMs(pausedForMs)} more` : 'not paused at its end'}`
      : 'never paused (too short an outage for 3 deferrals in a row)';
    const outageLabel = formatMs(sizes.outageMs);
    return {
      rows: [
        {
          measure: `outage: the other ${healthy} districts, accept to written, during one district's ${outageLabel} of 503s vs a ${formatMs(sizes.baselineMs)} baseline (one worker, an event per district every ${EVENT_EVERY_MS} ms)`,
          measured: `${describeDelays(during)} vs ${describeDelays(baseline)}`,
          goal: '-',
          verdict: 'reported',
        },
        {
          measure: `outage: extra p99 delay of the other districts while one district answers 503 (${outageLabel})`,
          measured: `${extra >= 0 ? '+' : '-'}${formatMs(Math.abs(extra))} (p99 ${formatMs(during.p99)} vs ${formatMs(baseline.p99)})`,
          goal: `<= ${formatNumber(DELAY_GOAL_MS)} ms`,
          verdict: verdictOf(extra <= DELAY_GOAL_MS),
        },
        {
          measure: 'outage: the failing district during its outage (PgDistricts.states)',
          measured: `${pauseText}; other districts paused: ${othersPaused === 0 ? 'none' : `${othersPaused} sample(s)`}`,
          goal: '-',
          verdict: 'reported',
        },
        {
          measure:
            'outage: the failing district after it (503s stopped, pause ended with PgDistricts.resume)',
          measured:
            deferred.length === 0
              ? `${formatNumber(failingCounts.successful ?? 0)} of ${formatNumber(failingTotal)} events successful ${formatMs(recoveredMs)} after the resume (none deferred)`
              : `${formatNumber(afterResume.successful ?? 0)} of ${formatNumber(failingTotal)} events successful ${formatMs(recoveredMs)} after the resume, the other ${formatNumber(deferred.length)} deferred to a retry time; with that brought forward, ${formatNumber(failingCounts.successful ?? 0)} of ${formatNumber(failingTotal)} successful`,
          goal: '-',
          verdict: 'reported',
        },
      ],
      detail: {
        caption: 'The outage',
        header: ['measure', 'value'],
        rows: [
          [
            'events accepted: warm-up / baseline / outage (all districts)',
            `${DISTRICT_COUNT} / ${formatNumber(baselineSent)} / ${formatNumber(outageSent)}`,
          ],
          [
            `the other ${healthy} districts, baseline ${formatMs(sizes.baselineMs)}`,
            describeDelays(baseline),
          ],
          [
            `the other ${healthy} districts, ${FAILING} answering 503 for ${outageLabel}`,
            describeDelays(during),
          ],
          [`${FAILING} during the outage`, pauseText],
          [
            `${FAILING}'s events deferred to a retry time when the 503s stopped`,
            formatNumber(deferredAtEnd),
          ],
          [
            `${FAILING} once every event not deferred was written (${formatMs(recoveredMs)} after the resume)`,
            JSON.stringify(afterResume),
          ],
          [`${FAILING}'s deferred events, retry time brought forward`, describeDeferred(deferred)],
          [`${FAILING} in the end`, JSON.stringify(failingCounts)],
        ],
      },
    };
  } finally {
    await pool.end().catch(() => undefined);
  }
}
