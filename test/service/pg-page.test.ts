/**
 * The PowerSchool Setup page of `pswb serve --database` (service/pg-service.ts) against a real
 * PostgreSQL server: users of two districts and a service operator sign in; each district's
 * users see, filter, export and re-send their own district's events only (another district's
 * event id answers 404 on every page route, as another building's does), a building admin sees
 * their buildings only, support reads only; a district admin's settings change is saved sealed
 * to the district's row and audited; the audit log is the district's own; an operator sees
 * every district's outbox and pause and no district's events; the Check tab reads back the
 * district's own writes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPgService, type RunningPgService } from '../../service/pg-service.ts';
import { instantRetry } from '../connector/support/mock-powerschool.ts';
import {
  PAGE_PASSWORD,
  PAGE_USERS,
  addPageUsers,
  namedEvents,
  postEvents,
  startPgDistricts,
  untilState,
  type PgDistrictsFixture,
} from './pg-districts-support.ts';
import { PageClient } from './web-support.ts';

const PASSWORD = PAGE_PASSWORD;
const users = PAGE_USERS;

let fixture: PgDistrictsFixture;
let service: RunningPgService;

beforeAll(async () => {
  fixture = await startPgDistricts('pg_page');
  await addPageUsers(fixture.pool);
  service = await startPgService({
    databaseUrl: fixture.url,
    keyring: fixture.keyring,
    port: 0,
    worker: { pollMs: 200, connector: { retry: instantRetry() } },
  });
}, 60_000);

afterAll(async () => {
  await service?.stop();
  await fixture?.close();
});

const post = (district: string, body: unknown) =>
  postEvents(service.url, fixture.keys[district]!, body);
const until = (district: string, id: string, state: string, runs?: number) =>
  untilState(fixture.pool, district, id, state, runs);
const named = (district: string, count: number, prefix: string, school: number, name: string) =>
  namedEvents(fixture.sims.get(district)!, count, prefix, school, name);
const pool = () => fixture.pool;
const sims = () => fixture.sims;

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
    expect(overview.html).toContain(sims().get('alpha')!.url);
    // The tabs served on PostgreSQL, and no others.
    expect(overview.html).toContain('href="/admin/logs"');
    expect(overview.html).toContain('href="/admin/audit"');
    expect(overview.html).toContain('href="/admin/settings"');
    expect(overview.html).toContain('href="/admin/check"');

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
    // Its own event: a preview asks alpha's PowerSchool.
    const preview = await alpha.post('/admin/logs/preview', { preview: failing.id });
    expect(preview.status).toBe(200);
    expect(preview.html).toContain(
      `Preview: re-sending the event of ${failing.student.name} now would fail. Nothing was sent.`,
    );

    // Its own event's page, and a re-send of its failed one.
    const own = await alpha.get(`/admin/logs/event/${failing.id}`);
    expect(own.status).toBe(200);
    expect(own.html).toContain('Correct and re-send');
    expect(own.html).toContain('Cancel the event');
    await alpha.get('/admin/logs?status=failed');
    const resent = await alpha.post('/admin/logs/resend', { ids: failing.id, back: '' });
    expect(resent.status).toBe(303);
    expect(resent.headers.get('location')).toBe('/admin/logs?resent=1');
    await until('alpha', failing.id, 'failed', 2);
    const { rows } = await pool().query<{ runs: number }>(
      'SELECT runs FROM pswb_events WHERE district = $1 AND id = $2',
      ['alpha', failing.id],
    );
    expect(rows[0]!.runs).toBe(2);

    // Cancelled from its page: kept in its history, audited as the user.
    await alpha.get(`/admin/logs/event/${failing.id}`);
    const cancelled = await alpha.post(`/admin/logs/event/${failing.id}/cancel`);
    expect(cancelled.status).toBe(303);
    expect(cancelled.headers.get('location')).toBe(
      `/admin/logs/event/${failing.id}?done=cancelled&removed=0`,
    );
    const after = await alpha.get(`/admin/logs/event/${failing.id}`);
    expect(after.html).toContain('Earlier versions');
    expect(after.html).toContain(`cancelled by ${users.alpha}`);
    const audit = await alpha.get('/admin/audit');
    expect(audit.html).toContain(`user:${users.alpha}`);
    expect(audit.html).toContain(`event ${failing.id}`);

    // The Check reads back alpha's successful event of the day from alpha's PowerSchool.
    const day = alphaEvents[0]!.occurredAt.slice(0, 10);
    const check = await alpha.get(`/admin/check?from=${day}&to=${day}`);
    expect(check.status).toBe(200);
    expect(check.html).toContain('1 record read back, 1 as written');
    // The scheduled read-back checks every district; each Check tab shows its own report.
    expect((await alpha.get('/admin/check')).html).toContain('No check has run yet');
    await service.reconcile();
    const scheduled = await alpha.get('/admin/check');
    expect(scheduled.html).toContain('Last scheduled check');
    expect(scheduled.html).toMatch(/\d+ records? read back/);

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

  it("a district admin changes their district's settings on the page: saved sealed in the database, audited, picked up by the workers", async () => {
    const settingsOf = async (id: string) => {
      const { rows } = await pool().query<{ settings: { commentTemplate?: string } }>(
        'SELECT settings FROM pswb_districts WHERE id = $1',
        [id],
      );
      return rows[0]!.settings;
    };
    const alpha = await signedIn(users.alpha);
    const page = await alpha.get('/admin/settings');
    expect(page.status).toBe(200);
    expect(page.html).toContain(sims().get('alpha')!.url);
    expect(page.html).not.toContain(sims().get('beta')!.url);
    // No failure alerts are sent on PostgreSQL yet, so none are offered.
    expect(page.html).not.toContain('/admin/settings/alerts');
    const saved = await alpha.post('/admin/settings/comment', {
      commentTemplate: 'Alpha VM {type} {date}',
    });
    expect(saved.status).toBe(200);
    expect((await settingsOf('alpha')).commentTemplate).toBe('Alpha VM {type} {date}');
    expect((await settingsOf('beta')).commentTemplate).toBeUndefined();
    // Still sealed: the row holds no client secret in clear.
    const secret = sims().get('alpha')!.plugin!.clientSecret;
    expect(JSON.stringify(await settingsOf('alpha'))).not.toContain(secret);
    const { rows: audited } = await pool().query(
      `SELECT district, actor FROM pswb_audit WHERE action = 'settings.comment_template'`,
    );
    expect(audited).toEqual([{ district: 'alpha', actor: `user:${users.alpha}` }]);
    // The School Building Setup: a school turned off in alpha only.
    await alpha.get('/admin/schools');
    const school = await alpha.post('/admin/schools', {
      'status-102': 'disabled',
      'mode-102': 'daily',
    });
    expect(school.status).toBeLessThan(400);
    const { rows: schools } = await pool().query<{ id: string; enabled: boolean }>(
      `SELECT id, (settings->'schools'->'102'->>'enabled')::boolean AS enabled FROM pswb_districts ORDER BY id`,
    );
    expect(schools).toEqual([
      { id: 'alpha', enabled: false },
      { id: 'beta', enabled: true },
    ]);
    // Asking PowerSchool now goes by the changed settings: the turned-off school's event would
    // not be attempted (a dry run, with the district's connector made again after the change).
    const [off] = named('alpha', 1, 'off102', 102, 'Closed School');
    const dry = await fetch(`${service.url}/api/v1/events?dry_run=true`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${fixture.keys.alpha}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(off),
    });
    expect(await dry.json()).toMatchObject({ events: [{ outcome: 'not_attempted' }] });
    await alpha.get('/admin/schools');
    await alpha.post('/admin/schools', { 'status-102': 'enabled', 'mode-102': 'daily' });

    // Beta's admin sees beta's settings; a building admin none.
    const beta = await signedIn(users.beta);
    expect((await beta.get('/admin/settings')).html).not.toContain('Alpha VM {type} {date}');
    const building = await signedIn(users.alpha101);
    expect((await building.get('/admin/settings')).status).toBe(403);
  });

  it("the audit log is the district's own", async () => {
    const alpha = await signedIn(users.alpha);
    const page = await alpha.get('/admin/audit');
    expect(page.status).toBe(200);
    expect(page.html).toContain('cli:alpha-ops');
    expect(page.html).not.toContain('cli:beta-ops');
  });

  it("an operator sees every district's outbox and pause, and no district's events", async () => {
    await pool().query(
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

      // The operator adds a district: its connection is checked first, its secret sealed, audited.
      const sim = sims().get('alpha')!;
      const gamma = {
        id: 'gamma',
        name: 'Gamma USD',
        url: sim.url,
        clientId: sim.plugin!.clientId,
        clientSecret: sim.plugin!.clientSecret,
      };
      const wrong = await operator.post('/admin/districts', { ...gamma, clientSecret: 'wrong' });
      expect(wrong.status).toBe(502);
      expect(wrong.html).toContain('The district was not added: the connection check failed.');
      const badId = await operator.post('/admin/districts', { ...gamma, id: 'Not An Id' });
      expect(badId.status).toBe(422);
      expect(badId.html).toContain('is not a district id');
      const added = await operator.post('/admin/districts', gamma);
      expect(added.status).toBe(303);
      expect(added.headers.get('location')).toBe('/admin?added=gamma');
      const listed = await operator.get('/admin?added=gamma');
      expect(listed.html).toContain('Gamma USD (<code>gamma</code>)');
      expect(listed.html).toContain('pswb users add --district gamma');
      const { rows } = await pool().query<{ settings: string }>(
        "SELECT settings::text AS settings FROM pswb_districts WHERE id = 'gamma'",
      );
      expect(rows[0]!.settings).toContain(sim.url);
      expect(rows[0]!.settings).not.toContain(gamma.clientSecret);
      const { rows: audited } = await pool().query(
        "SELECT district, actor FROM pswb_audit WHERE action = 'district.add'",
      );
      expect(audited).toEqual([{ district: 'gamma', actor: `user:${users.operator}` }]);
      expect((await operator.post('/admin/districts', gamma)).status).toBe(422);
    } finally {
      await pool().query(`UPDATE pswb_districts SET paused_until = NULL, pause_reason = NULL`);
    }
  });

  it('only an operator adds districts', async () => {
    const alpha = await signedIn(users.alpha);
    const refused = await alpha.post('/admin/districts', { id: 'delta', name: 'Delta' });
    expect(refused.status).toBe(403);
    const { rows } = await pool().query("SELECT 1 FROM pswb_districts WHERE id = 'delta'");
    expect(rows).toEqual([]);
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
