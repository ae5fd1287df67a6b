/**
 * The districts of a PostgreSQL database (store/pg/districts.ts, setup/district-settings.ts)
 * against a real server: ids checked, a taken id refused, the settings' secrets sealed so the
 * stored row reveals none and opened only with the key, the outbox and pause of each district,
 * and the pause itself: a 429 for its Retry-After, a streak of unavailable answers, a success
 * ending the streak, a claim that skips a paused district, and an operator's resume.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConnectorError,
  SecretKeyring,
  emptySettings,
  openDistrictSettings,
  sealDistrictSettings,
  type ConnectorSettings,
  type WritebackEvent,
} from '../../connector/index.ts';
import {
  PgDistricts,
  PgOutbox,
  migratePostgres,
  openPostgresPool,
  pauseFor,
} from '../../connector/store/pg/index.ts';
import { startTestPostgres, type TestPostgres } from '../support/postgres.ts';

let server: TestPostgres;
let pool: pg.Pool;
let databases = 0;
const SECRET = 'client-secret-that-must-not-leak';
const keyring = new SecretKeyring('/nonexistent', {
  PSWB_SECRET_KEY: randomBytes(32).toString('base64'),
});

beforeAll(async () => {
  server = await startTestPostgres();
}, 60_000);

afterAll(async () => {
  await pool?.end();
  await server?.stop();
});

async function freshDistricts(): Promise<{ districts: PgDistricts; outbox: PgOutbox }> {
  await pool?.end();
  databases += 1;
  pool = openPostgresPool(await server.createDatabase(`districts_${databases}`), { max: 4 });
  await migratePostgres(pool);
  return { districts: new PgDistricts(pool), outbox: new PgOutbox(pool) };
}

function settings(): ConnectorSettings {
  return {
    ...emptySettings(),
    connection: {
      url: 'https://lincoln.powerschool.example',
      clientId: 'client-id',
      clientSecret: SECRET,
      studentIdSource: 'dcid',
      visibleStudentId: 'student_number',
    },
    districtTimezone: 'America/New_York',
  };
}

const T0 = '2026-10-14T12:00:00.000Z';
const at = (seconds: number): string => new Date(Date.parse(T0) + seconds * 1000).toISOString();

function event(id: string): WritebackEvent {
  return {
    id,
    type: 'late_checkin',
    student: { dcid: 5001, name: 'Ava Thompson', grade: '3', schoolNumber: 101 },
    occurredAt: '2026-10-14T08:40:00-04:00',
    reason: 'T',
  };
}

async function acceptOne(outbox: PgOutbox, district: string, id: string): Promise<void> {
  await outbox.accept(
    district,
    [{ event: event(id), stamp: { date: '2026-10-14', time: '08:40' } }],
    T0,
  );
}

describe('districts', () => {
  it('adds a district with its secrets sealed: the row holds no secret, the key opens it', async () => {
    const { districts } = await freshDistricts();
    const sealed = await sealDistrictSettings(settings(), keyring);
    const row = await districts.add({ id: 'lincoln-usd', name: 'Lincoln', settings: sealed }, T0);
    expect(row).toMatchObject({ id: 'lincoln-usd', name: 'Lincoln', concurrency: 4 });

    const { rows } = await pool.query<{ dump: string }>(
      'SELECT settings::text AS dump FROM pswb_districts',
    );
    expect(rows[0]!.dump).not.toContain(SECRET);
    expect(rows[0]!.dump).toContain('pswb:enc:');

    const opened = await openDistrictSettings((await districts.get('lincoln-usd'))!, keyring);
    expect(opened.get().connection?.clientSecret).toBe(SECRET);
    const otherKey = new SecretKeyring('/nonexistent', {
      PSWB_SECRET_KEY: randomBytes(32).toString('base64'),
    });
    await expect(openDistrictSettings(row, otherKey)).rejects.toMatchObject({
      code: 'secret_undecryptable',
    });
  });

  it('refuses a taken id, a bad id and a bad concurrency, changing nothing', async () => {
    const { districts } = await freshDistricts();
    await districts.add({ id: 'a', name: 'A', settings: emptySettings() }, T0);
    await expect(
      districts.add({ id: 'a', name: 'Other', settings: emptySettings() }, T0),
    ).rejects.toMatchObject({ code: 'district_exists' });
    for (const id of ['', 'Lincoln', '-a', 'a_b', 'x'.repeat(64)]) {
      const refused = districts.add({ id, name: 'X', settings: emptySettings() }, T0);
      await expect(refused).rejects.toBeInstanceOf(ConnectorError);
      await expect(refused).rejects.toMatchObject({ code: 'invalid_district' });
    }
    await expect(
      districts.add({ id: 'b', name: 'B', settings: emptySettings(), concurrency: 0 }, T0),
    ).rejects.toMatchObject({ code: 'invalid_district' });
    await expect(districts.update('nope', { name: 'N' }, T0)).rejects.toMatchObject({
      code: 'district_not_found',
    });
    expect((await districts.list()).map((row) => [row.id, row.name])).toEqual([['a', 'A']]);
  });

  it("lists each district's outbox", async () => {
    const { districts, outbox } = await freshDistricts();
    await districts.add({ id: 'a', name: 'A', settings: emptySettings() }, T0);
    await districts.add({ id: 'b', name: 'B', settings: emptySettings(), concurrency: 8 }, T0);
    await acceptOne(outbox, 'a', 'e1');
    await acceptOne(outbox, 'a', 'e2');
    await outbox.claimNext('w', at(1), 1, 60_000, { district: 'a' });
    const states = await districts.states();
    expect(
      states.map(({ id, pending, sending, concurrency }) => ({
        id,
        pending,
        sending,
        concurrency,
      })),
    ).toEqual([
      { id: 'a', pending: 1, sending: 1, concurrency: 4 },
      { id: 'b', pending: 0, sending: 0, concurrency: 8 },
    ]);
    expect(states[0]!.oldestPendingAt).toBe(T0);
  });
});

describe('the pause', () => {
  it('pauseFor: a 429 for its Retry-After (or 30 s), a streak from the third failure, doubling to 5 min', () => {
    expect(pauseFor({ code: 'rate_limited', retryAfterMs: 7_000, message: '' }, 1)).toBe(7_000);
    expect(pauseFor({ code: 'rate_limited', message: '' }, 1)).toBe(30_000);
    expect(pauseFor({ code: 'rate_limited', retryAfterMs: 86_400_000, message: '' }, 1)).toBe(
      300_000,
    );
    expect(pauseFor({ code: 'server_error', message: '' }, 2)).toBeUndefined();
    expect(pauseFor({ code: 'server_error', message: '' }, 3)).toBe(15_000);
    expect(pauseFor({ code: 'timeout', message: '' }, 4)).toBe(30_000);
    expect(pauseFor({ code: 'network', message: '' }, 20)).toBe(300_000);
  });

  it('a 429 pauses the district at once: its events are not claimed until the pause ends, others are', async () => {
    const { districts, outbox } = await freshDistricts();
    await districts.add({ id: 'a', name: 'A', settings: emptySettings() }, T0);
    await districts.add({ id: 'b', name: 'B', settings: emptySettings() }, T0);
    await acceptOne(outbox, 'a', 'a1');
    await acceptOne(outbox, 'b', 'b1');
    const until = await districts.noteUnavailable(
      'a',
      { code: 'rate_limited', retryAfterMs: 10_000, message: '429 Too Many Requests' },
      at(0),
    );
    expect(until).toBe(at(10));
    expect(await outbox.claimNext('w', at(5), 10, 60_000, { district: 'a' })).toEqual([]);
    // The claim over every district passes over the paused one only.
    expect((await outbox.claimNext('w', at(5), 10, 60_000)).map((row) => row.id)).toEqual(['b1']);
    const state = (await districts.states()).find((row) => row.id === 'a')!;
    expect(state.pausedUntil).toBe(at(10));
    expect(state.pauseReason).toContain('429');
    expect(
      (await outbox.claimNext('w', at(11), 10, 60_000, { district: 'a' })).map((r) => r.id),
    ).toEqual(['a1']);
  });

  it('three unavailable answers in a row pause it; a success ends the streak; nothing counts during a pause', async () => {
    const { districts } = await freshDistricts();
    await districts.add({ id: 'a', name: 'A', settings: emptySettings() }, T0);
    const down = { code: 'server_error', message: '503 Service Unavailable' };
    expect(await districts.noteUnavailable('a', down, at(0))).toBeUndefined();
    await districts.noteSuccess('a');
    expect(await districts.noteUnavailable('a', down, at(1))).toBeUndefined();
    expect(await districts.noteUnavailable('a', down, at(2))).toBeUndefined();
    expect(await districts.noteUnavailable('a', down, at(3))).toBe(at(18));
    // Events still being written when the pause began: not counted, the pause unchanged.
    expect(await districts.noteUnavailable('a', down, at(4))).toBeUndefined();
    expect(
      await districts.noteUnavailable(
        'a',
        { code: 'rate_limited', retryAfterMs: 60_000, message: '' },
        at(5),
      ),
    ).toBeUndefined();
    expect(await districts.get('a')).toMatchObject({ failureStreak: 3, pausedUntil: at(18) });
    // The first event after the pause fails too: a pause twice as long.
    expect(await districts.noteUnavailable('a', down, at(19))).toBe(at(49));
    await districts.noteSuccess('a');
    expect((await districts.get('a'))!.failureStreak).toBe(0);
  });

  it("an operator's resume ends the pause now and wakes the listeners", async () => {
    const { districts, outbox } = await freshDistricts();
    await districts.add({ id: 'a', name: 'A', settings: emptySettings() }, T0);
    await districts.noteUnavailable('a', { code: 'rate_limited', message: '' }, at(0));
    const woken: string[] = [];
    const unlisten = await outbox.listen((district) => woken.push(district));
    try {
      await districts.resume('a', at(1));
      const deadline = Date.now() + 5_000;
      while (woken.length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await unlisten();
    }
    expect(woken).toEqual(['a']);
    expect(await districts.get('a')).toMatchObject({ pausedUntil: null, failureStreak: 0 });
    await expect(districts.resume('nope', at(1))).rejects.toMatchObject({
      code: 'district_not_found',
    });
  });
});
