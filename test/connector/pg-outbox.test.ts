/**
 * The PostgreSQL outbox (connector/store/pg/) against a real server started for this file:
 * migrations (twice, concurrently, a newer or older database), the idempotent accept and its
 * NOTIFY, claims that never hand one event to two claimers, leases that lapse and fence a late
 * owner out, retry_at, and the per-district claim.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError, type WritebackEvent } from '../../connector/index.ts';
import {
  MIGRATION_LOCK_KEY,
  PG_MIGRATIONS,
  PG_SCHEMA_VERSION,
  PgOutbox,
  checkPostgresSchema,
  migratePostgres,
  openPostgresPool,
  postgresSchemaStatus,
  redactDatabaseUrl,
  type PgAcceptItem,
  type PgMigration,
} from '../../connector/store/pg/index.ts';
import { startTestPostgres, type TestPostgres } from '../support/postgres.ts';

let server: TestPostgres;
const pools: pg.Pool[] = [];
let databases = 0;

beforeAll(async () => {
  server = await startTestPostgres();
}, 60_000);

afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end().catch(() => undefined)));
  await server?.stop();
});

/** A new empty database on the file's server, and its URL. */
async function freshDatabase(): Promise<string> {
  databases += 1;
  return server.createDatabase(`outbox_${databases}`);
}

function poolFor(url: string, max = 10): pg.Pool {
  const pool = openPostgresPool(url, { max });
  pools.push(pool);
  return pool;
}

/** A new database migrated to the current schema, with an outbox on it. */
async function migratedOutbox(): Promise<{ pool: pg.Pool; outbox: PgOutbox; url: string }> {
  const url = await freshDatabase();
  const pool = poolFor(url);
  await migratePostgres(pool);
  return { pool, outbox: new PgOutbox(pool), url };
}

const T0 = '2026-10-14T12:00:00.000Z';
const at = (seconds: number): string => new Date(Date.parse(T0) + seconds * 1000).toISOString();

function event(id: string, changes: Partial<WritebackEvent> = {}): WritebackEvent {
  return {
    id,
    type: 'late_checkin',
    student: { dcid: 5001, name: 'Ava Thompson', grade: '3', schoolNumber: 101 },
    occurredAt: '2026-10-14T08:40:00-04:00',
    reason: 'T',
    ...changes,
  };
}

const item = (e: WritebackEvent): PgAcceptItem => ({
  event: e,
  stamp: { date: '2026-10-14', time: '08:40' },
});

async function caught(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}

