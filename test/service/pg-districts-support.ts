/**
 * Districts of one PostgreSQL database for the tests of `pswb serve --database`: a PostgreSQL
 * server of the test's own, districts each with a demo simulator (its PowerSchool), its
 * settings sealed with a test key and an API key; and the helpers those tests share.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { SecretKeyring, SettingsStore, sealDistrictSettings } from '../../connector/index.ts';
import {
  PgApiKeys,
  PgAudit,
  PgDistricts,
  PgUsers,
  migratePostgres,
  openPostgresPool,
} from '../../connector/store/pg/index.ts';
import type { RunningSimulator } from '../../simulator/server.ts';
import { connectDemo, startDemoSimulator } from '../connector/support/simulator.ts';
import { startTestPostgres, type TestPostgres } from '../support/postgres.ts';
import { studentDayEvents } from './support.ts';

export interface PgDistrictsFixture {
  server: TestPostgres;
  url: string;
  pool: pg.Pool;
  /** Opens the districts' secrets (a key of this fixture's own, in PSWB_SECRET_KEY form). */
  keyring: SecretKeyring;
  /** Each district's simulator, by district id. */
  sims: Map<string, RunningSimulator>;
  /** Each district's API key (all its buildings), by district id. */
  keys: Record<string, string>;
  /** Stops the simulators, the pool and the server. */
  close(): Promise<void>;
}

/** Districts `ids` (named "<id> USD") in a new database `database` of a new server. */
export async function startPgDistricts(
  database: string,
  ids: readonly string[] = ['alpha', 'beta'],
): Promise<PgDistrictsFixture> {
  const server = await startTestPostgres();
  const url = await server.createDatabase(database);
  const pool = openPostgresPool(url, { max: 4 });
  const keyring = new SecretKeyring('/nonexistent', {
    PSWB_SECRET_KEY: randomBytes(32).toString('base64'),
  });
  const sims = new Map<string, RunningSimulator>();
  const keys: Record<string, string> = {};
  await migratePostgres(pool);
  const districts = new PgDistricts(pool);
  const apiKeys = new PgApiKeys(pool);
  for (const id of ids) {
    // 25.2: no batch_daily_time, so each event is its own post.
    const sim = await startDemoSimulator({ psVersion: '25.2.0.0' });
    sims.set(id, sim);
    const settings = SettingsStore.inMemory();
    (await connectDemo(sim, { settings })).close();
    const sealed = await sealDistrictSettings(settings.get(), keyring);
    await districts.add({ id, name: `${id} USD`, settings: sealed }, new Date().toISOString());
    keys[id] = (await apiKeys.create({ district: id, name: `${id} visitor management` })).key;
  }
  return {
    server,
    url,
    pool,
    keyring,
    sims,
    keys,
    async close() {
      for (const sim of sims.values()) await sim.close();
      await pool.end();
      await server.stop();
    },
  };
}

/** Student-day events of one building, each student renamed so a page shows whose it is. */
export function namedEvents(
  sim: RunningSimulator,
  count: number,
  prefix: string,
  school: number,
  name: string,
) {
  return studentDayEvents(sim, count, prefix, [school]).events.map((event, n) => ({
    ...event,
    student: { ...event.student, name: `${name} ${n}` },
  }));
}

/** A district's event's state and runs in the database ('missing' when not there). */
export async function eventState(
  pool: pg.Pool,
  district: string,
  id: string,
): Promise<{ state: string; runs: number }> {
  const { rows } = await pool.query<{ state: string; runs: number }>(
    'SELECT state, runs FROM pswb_events WHERE district = $1 AND id = $2',
    [district, id],
  );
  return rows[0] ?? { state: 'missing', runs: 0 };
}

/** Waits until a district's event has this state after at least `runs` runs. */
export async function untilState(
  pool: pg.Pool,
  district: string,
  id: string,
  state: string,
  runs = 1,
): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const now = await eventState(pool, district, id);
    if (now.state === state && now.runs >= runs) return;
    if (Date.now() > deadline) {
      throw new Error(`${id} is ${now.state} after ${now.runs} runs, not ${state}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** POSTs events to a service's API with a key; the status. */
export async function postEvents(serviceUrl: string, key: string, body: unknown): Promise<number> {
  const response = await fetch(`${serviceUrl}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.text();
  return response.status;
}

/** The password of every page user addPageUsers makes. */
export const PAGE_PASSWORD = 'correct horse battery';

/** The page's users addPageUsers makes, by who they are. */
export const PAGE_USERS = {
  alpha: 'admin@alpha.example.org',
  alpha101: 'building101@alpha.example.org',
  alphaSupport: 'support@alpha.example.org',
  beta: 'admin@beta.example.org',
  operator: 'operator@vendor.example.com',
};

/**
 * Districts alpha's and beta's page users (alpha: a district admin, a building admin of 101 and
 * support; beta: a district admin), an operator, and an audit entry in each district.
 */
export async function addPageUsers(pool: pg.Pool): Promise<void> {
  const accounts = new PgUsers(pool);
  const now = new Date();
  const password = PAGE_PASSWORD;
  await accounts.add('alpha', { email: PAGE_USERS.alpha, role: 'district_admin', password }, now);
  await accounts.add(
    'alpha',
    { email: PAGE_USERS.alpha101, role: 'building_admin', schools: [101], password },
    now,
  );
  await accounts.add('alpha', { email: PAGE_USERS.alphaSupport, role: 'support', password }, now);
  await accounts.add('beta', { email: PAGE_USERS.beta, role: 'district_admin', password }, now);
  await accounts.addOperator({ email: PAGE_USERS.operator, password }, now);
  const audit = new PgAudit(pool);
  for (const id of ['alpha', 'beta']) {
    await audit.record(id, {
      at: now,
      actor: `cli:${id}-ops`,
      action: 'key.create',
      target: `key ${id}-only`,
      before: null,
      after: { name: `${id} only` },
    });
  }
}
