/**
 * One worker process's districts (service/district-workers.ts) on a real PostgreSQL server, with
 * a simulator per district: a district whose PowerSchool answers 503 to every write is paused
 * for every worker while the others are written in full; an operator's resume (once it is back)
 * writes its events; a district added while the worker runs is picked up at once; a district
 * whose secrets need another key is reported and skipped, not a stop for the rest.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SecretKeyring,
  SettingsStore,
  formatClockTime,
  parseWritebackEvent,
  sealDistrictSettings,
  systemClock,
  toDistrictLocalTime,
} from '../../connector/index.ts';
import {
  PgDistricts,
  PgOutbox,
  migratePostgres,
  openPostgresPool,
} from '../../connector/store/pg/index.ts';
import { DistrictWorkers } from '../../service/district-workers.ts';
import type { RunningSimulator } from '../../simulator/server.ts';
import { connectDemo, startDemoSimulator } from '../connector/support/simulator.ts';
import { instantRetry } from '../connector/support/mock-powerschool.ts';
import { startTestPostgres, type TestPostgres } from '../support/postgres.ts';
import { studentDayEvents } from './support.ts';

const keyring = new SecretKeyring('/nonexistent', {
  PSWB_SECRET_KEY: randomBytes(32).toString('base64'),
});
const EVENTS = 30;

let server: TestPostgres;
let pool: pg.Pool;
let outbox: PgOutbox;
let districts: PgDistricts;
const sims = new Map<string, RunningSimulator>();
const settingsOf = new Map<string, SettingsStore>();
const keysOf = new Map<string, { studentId: number; date: string }[]>();

beforeAll(async () => {
  server = await startTestPostgres();
  pool = openPostgresPool(await server.createDatabase('district_workers'), { max: 8 });
  await migratePostgres(pool);
  outbox = new PgOutbox(pool);
  districts = new PgDistricts(pool);
  for (const id of ['north', 'south', 'down', 'locked']) {
    // 25.2: each event is its own post.
    const sim = await startDemoSimulator({ psVersion: '25.2.0.0' });
    const settings = SettingsStore.inMemory();
    (await connectDemo(sim, { settings })).close();
    sims.set(id, sim);
    settingsOf.set(id, settings);
  }
}, 60_000);

afterAll(async () => {
  for (const sim of sims.values()) await sim.close();
  await pool?.end();
  await server?.stop();
});

async function addDistrict(id: string, key = keyring): Promise<void> {
  const sealed = await sealDistrictSettings(settingsOf.get(id)!.get(), key);
  await districts.add({ id, name: id, settings: sealed }, new Date().toISOString());
}

/** Accepts EVENTS of the district's own students, stamped in its zone. */
async function acceptEvents(id: string): Promise<void> {
  const { events, keys } = studentDayEvents(sims.get(id)!, EVENTS, id, [101]);
  keysOf.set(id, keys);
  const zone = settingsOf.get(id)!.get().districtTimezone ?? 'UTC';
  const items = events.map((input) => {
    const event = parseWritebackEvent(input, 'dcid');
    const local = toDistrictLocalTime(new Date(event.occurredAt), zone);
    return {
      event,
      stamp: { date: local.date, time: formatClockTime(local.secondsSinceMidnight) },
    };
  });
  await outbox.accept(id, items, new Date().toISOString());
}

async function successful(id: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pswb_events WHERE district = $1 AND state = 'successful'",
    [id],
  );
  return rows[0]!.n;
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not reached in ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a worker process serving several districts', () => {
  it("one district's 503s pause it alone; the others are written; a resume writes it once it is back", async () => {
    await addDistrict('north');
    await addDistrict('down');
    // Sealed with a key the worker does not have.
    await addDistrict(
      'locked',
      new SecretKeyring('/nonexistent', {
        PSWB_SECRET_KEY: randomBytes(32).toString('base64'),
      }),
    );
    for (const id of ['north', 'down', 'locked']) await acceptEvents(id);
    sims.get('down')!.platform.faults.add({
      method: 'POST',
      path: '/ws/attendance/*',
      action: { type: 'status', status: 503 },
    });
    const lines: Record<string, unknown>[] = [];
    const workers = new DistrictWorkers({
      outbox,
      districts,
      keyring,
      clock: systemClock,
      concurrency: 4,
      pollMs: 200,
      leaseMs: 10_000,
      retryLater: { delaysMs: [100], maxRuns: 1_000 },
      log: (line) => lines.push(line),
      connector: { retry: instantRetry() },
    });
    await workers.start();
    try {
      expect(workers.status().map(({ id, running }) => ({ id, running }))).toEqual([
        { id: 'down', running: true },
        { id: 'locked', running: false },
        { id: 'north', running: true },
      ]);
      expect(lines.find((line) => line.district === 'locked')?.msg).toMatch(
        /^district locked not served: .*key/,
      );

      // Added while the worker runs: picked up through the NOTIFY of the add.
      await addDistrict('south');
      await acceptEvents('south');
      await until(
        async () =>
          (await successful('north')) === EVENTS && (await successful('south')) === EVENTS,
        30_000,
        'north and south written',
      );
      expect(await successful('down')).toBe(0);
      const down = (await districts.states()).find((state) => state.id === 'down')!;
      expect(Date.parse(down.pausedUntil!)).toBeGreaterThan(Date.now());
      expect(down.pauseReason).toMatch(/in a row met an unavailable PowerSchool/);
      expect(down.failureStreak).toBeGreaterThanOrEqual(3);
      expect(lines.some((line) => line.msg === 'district paused' && line.district === 'down')).toBe(
        true,
      );

      // Paused after its third deferred event: what the loop held went back untried, so its
      // PowerSchool met far fewer writes than every event's five tries (30 x 5).
      const writesWhileDown = sims
        .get('down')!
        .platform.journal.list({ method: 'POST', path: '/ws/attendance/*' }).length;
      expect(writesWhileDown).toBeLessThan(EVENTS * 5);
      const held = await pool.query<{ state: string; n: number }>(
        "SELECT state, count(*)::int AS n FROM pswb_events WHERE district = 'down' GROUP BY state",
      );
      expect(held.rows).toEqual([{ state: 'pending', n: EVENTS }]);

      // PowerSchool is back; the operator ends the pause instead of waiting for it.
      sims.get('down')!.platform.faults.clear();
      await districts.resume('down', new Date().toISOString());
      await until(async () => (await successful('down')) === EVENTS, 30_000, 'down written');
    } finally {
      await workers.stop();
    }
    for (const id of ['north', 'south', 'down']) {
      for (const { studentId, date } of keysOf.get(id)!) {
        expect(sims.get(id)!.district.attendanceOn(studentId, date)).toHaveLength(1);
      }
    }
    expect(await successful('locked')).toBe(0);
    const { rows } = await pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pswb_events WHERE state = 'sending'",
    );
    expect(rows[0]!.n).toBe(0);
  }, 90_000);
});