describe('PostgreSQL migrations', () => {
  it('migrate brings an empty database to the latest schema, and a second run is a no-op', async () => {
    const pool = poolFor(await freshDatabase());
    await expect(migratePostgres(pool)).resolves.toEqual({
      from: 0,
      to: PG_SCHEMA_VERSION,
      applied: PG_MIGRATIONS.map(({ version, name }) => ({ version, name })),
    });
    await expect(migratePostgres(pool)).resolves.toEqual({
      from: PG_SCHEMA_VERSION,
      to: PG_SCHEMA_VERSION,
      applied: [],
    });
    await expect(checkPostgresSchema(pool)).resolves.toBe(PG_SCHEMA_VERSION);
    const { rows } = await pool.query('SELECT version FROM pswb_schema_migrations');
    expect(rows).toEqual(PG_MIGRATIONS.map(({ version }) => ({ version })));
  });

  it('two processes migrating at once: the second waits for the lock, then finds nothing to do', async () => {
    const url = await freshDatabase();
    const [holder, first, second] = [poolFor(url), poolFor(url), poolFor(url)];
    // Hold the migration lock so both runs are surely waiting at the same time.
    const client = await holder.connect();
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    const runs = Promise.all([migratePostgres(first), migratePostgres(second)]);
    await expect
      .poll(async () => {
        const { rows } = await holder.query<{ waiting: number }>(
          "SELECT count(*)::int AS waiting FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
        );
        return rows[0]!.waiting;
      })
      .toBe(2);
    await client.query('COMMIT');
    client.release();
    const results = await runs;
    expect(results.map((result) => result.applied.length).sort()).toEqual([
      0,
      PG_MIGRATIONS.length,
    ]);
    const { rows } = await holder.query('SELECT count(*)::int AS n FROM pswb_schema_migrations');
    expect(rows[0]).toEqual({ n: PG_MIGRATIONS.length });
  });

  it('refuses a database written by a newer pswb with store_newer, and changes nothing', async () => {
    const url = await freshDatabase();
    const pool = poolFor(url);
    await migratePostgres(pool);
    const newer = PG_SCHEMA_VERSION + 1;
    await pool.query(
      "INSERT INTO pswb_schema_migrations (version, name) VALUES ($1, 'from the future')",
      [newer],
    );
    const message = `${redactDatabaseUrl(url)} was written by a newer pswb (log schema ${newer}; this pswb reads up to ${PG_SCHEMA_VERSION}); it was not changed.`;
    for (const refusal of [migratePostgres(pool), checkPostgresSchema(pool)]) {
      const error = await caught(refusal);
      expect(error.code).toBe('store_newer');
      expect(error.message).toBe(message);
    }
    expect(message).not.toContain(new URL(url).password);
    const { rows } = await pool.query('SELECT version FROM pswb_schema_migrations ORDER BY 1');
    expect(rows.map((row) => row.version)).toEqual([...PG_MIGRATIONS.map((m) => m.version), newer]);
    await expect(postgresSchemaStatus(pool)).resolves.toMatchObject({
      version: newer,
      newer: true,
    });
  });

  it('refuses an empty or older database with store_needs_migration, whose fix is pswb db migrate', async () => {
    const pool = poolFor(await freshDatabase());
    const empty = await caught(checkPostgresSchema(pool));
    expect(empty.code).toBe('store_needs_migration');
    expect(empty.message).toContain('has no pswb tables yet');
    expect(empty.fix).toContain('pswb db migrate --database <url>');

    // A later migration: the runner applies only what is pending, in order.
    const next: PgMigration = {
      version: PG_SCHEMA_VERSION + 1,
      name: 'a later step',
      sql: 'CREATE TABLE pswb_later (x int)',
    };
    await migratePostgres(pool);
    await expect(postgresSchemaStatus(pool, [...PG_MIGRATIONS, next])).resolves.toEqual({
      version: PG_SCHEMA_VERSION,
      latest: next.version,
      pending: [{ version: next.version, name: next.name }],
      newer: false,
    });
    await expect(migratePostgres(pool, [...PG_MIGRATIONS, next])).resolves.toEqual({
      from: PG_SCHEMA_VERSION,
      to: next.version,
      applied: [{ version: next.version, name: next.name }],
    });
  });

  it('a failing migration leaves the database at its old version', async () => {
    const pool = poolFor(await freshDatabase());
    const broken: PgMigration = { version: PG_SCHEMA_VERSION + 1, name: 'broken', sql: 'SELEC 1' };
    await expect(migratePostgres(pool, [...PG_MIGRATIONS, broken])).rejects.toThrow(/syntax/);
    await expect(postgresSchemaStatus(pool)).resolves.toMatchObject({ version: 0 });
    const { rows } = await pool.query("SELECT to_regclass('pswb_events') AS events");
    expect(rows[0]).toEqual({ events: null });
  });
});

