/**
 * The PowerSchool Setup page of `pswb serve --database` (service/pg-service.ts) against a real
 * PostgreSQL server: users of two districts and a service operator sign in; each district's
 * users see, filter, export and re-send their own district's events only (another district's
 * event id answers 404 on every page route, as another building's does), a building admin sees
 * their buildings only, support reads only; the audit log is the district's own; an operator
 * sees every district's outbox and pause and no district's events; the tabs not on PostgreSQL
 * yet are not offered and answer 404.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretKeyring, SettingsStore, sealDistrictSettings } from '../../connector/index.ts';
import {
  PgApiKeys,
  PgAudit,
  PgDistricts,
  PgUsers,
  migratePostgres,
  openPostgresPool,
} from '../../connector/store/pg/index.ts';
import { startPgService, type RunningPgService } from '../../service/pg-service.ts';
import type { RunningSimulator } from '../../simulator/server.ts';
import { instantRetry } from '../connector/support/mock-powerschool.ts';
import { connectDemo, startDemoSimulator } from '../connector/support/simulator.ts';
import { startTestPostgres, type TestPostgres } from '../support/postgres.ts';
import { studentDayEvents } from './support.ts';
import { PageClient } from './web-support.ts';

const keyring = new SecretKeyring('/nonexistent', {
  PSWB_SECRET_KEY: randomBytes(32).toString('base64'),
});
const PASSWORD = 'correct horse battery';
const users = {
  alpha: 'admin@alpha.example.org',
  alpha101: 'building101@alpha.example.org',
  alphaSupport: 'support@alpha.example.org',
  beta: 'admin@beta.example.org',
  operator: 'operator@vendor.example.com',
};

let server: TestPostgres;
let pool: pg.Pool;
let service: RunningPgService;
const sims = new Map<string, RunningSimulator>();
const keys: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestPostgres();
  const url = await server.createDatabase('pg_page');
  pool = openPostgresPool(url, { max: 4 });
  await migratePostgres(pool);
  const districts = new PgDistricts(pool);
  const apiKeys = new PgApiKeys(pool);
  const accounts = new PgUsers(pool);
  const now = new Date();
  for (const id of ['alpha', 'beta']) {
    const sim = await startDemoSimulator({ psVersion: '25.2.0.0' });
    sims.set(id, sim);
    const settings = SettingsStore.inMemory();
    (await connectDemo(sim, { settings })).close();
    const sealed = await sealDistrictSettings(settings.get(), keyring);
    await districts.add({ id, name: `${id} USD`, settings: sealed }, now.toISOString());
    keys[id] = (await apiKeys.create({ district: id, name: `${id} visitor management` })).key;
  }
  await accounts.add(
    'alpha',
    { email: users.alpha, role: 'district_admin', password: PASSWORD },
    now,
  );
  await accounts.add(
    'alpha',
    { email: users.alpha101, role: 'building_admin', schools: [101], password: PASSWORD },
    now,
  );
  await accounts.add(
    'alpha',
    { email: users.alphaSupport, role: 'support', password: PASSWORD },
    now,
  );
  await accounts.add(
    'beta',
    { email: users.beta, role: 'district_admin', password: PASSWORD },
    now,
  );
  await accounts.addOperator({ email: users.operator, password: PASSWORD }, now);
  const audit = new PgAudit(pool);
  await audit.record('alpha', {
    at: now,
    actor: 'cli:alpha-ops',
    action: 'key.create',
    target: 'key alpha-only',
    before: null,
    after: { name: 'alpha only' },
  });
  await audit.record('beta', {
    at: now,
    actor: 'cli:beta-ops',
    action: 'key.create',
    target: 'key beta-only',
    before: null,
    after: { name: 'beta only' },
  });
  service = await startPgService({
    databaseUrl: url,
    keyring,
    port: 0,
    worker: { pollMs: 200, connector: { retry: instantRetry() } },
  });
}, 60_000);

afterAll(async () => {
  await service?.stop();
  for (const sim of sims.values()) await sim.close();
  await pool?.end();
  await server?.stop();
});

async function post(district: string, body: unknown): Promise<number> {
  const response = await fetch(`${service.url}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${keys[district]}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.text();
  return response.status;
}

/** Waits until the district's event has this state in the database. */
async function until(district: string, id: string, state: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { rows } = await pool.query<{ state: string }>(
      'SELECT state FROM pswb_events WHERE district = $1 AND id = $2',
      [district, id],
    );
    if (rows[0]?.state === state) return;
    if (Date.now() > deadline) throw new Error(`${id} is ${rows[0]?.state}, not ${state}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Student-day events of a district's building, each student renamed so a page shows whose it is. */
function named(district: string, count: number, prefix: string, school: number, name: string) {
  return studentDayEvents(sims.get(district)!, count, prefix, [school]).events.map((event, n) => ({
    ...event,
    student: { ...event.student, name: `${name} ${n}` },
  }));
}

async function signedIn(email: string): Promise<PageClient> {
  const client = new PageClient(service.url);
  const response = await client.signIn(email, PASSWORD);
  expect(response.status).toBe(303);
  return client;
}

describe('the page of pswb serve --database', () => {
  it("shows a district admin their district's events only; another district's id is 404 on every page route", async () => {
    const alphaEvents = named('alpha', 2, 'pa', 101, 'Alpha Student');
    // One that fails (a reason the district does not map), to be re-sent.
    const failing = { ...alphaEvents[1]!, reason: 'NOT-MAPPED' };
    expect(await post('alpha', [alphaEvents[0], failing])).toBe(202);
    const betaEvents = named('beta', 1, 'pb', 101, 'Beta Student');
    expect(await post('beta', betaEvents)).toBe(202);
    await until('alpha', alphaEvents[0]!.id, 'successful');
    await until('alpha', failing.id, 'failed');
    await until('beta', betaEvents[0]!.id, 'successful');
    const alphaName = alphaEvents[0]!.student.name;
    const betaName = betaEvents[0]!.student.name;

    const alpha = await signedIn(users.alpha);
    const overview = await alpha.get('/admin');
    expect(overview.status).toBe(200);
    expect(overview.html).toContain('Writebacks: Writing, up to 4 at once per worker.');
    expect(overview.html).toContain(sims.get('alpha')!.url);
    // The tabs served on PostgreSQL, and no others.
    expect(overview.html).toContain('href="/admin/logs"');
    expect(overview.html).toContain('href="/admin/audit"');
    expect(overview.html).not.toContain('href="/admin/settings"');
    expect(overview.html).not.toContain('href="/admin/schools"');
    expect((await alpha.get('/admin/settings')).status).toBe(404);

    const logs = await alpha.get('/admin/logs');
    expect(logs.status).toBe(200);
    expect(logs.html).toContain(alphaName);
    expect(logs.html).not.toContain(betaName);
    const csv = await alpha.get('/admin/logs.csv');
    expect(csv.html).toContain(alphaName);
    expect(csv.html).not.toContain(betaName);

    // Beta's event id, tried on every route of the Writeback Logs: not found, never shown.
    const betaId = betaEvents[0]!.id;
    const tries = [
      await alpha.get(`/admin/logs?event=${betaId}`),
      await alpha.get(`/admin/logs/rows?event=${betaId}`),
      await alpha.get(`/admin/logs/event/${betaId}`),
      await alpha.post('/admin/logs/resend', { ids: betaId }),
      await alpha.post('/admin/logs/preview', { preview: betaId }),
      await alpha.post(`/admin/logs/event/${betaId}/correct`, { reason: 'T' }),
      await alpha.post(`/admin/logs/event/${betaId}/cancel`),
    ];
    for (const response of tries) {
      expect(response.status).toBe(404);
      expect(response.html).not.toContain(betaName);
    }
    // Its own event: a preview asks alpha's PowerSchool; corrections are not here yet (501).
    const preview = await alpha.post('/admin/logs/preview', { preview: failing.id });
    expect(preview.status).toBe(200);
    expect(preview.html).toContain(
      `Preview: re-sending the event of ${failing.student.name} now would fail. Nothing was sent.`,
    );
    expect((await alpha.post(`/admin/logs/event/${failing.id}/cancel`)).status).toBe(501);

    // Its own event's page, and a re-send of its failed one.
    const own = await alpha.get(`/admin/logs/event/${failing.id}`);
    expect(own.status).toBe(200);
    expect(own.html).toContain('Corrections and cancellations are not available on PostgreSQL yet');
    await alpha.get('/admin/logs?status=failed');
    const resent = await alpha.post('/admin/logs/resend', { ids: failing.id, back: '' });
    expect(resent.status).toBe(303);
    expect(resent.headers.get('location')).toBe('/admin/logs?resent=1');
    await until('alpha', failing.id, 'failed');
    const { rows } = await pool.query<{ runs: number }>(
      'SELECT runs FROM pswb_events WHERE district = $1 AND id = $2',
      ['alpha', failing.id],
    );
    expect(rows[0]!.runs).toBe(2);

    // Beta's admin sees beta's, not alpha's.
    const beta = await signedIn(users.beta);
    const betaLogs = await beta.get('/admin/logs');
    expect(betaLogs.html).toContain(betaName);
    expect(betaLogs.html).not.toContain(alphaName);
    expect((await beta.get(`/admin/logs/event/${failing.id}`)).status).toBe(404);
  });

  it('a building admin sees their buildings only; support reads and cannot re-send', async () => {
    // Student-days the first test did not use: its two were the first two of building 101.
    const at101 = named('alpha', 6, 'bb101', 101, 'Lincoln Pupil')[5]!;
    const at102 = named('alpha', 1, 'bb102', 102, 'Jefferson Pupil')[0]!;
    expect(await post('alpha', [at101, at102])).toBe(202);
    await until('alpha', at102.id, 'successful');
    await until('alpha', at101.id, 'successful');
    const building = await signedIn(users.alpha101);
    const logs = await building.get('/admin/logs');
    expect(logs.html).toContain(at101.student.name);
    expect(logs.html).not.toContain(at102.student.name);
    expect((await building.get(`/admin/logs/event/${at102.id}`)).status).toBe(404);
    expect((await building.get('/admin/audit')).status).toBe(403);

    const support = await signedIn(users.alphaSupport);
    expect((await support.get('/admin/logs')).html).toContain(at102.student.name);
    await support.get('/admin/logs');
    const refused = await support.post('/admin/logs/resend', { ids: at102.id });
    expect(refused.status).toBe(403);
  });

  it("the audit log is the district's own", async () => {
    const alpha = await signedIn(users.alpha);
    const page = await alpha.get('/admin/audit');
    expect(page.status).toBe(200);
    expect(page.html).toContain('cli:alpha-ops');
    expect(page.html).not.toContain('cli:beta-ops');
  });

  it("an operator sees every district's outbox and pause, and no district's events", async () => {
    await pool.query(
      `UPDATE pswb_districts SET paused_until = now() + interval '10 minutes',
         pause_reason = 'PowerSchool answered 503' WHERE id = 'beta'`,
    );
    try {
      const operator = await signedIn(users.operator);
      const overview = await operator.get('/admin');
      expect(overview.status).toBe(200);
      expect(overview.html).toContain('Service operator');
      expect(overview.html).toContain('alpha USD (<code>alpha</code>)');
      expect(overview.html).toMatch(/Paused until \d\d:\d\d:\d\d UTC: PowerSchool answered 503/);
      expect(overview.html).not.toContain('href="/admin/logs"');
      const logs = await operator.get('/admin/logs');
      expect(logs.status).toBe(403);
      expect((await operator.get('/admin/audit')).status).toBe(403);
    } finally {
      await pool.query(`UPDATE pswb_districts SET paused_until = NULL, pause_reason = NULL`);
    }
  });

  it('refuses a wrong password and a page without a session; signs out', async () => {
    const client = new PageClient(service.url);
    expect((await client.signIn(users.alpha, 'not the password')).status).toBe(401);
    const away = await client.get('/admin/logs');
    expect(away.status).toBe(303);
    expect(away.headers.get('location')).toBe('/login?next=%2Fadmin%2Flogs');
    const alpha = await signedIn(users.alpha);
    expect((await alpha.post('/logout')).status).toBe(303);
    expect((await alpha.get('/admin')).status).toBe(303);
  });
});
