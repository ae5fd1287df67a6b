/**
 * The writeback pipeline on PostgreSQL (writeback/pg-run-store.ts) against the simulator: three
 * workers (three connectors, as three processes would have) drain one district's events from a
 * real PostgreSQL server while the simulator fails a fifth of the attendance posts, and a fourth
 * worker died holding events; every event ends Successful, each record is in PowerSchool once,
 * the attempts are journaled, and a stopped worker hands back what it held.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatClockTime,
  parseWritebackEvent,
  pgRunStore,
  toDistrictLocalTime,
  type Connector,
} from '../../connector/index.ts';
import { PgOutbox, migratePostgres, openPostgresPool } from '../../connector/store/pg/index.ts';
import type { RunningSimulator } from '../../simulator/server.ts';
import { studentDayEvents } from '../service/support.ts';
import { startTestPostgres, type TestPostgres } from '../support/postgres.ts';
import { clockOf, connectDemo, startDemoSimulator } from './support/simulator.ts';

const ZONE = 'America/New_York';

let server: TestPostgres;
let pool: pg.Pool;
let outbox: PgOutbox;
let sim: RunningSimulator;
const connectors: Connector[] = [];

beforeAll(async () => {
  server = await startTestPostgres();
  pool = openPostgresPool(await server.createDatabase('pipeline'), { max: 12 });
  await migratePostgres(pool);
  outbox = new PgOutbox(pool);
  // 25.2: no batch_daily_time, so each event is its own post and a fifth of them meet a fault.
  sim = await startDemoSimulator({ psVersion: '25.2.0.0' });
  for (let worker = 0; worker < 3; worker += 1) connectors.push(await connectDemo(sim));
}, 60_000);

afterAll(async () => {
  for (const connector of connectors) connector.close();
  await sim?.close();
  await pool?.end();
  await server?.stop();
});

/** Accepts events into the district's PostgreSQL outbox, stamped in the district's zone. */
async function accept(district: string, events: readonly Record<string, unknown>[]) {
  const items = events.map((input) => {
    const event = parseWritebackEvent(input, 'dcid');
    const local = toDistrictLocalTime(new Date(event.occurredAt), ZONE);
    return {
      event,
      stamp: { date: local.date, time: formatClockTime(local.secondsSinceMidnight) },
    };
  });
  return outbox.accept(district, items, clockOf(sim).now().toISOString());
}

async function states(district: string): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ state: string; n: number }>(
    'SELECT state, count(*)::int AS n FROM pswb_events WHERE district = $1 GROUP BY state',
    [district],
  );
  return Object.fromEntries(rows.map((row) => [row.state, row.n]));
}