describe('PgOutbox.accept', () => {
  it('accepts new events once; the same id with the same contents is reported, not inserted', async () => {
    const { outbox } = await migratedOutbox();
    const first = await outbox.accept('d1', [item(event('a')), item(event('b'))], T0);
    expect(first).toEqual([
      { id: 'a', created: true },
      { id: 'b', created: true },
    ]);
    const again = await outbox.accept(
      'd1',
      [item(event('b')), item(event('c')), item(event('c'))],
      at(5),
    );
    expect(again).toEqual([
      { id: 'b', created: false },
      { id: 'c', created: true },
      { id: 'c', created: false },
    ]);
    // The same id in another district is another event.
    await expect(outbox.accept('d2', [item(event('a'))], T0)).resolves.toEqual([
      { id: 'a', created: true },
    ]);
    const row = await outbox.get('d1', 'b');
    expect(row).toMatchObject({
      district: 'd1',
      id: 'b',
      type: 'late_checkin',
      school_number: 101,
      student_name: 'Ava Thompson',
      student_dcid: 5001,
      student_ps_id: null,
      grade: '3',
      occurred_at: '2026-10-14T08:40:00-04:00',
      occurred_ms: Date.parse('2026-10-14T08:40:00-04:00'),
      local_date: '2026-10-14',
      local_time: '08:40',
      state: 'pending',
      owner: null,
      lease_until: null,
      runs: 0,
      retry_at: null,
      created_at: T0,
      updated_at: T0,
      completed_at: null,
    });
    expect(JSON.parse(row!.payload)).toEqual(event('b'));
    expect(await outbox.queue('d1')).toEqual({ pending: 3, sending: 0, oldestPendingAt: T0 });
    expect(await outbox.queue()).toEqual({ pending: 4, sending: 0, oldestPendingAt: T0 });
  });

  it('refuses an id given again with other contents, naming the fields, and commits nothing of the call', async () => {
    const { outbox } = await migratedOutbox();
    await outbox.accept('d1', [item(event('a'))], T0);
    const changed = event('a', { reason: 'TE', occurredAt: '2026-10-14T08:45:00-04:00' });
    const error = await caught(outbox.accept('d1', [item(event('new')), item(changed)], at(1)));
    expect(error.code).toBe('event_conflict');
    expect(error.message).toBe(
      'Event "a" was already accepted with other contents (differing: occurredAt, reason); the stored event was kept and nothing was accepted.',
    );
    expect(error.details).toEqual(['occurredAt', 'reason']);
    expect(await outbox.get('d1', 'new')).toBeUndefined();
    expect(JSON.parse((await outbox.get('d1', 'a'))!.payload)).toEqual(event('a'));
    // Within one call too.
    const inCall = await caught(
      outbox.accept('d1', [item(event('x')), item(event('x', { reason: 'TE' }))], at(2)),
    );
    expect(inCall.details).toEqual(['reason']);
    expect(await outbox.get('d1', 'x')).toBeUndefined();
  });

  it('two calls racing with one new id, other contents: one is accepted whole, the other refused whole', async () => {
    const { outbox } = await migratedOutbox();
    for (let round = 0; round < 10; round += 1) {
      const shared = `race-${round}`;
      const calls = [
        outbox.accept('d1', [item(event(`left-${round}`)), item(event(shared))], T0),
        outbox.accept(
          'd1',
          [item(event(`right-${round}`)), item(event(shared, { reason: 'TE' }))],
          T0,
        ),
      ];
      const outcomes = await Promise.allSettled(calls);
      const accepted = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      expect(accepted).toHaveLength(1);
      const refused = outcomes.find((outcome) => outcome.status === 'rejected')!;
      expect((refused as PromiseRejectedResult).reason).toMatchObject({ code: 'event_conflict' });
      // All or none: the refused call's own new event is not there.
      const left = await outbox.get('d1', `left-${round}`);
      const right = await outbox.get('d1', `right-${round}`);
      expect([left, right].filter(Boolean)).toHaveLength(1);
    }
  });

  it('notifies listeners once the accept commits, with the district; a refused accept notifies nothing', async () => {
    const { outbox } = await migratedOutbox();
    const heard: string[] = [];
    const stop = await outbox.listen((district) => heard.push(district));
    try {
      await outbox.accept('district-7', [item(event('n1'))], T0);
      await expect.poll(() => heard).toEqual(['district-7']);
      await caught(
        outbox.accept('district-8', [item(event('n1')), item(event('n1', { reason: 'X' }))], T0),
      );
      await outbox.accept('district-7', [item(event('n1'))], T0); // nothing new: no wake
      await outbox.accept('district-9', [item(event('n2'))], T0);
      await expect.poll(() => heard).toEqual(['district-7', 'district-9']);
    } finally {
      await stop();
    }
    await outbox.accept('district-7', [item(event('n3'))], T0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(heard).toEqual(['district-7', 'district-9']);
  });
});

describe('PgOutbox claims', () => {
  it('four claimers racing over 1,000 events claim each exactly once', async () => {
    const { url, outbox } = await migratedOutbox();
    const ids = Array.from({ length: 1000 }, (_, n) => `race-${n}`);
    await outbox.accept(
      'd1',
      ids.map((id) => item(event(id))),
      T0,
    );
    const claimedBy = await Promise.all(
      [1, 2, 3, 4].map(async (worker) => {
        // Each claimer on a pool of its own, as separate processes would be.
        const mine = new PgOutbox(poolFor(url, 2));
        const got: string[] = [];
        for (;;) {
          const rows = await mine.claimNext(`worker-${worker}`, at(1), 7, 60_000);
          if (rows.length === 0) return got;
          for (const row of rows) {
            got.push(row.id);
            expect(
              await mine.complete(row, { state: 'successful', result: { worker } }, at(2)),
            ).toBe(true);
          }
        }
      }),
    );
    const all = claimedBy.flat();
    expect(all).toHaveLength(1000);
    expect(new Set(all).size).toBe(1000);
    expect(claimedBy.filter((got) => got.length > 0).length).toBeGreaterThan(1);
    const { rows } = await poolFor(url).query(
      "SELECT count(*)::int AS n FROM pswb_events WHERE state = 'successful' AND runs = 1",
    );
    expect(rows[0]).toEqual({ n: 1000 });
  });

  it('claims oldest first, leases them, and counts a run', async () => {
    const { outbox } = await migratedOutbox();
    await outbox.accept(
      'd1',
      ['e1', 'e2', 'e3'].map((id) => item(event(id))),
      T0,
    );
    const claimed = await outbox.claimNext('w1', at(1), 2, 30_000);
    expect(claimed.map((row) => [row.id, row.state, row.owner, row.runs, row.lease_until])).toEqual(
      [
        ['e1', 'sending', 'w1', 1, at(31)],
        ['e2', 'sending', 'w1', 1, at(31)],
      ],
    );
    expect(await outbox.queue()).toEqual({ pending: 1, sending: 2, oldestPendingAt: T0 });
    expect((await outbox.claimNext('w2', at(2), 5, 30_000)).map((row) => row.id)).toEqual(['e3']);
    expect(await outbox.claimNext('w2', at(3), 5, 30_000)).toEqual([]);
  });

  it("a lapsed lease is taken by another claimer, and the first owner's late complete is refused", async () => {
    const { outbox } = await migratedOutbox();
    await outbox.accept('d1', [item(event('slow'))], T0);
    const [first] = await outbox.claimNext('worker-a', at(0), 1, 30_000);
    expect(await outbox.claimNext('worker-b', at(29), 1, 30_000)).toEqual([]);
    expect(await outbox.extendLease(first!, at(20), 30_000)).toBe(true); // now until at(50)
    expect(await outbox.claimNext('worker-b', at(45), 1, 30_000)).toEqual([]);
    const [taken] = await outbox.claimNext('worker-b', at(51), 1, 30_000);
    expect(taken).toMatchObject({ id: 'slow', owner: 'worker-b', runs: 2, lease_until: at(81) });

    const late = { state: 'failed' as const, error: { code: 'timeout', message: 'late' } };
    expect(await outbox.complete(first!, late, at(52))).toBe(false);
    expect(await outbox.extendLease(first!, at(52), 30_000)).toBe(false);
    expect(await outbox.defer(first!, at(600), late.error, at(52), { retry: true })).toBe(false);
    expect(await outbox.release(first!, at(52))).toBe(false);
    expect(await outbox.get('d1', 'slow')).toMatchObject({ state: 'sending', owner: 'worker-b' });

    expect(
      await outbox.complete(
        taken!,
        { state: 'successful', studentPsId: 1001, result: { dcid: 1 } },
        at(53),
      ),
    ).toBe(true);
    expect(await outbox.get('d1', 'slow')).toMatchObject({
      state: 'successful',
      owner: null,
      lease_until: null,
      student_ps_id: 1001,
      result: '{"dcid": 1}',
      completed_at: at(53),
      runs: 2,
    });
    // Done is done: the first owner still cannot write over it.
    expect(await outbox.complete(first!, late, at(54))).toBe(false);
  });

  it('the same owner claiming again after its lease lapsed fences its own earlier claim out (runs)', async () => {
    const { outbox } = await migratedOutbox();
    await outbox.accept('d1', [item(event('again'))], T0);
    const [earlier] = await outbox.claimNext('worker-a', at(0), 1, 1_000);
    const [later] = await outbox.claimNext('worker-a', at(5), 1, 1_000);
    expect(later).toMatchObject({ owner: 'worker-a', runs: 2 });
    expect(await outbox.complete(earlier!, { state: 'successful' }, at(6))).toBe(false);
    expect(await outbox.complete(later!, { state: 'successful' }, at(6))).toBe(true);
  });

  it('a deferred event waits until its retry_at, keeping the failure that deferred it', async () => {
    const { outbox } = await migratedOutbox();
    await outbox.accept('d1', [item(event('later')), item(event('now'))], T0);
    const [row] = await outbox.claimNext('w1', at(0), 1, 30_000);
    expect(row!.id).toBe('later');
    const error = { code: 'server_error', message: 'PowerSchool answered 503', status: 503 };
    expect(await outbox.defer(row!, at(60), error, at(1), { retry: true })).toBe(true);
    expect(await outbox.get('d1', 'later')).toMatchObject({
      state: 'pending',
      owner: null,
      lease_until: null,
      retry_at: at(60),
      error_code: 'server_error',
      error_status: 503,
    });
    expect((await outbox.claimNext('w1', at(30), 5, 30_000)).map((r) => r.id)).toEqual(['now']);
    expect(await outbox.claimNext('w1', at(59), 5, 30_000)).toEqual([]);
    const [due] = await outbox.claimNext('w1', at(60), 5, 30_000);
    expect(due).toMatchObject({ id: 'later', runs: 2, retry_at: at(60) });
    expect(await outbox.complete(due!, { state: 'successful' }, at(61))).toBe(true);
    expect(await outbox.get('d1', 'later')).toMatchObject({ state: 'successful', retry_at: null });
  });

  it('claims one district only when asked, and every district oldest first otherwise', async () => {
    const { outbox } = await migratedOutbox();
    await outbox.accept('north', [item(event('n1')), item(event('n2'))], T0);
    await outbox.accept('south', [item(event('s1'))], at(1));
    await outbox.accept('north', [item(event('n3'))], at(2));
    const south = await outbox.claimNext('w1', at(3), 10, 30_000, { district: 'south' });
    expect(south.map((row) => [row.district, row.id])).toEqual([['south', 's1']]);
    expect(await outbox.claimNext('w1', at(3), 10, 30_000, { district: 'south' })).toEqual([]);
    expect(await outbox.queue('south')).toEqual({ pending: 0, sending: 1, oldestPendingAt: null });
    const rest = await outbox.claimNext('w2', at(4), 10, 30_000);
    expect(rest.map((row) => [row.district, row.id])).toEqual([
      ['north', 'n1'],
      ['north', 'n2'],
      ['north', 'n3'],
    ]);
  });

  it('release and requeue put events back in the outbox and wake the listeners', async () => {
    const { outbox } = await migratedOutbox();
    await outbox.accept('d1', [item(event('r1')), item(event('r2'))], T0);
    const heard: string[] = [];
    const stop = await outbox.listen((district) => heard.push(district));
    try {
      const [r1, r2] = await outbox.claimNext('w1', at(1), 2, 30_000);
      expect(await outbox.release(r1!, at(2))).toBe(true);
      await expect.poll(() => heard).toEqual(['d1']);
      expect(await outbox.get('d1', 'r1')).toMatchObject({
        state: 'pending',
        owner: null,
        runs: 1,
      });
      const failed = { state: 'failed' as const, error: { code: 'bad_request', message: 'no' } };
      expect(await outbox.complete(r2!, failed, at(3))).toBe(true);
      expect(
        (await outbox.requeue('d1', ['r1', 'r2', 'missing'], at(4))).map((row) => row.id),
      ).toEqual(['r2']);
      await expect.poll(() => heard).toEqual(['d1', 'd1']);
      expect(await outbox.get('d1', 'r2')).toMatchObject({ state: 'pending', completed_at: at(3) });
      expect(await outbox.requeue('d1', ['r2'], at(5))).toEqual([]);
    } finally {
      await stop();
    }
  });
});