describe('the pipeline on PostgreSQL', () => {
  it('three workers share the queue under faults and take over a dead worker’s events; each record written once', async () => {
    const district = sim.url;
    // Daily (101) and Time (102) events, each of another student-day.
    const daily = studentDayEvents(sim, 150, 'pgd', [101]);
    const time = studentDayEvents(sim, 150, 'pgt', [102]);
    const keys = [...daily.keys, ...time.keys];
    expect(await accept(district, [...daily.events, ...time.events])).toHaveLength(300);
    // A worker that claimed 30 events a minute ago and died: its lease has lapsed.
    const aMinuteAgo = new Date(clockOf(sim).now().getTime() - 60_000).toISOString();
    const dead = await outbox.claimNext('dead-worker', aMinuteAgo, 30, 1_000, { district });
    expect(dead).toHaveLength(30);
    const faults = sim.platform.faults.add({
      method: 'POST',
      path: '/ws/attendance/*',
      action: { type: 'status', status: 503 },
      probability: 0.2,
    });
    // As the service runs: an event PowerSchool kept refusing after its retries waits in the
    // outbox (here no time at all) and is tried again, rather than failing for good.
    const retryLater = { delaysMs: [0], maxRuns: 100 };
    // Each worker runs as `pswb worker` does: drain, and look again until nothing is left.
    const work = async (connector: Connector) => {
      const store = pgRunStore(outbox, district, { clock: clockOf(sim), leaseMs: 30_000 });
      let successful = 0;
      for (;;) {
        successful += (await connector.drain(store, { retryLater })).successful;
        const now = await states(district);
        if (!now.pending && !now.sending) return successful;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    const progress = await Promise.all(connectors.map(work));
    const [rule] = sim.platform.faults.list().filter((held) => held.id === faults.id);
    sim.platform.faults.clear();
    // The faults did hit: about a fifth of the attendance posts answered 503 and were retried.
    expect(rule!.hits).toBeGreaterThan(20);
    expect(await states(district)).toEqual({ successful: 300 });
    // Every worker took part, and together they finished each event once.
    expect(progress.reduce((sum, successful) => sum + successful, 0)).toBe(300);
    expect(progress.filter((successful) => successful > 0).length).toBeGreaterThan(1);
    for (const { studentId, date } of keys) {
      expect(sim.district.attendanceOn(studentId, date)).toHaveLength(1);
    }
    const journal = await outbox.attempts(district, dead[0]!.id);
    expect(journal.map((attempt) => attempt.run)).toContain(2);
    const { rows } = await pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pswb_attempts WHERE district = $1',
      [district],
    );
    expect(rows[0]!.n).toBeGreaterThanOrEqual(300);
  });

  it('a stopped worker hands back what it held, and the next run writes it', async () => {
    const district = `${sim.url}/stopped`;
    const { events } = studentDayEvents(sim, 40, 'st', [101]);
    await accept(district, events);
    const controller = new AbortController();
    const store = pgRunStore(outbox, district, { clock: clockOf(sim) });
    // Slow PowerSchool down, then stop the worker while it is writing.
    sim.platform.faults.add({
      method: 'POST',
      path: '/ws/attendance/*',
      action: { type: 'latency', ms: 200 },
    });
    const run = connectors[0]!.drain(store, { signal: controller.signal });
    // Stopped once it holds events (claimed, being written).
    while (((await states(district)).sending ?? 0) === 0) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    controller.abort();
    const stopped = await run;
    sim.platform.faults.clear();
    expect(stopped.released).toBeGreaterThan(0);
    const after = await states(district);
    expect(after.sending ?? 0).toBe(0);
    await connectors[1]!.drain(pgRunStore(outbox, district, { clock: clockOf(sim) }));
    expect(await states(district)).toEqual({ successful: 40 });
  });

  it('an event taken over from a dead worker waits the first retry delay, and a re-send starts its retries again', async () => {
    const district = `${sim.url}/retries`;
    const { events } = studentDayEvents(sim, 1, 'rt', [101]);
    const id = (await accept(district, events))[0]!.id;
    // A worker that claimed it a minute ago and died: one run used, PowerSchool never asked.
    const aMinuteAgo = new Date(clockOf(sim).now().getTime() - 60_000).toISOString();
    expect(await outbox.claimNext('dead-worker', aMinuteAgo, 1, 1_000, { district })).toHaveLength(
      1,
    );
    sim.platform.faults.add({
      method: 'POST',
      path: '/ws/attendance/*',
      action: { type: 'status', status: 503 },
    });
    const retryLater = { delaysMs: [60_000, 300_000], maxRuns: 2 };
    const drain = () =>
      connectors[0]!.drain(pgRunStore(outbox, district, { clock: clockOf(sim) }), { retryLater });
    try {
      expect((await drain()).deferred).toBe(1);
      const deferred = (await outbox.get(district, id))!;
      // Its second run, but its first try: the first delay, and one try left of two.
      expect(deferred).toMatchObject({ state: 'pending', runs: 2, retries: 1 });
      const wait = Date.parse(deferred.retry_at!) - clockOf(sim).now().getTime();
      expect(wait).toBeGreaterThan(50_000);
      expect(wait).toBeLessThanOrEqual(60_000);
      // The second try meets the outage too: Failed for good.
      await pool.query('UPDATE pswb_events SET retry_at = NULL WHERE district = $1', [district]);
      await drain();
      expect(await outbox.get(district, id)).toMatchObject({
        state: 'failed',
        error_code: 'server_error',
        retries: 1,
      });
      // Re-sent: its tries count from none again, so one outage defers it rather than failing it.
      await outbox.requeue(district, [id], clockOf(sim).now().toISOString());
      expect(await outbox.get(district, id)).toMatchObject({ state: 'pending', retries: 0 });
      expect((await drain()).deferred).toBe(1);
    } finally {
      sim.platform.faults.clear();
    }
    await pool.query('UPDATE pswb_events SET retry_at = NULL WHERE district = $1', [district]);
    await drain();
    expect(await states(district)).toEqual({ successful: 1 });
  });
});
