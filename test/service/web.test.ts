/**
 * The PowerSchool Setup page over HTTP, without a browser: sign-in, session cookie and its
 * rotation, the sign-in rate limit, CSRF refusals, secure headers, roles enforced on the server
 * (a building admin's 404s and 403s, support's read-only), Settings in the guide's words with the
 * secret never sent back, School Building Setup's rule, re-send, CSV export and the audit log.
 * The browser journey is test/browser/admin-page.test.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace } from '../../connector/index.ts';
import { DEMO_REASONS, connectDemoDistrict } from '../../repro/demo-connection.ts';
import { startService, type RunningService } from '../../service/service.ts';
import { csvCell } from '../../service/web/pages/logs.ts';
import type { RunningSimulator } from '../../simulator/server.ts';
import { startDemoSimulator } from '../connector/support/simulator.ts';
import { createKey } from './keys-support.ts';
import { studentDayEvents } from './support.ts';
import { PageClient } from './web-support.ts';

let sim: RunningSimulator;
let dataDir: string;
let service: RunningService;
let apiKey: string;
const PASSWORD = 'correct horse battery';
const users = {
  district: 'district@example.org',
  building: 'building101@example.org',
  support: 'support@example.org',
};

beforeAll(async () => {
  sim = await startDemoSimulator();
  dataDir = await mkdtemp(join(tmpdir(), 'pswb-web-'));
  const workspace = await openWorkspace({ dataDir });
  await connectDemoDistrict(sim, {
    settings: workspace.settings,
    reasons: DEMO_REASONS,
    open: () => workspace.connector(),
  });
  const now = new Date();
  await workspace
    .store()
    .users.add({ email: users.district, role: 'district_admin', password: PASSWORD }, now);
  await workspace
    .store()
    .users.add(
      { email: users.building, role: 'building_admin', schools: [101], password: PASSWORD },
      now,
    );
  await workspace
    .store()
    .users.add({ email: users.support, role: 'support', password: PASSWORD }, now);
  workspace.close();
  apiKey = await createKey(dataDir, { name: 'district' });
  service = await startService({ dataDir, port: 0, pollMs: 50 });
  // One written event at each of schools 101 and 102, and one failed at 101 (an unknown DCID).
  const { events } = studentDayEvents(sim, 2, 'web', [101, 102]);
  const unknown = {
    ...events[0]!,
    id: 'web-unknown',
    student: { ...events[0]!.student, dcid: 999_999 },
  };
  const other = studentDayEvents(sim, 1, 'web102', [102]).events[0]!;
  const response = await fetch(`${service.url}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify([events[0], unknown, other]),
  });
  expect(response.status).toBe(202);
  await settled();
});
afterAll(async () => {
  await service?.stop();
  await sim?.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function settled(): Promise<void> {
  for (;;) {
    const queue = service.store.queue();
    if (queue.pending === 0 && queue.sending === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function signedIn(email: string): Promise<PageClient> {
  const client = new PageClient(service.url);
  const response = await client.signIn(email, PASSWORD);
  expect(response.status).toBe(303);
  return client;
}

describe('sign-in and sessions', () => {
  it('sends a visitor without a session to the sign-in page, keeping where they were going', async () => {
    const client = new PageClient(service.url);
    const response = await client.get('/admin/logs?status=failed');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(
      `/login?next=${encodeURIComponent('/admin/logs?status=failed')}`,
    );
    const login = await client.get('/login');
    expect(login.html).toContain('name="_csrf"');
  });

  it('refuses a wrong password without saying which part was wrong, and sets no session', async () => {
    const client = new PageClient(service.url);
    const response = await client.signIn(users.district, 'not the password');
    expect(response.status).toBe(401);
    expect(response.html).toContain('The email or password is not right.');
    expect(client.cookie('pswb_session')).toBeUndefined();
    const unknown = await client.signIn('nobody@example.org', PASSWORD);
    expect(unknown.status).toBe(401);
    expect(unknown.html).toContain('The email or password is not right.');
  });

  it('sets an HttpOnly SameSite session cookie and rotates it at every sign-in', async () => {
    const client = new PageClient(service.url);
    await client.get('/login');
    const first = await client.post('/login', { email: users.district, password: PASSWORD });
    const header = first.headers.getSetCookie().find((line) => line.startsWith('pswb_session='));
    expect(header).toMatch(/HttpOnly/i);
    expect(header).toMatch(/SameSite=Lax/i);
    expect(header).not.toMatch(/Secure/i); // plain http here; Secure over https
    const firstToken = client.cookie('pswb_session')!;
    // Signing in again from the same browser (its old cookie sent along): a new token, and the
    // old one no longer works.
    const again = new PageClient(service.url);
    await again.get('/login');
    again.setCookie('pswb_session', firstToken);
    const second = await again.post('/login', { email: users.district, password: PASSWORD });
    expect(second.status).toBe(303);
    const secondToken = again.cookie('pswb_session')!;
    expect(secondToken).not.toBe(firstToken);
    const stale = new PageClient(service.url);
    stale.setCookie('pswb_session', firstToken);
    expect((await stale.get('/admin')).status).toBe(303);
    const current = new PageClient(service.url);
    current.setCookie('pswb_session', secondToken);
    expect((await current.get('/admin')).status).toBe(200);
    // A signed-in visitor of the sign-in page is sent on.
    expect((await current.get('/login')).status).toBe(303);
  });

  it('makes the cookies Secure behind a TLS proxy when the public URL is https', async () => {
    const proxied = await startService({
      dataDir,
      port: 0,
      workers: 0,
      publicUrl: 'https://pswb.district.example',
    });
    try {
      const client = new PageClient(proxied.url);
      await client.get('/login');
      const response = await client.post('/login', { email: users.district, password: PASSWORD });
      expect(response.status).toBe(303);
      const header = response.headers
        .getSetCookie()
        .find((line) => line.startsWith('pswb_session='));
      expect(header).toMatch(/;\s*Secure/i);
      expect(header).toMatch(/HttpOnly/i);
    } finally {
      await proxied.stop();
    }
  });

  it('refuses a sign-in form without its CSRF token', async () => {
    const client = new PageClient(service.url);
    await client.get('/login');
    const response = await client.post(
      '/login',
      { email: users.district, password: PASSWORD },
      null,
    );
    expect(response.status).toBe(403);
    expect(client.cookie('pswb_session')).toBeUndefined();
  });

  it('limits failed sign-ins per account: after 5, even the right password waits (429, Retry-After)', async () => {
    const victim = 'limited@example.org';
    const store = service.store;
    await store.users.add({ email: victim, role: 'support', password: PASSWORD }, new Date());
    const client = new PageClient(service.url);
    for (let n = 0; n < 5; n += 1) {
      expect((await client.signIn(victim, `wrong ${n}`)).status).toBe(401);
    }
    const refused = await client.signIn(victim, PASSWORD);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.html).toContain('Too many failed sign-ins');
  });

  it('signs out: the session ends on the server', async () => {
    const client = await signedIn(users.support);
    const token = client.cookie('pswb_session')!;
    const out = await client.post('/logout');
    expect(out.status).toBe(303);
    const replay = new PageClient(service.url);
    replay.setCookie('pswb_session', token);
    expect((await replay.get('/admin')).status).toBe(303);
  });

  it('serves every page with a CSP that allows no inline script or style, and no framing', async () => {
    const client = await signedIn(users.district);
    for (const path of [
      '/login',
      '/admin',
      '/admin/settings',
      '/admin/schools',
      '/admin/reasons',
      '/admin/logs',
      '/admin/check',
      '/admin/audit',
    ]) {
      const page = await client.get(path);
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(page.headers.get('x-frame-options'), path).toBe('SAMEORIGIN');
      expect(page.headers.get('cache-control'), path).toBe('no-store');
      expect(page.html, path).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
      expect(page.html, path).not.toMatch(/\sstyle="/);
      expect(page.html, path).not.toMatch(/\son[a-z]+="/);
    }
  });
});

describe('roles, enforced on the server', () => {
  it('shows a building admin only their building, and answers 404 for another building', async () => {
    const client = await signedIn(users.building);
    const logs = await client.get('/admin/logs');
    expect(logs.status).toBe(200);
    expect(logs.html).toContain('web-unknown');
    expect(logs.html).not.toContain('web102-0');
    expect((await client.get('/admin/logs?school=102')).status).toBe(404);
    expect((await client.get('/admin/logs.csv?school=102')).status).toBe(404);
    const resend = await client.post('/admin/logs/resend', { ids: 'web102-0' });
    expect(resend.status).toBe(404);
    const school = await client.post('/admin/schools', {
      'status-102': 'disabled',
      'mode-102': 'daily',
    });
    expect(school.status).toBe(404);
    expect(service.connector()!.settings.get().schools['102']!.enabled).toBe(true);
    expect((await client.get('/admin/settings')).status).toBe(403);
    expect((await client.get('/admin/audit')).status).toBe(403);
    const reasons = await client.post('/admin/reasons/102/map', { late: 'T' });
    expect(reasons.status).toBe(404);
  });

  it('the API answers 404 for another building’s event to a building-scoped key too', async () => {
    const key = await createKey(dataDir, { name: 'front desk 101', schools: [101] });
    const response = await fetch(`${service.url}/api/v1/events/web102-0`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(response.status).toBe(404);
  });

  it('lets support read every tab but change nothing', async () => {
    const client = await signedIn(users.support);
    const settings = await client.get('/admin/settings');
    expect(settings.status).toBe(200);
    expect(settings.html).toContain('Read only');
    expect(settings.html).not.toContain('Save and Apply to All Schools</button>');
    const before = JSON.stringify(service.connector()!.settings.get());
    expect(
      (await client.post('/admin/settings', { url: sim.url, clientId: 'x', clientSecret: 'y' }))
        .status,
    ).toBe(403);
    expect(
      (await client.post('/admin/schools', { 'status-101': 'disabled', 'mode-101': 'daily' }))
        .status,
    ).toBe(403);
    expect((await client.post('/admin/logs/resend', { ids: 'web-unknown' })).status).toBe(403);
    expect(JSON.stringify(service.connector()!.settings.get())).toBe(before);
  });

  it('refuses a form posted without its CSRF token, and changes nothing', async () => {
    const client = await signedIn(users.district);
    const before = service.connector()!.settings.get().schools['101']!;
    const response = await client.post(
      '/admin/schools',
      { 'status-101': 'disabled', 'mode-101': '' },
      null,
    );
    expect(response.status).toBe(403);
    expect(response.html).toContain('security token');
    const wrong = await client.post(
      '/admin/schools',
      { 'status-101': 'disabled', 'mode-101': '' },
      'x'.repeat(43),
    );
    expect(wrong.status).toBe(403);
    expect(service.connector()!.settings.get().schools['101']).toEqual(before);
  });
});

describe('the tabs', () => {
  it('Settings: never sends the secret back; a wrong secret is answered in the guide’s words and not saved', async () => {
    const client = await signedIn(users.district);
    const secret = sim.plugin!.clientSecret;
    const page = await client.get('/admin/settings');
    expect(page.html).not.toContain(secret);
    expect(page.html).toContain('https://sample-district.powerschool.com/admin');
    const wrong = await client.post('/admin/settings', {
      url: sim.url,
      clientId: sim.plugin!.clientId,
      clientSecret: 'not-the-secret',
      visibleStudentId: 'sis_id',
      studentIdSource: 'dcid',
    });
    expect(wrong.status).toBe(502);
    expect(wrong.html).toContain('PowerSchool denied the connection');
    expect(wrong.html).toContain('Plugin Configuration');
    expect(service.connector()!.settings.get().connection!.clientSecret).toBe(secret);
    const badUrl = await client.post('/admin/settings', {
      url: `${sim.url}/`,
      clientId: sim.plugin!.clientId,
      clientSecret: '',
    });
    expect(badUrl.status).toBe(422);
    expect(badUrl.html).toContain('trailing');
    // An empty secret keeps the saved one: the check passes and the change is audited, redacted.
    const saved = await client.post('/admin/settings', {
      url: sim.url,
      clientId: sim.plugin!.clientId,
      clientSecret: '',
      visibleStudentId: 'student_number',
      studentIdSource: 'dcid',
    });
    expect(saved.status).toBe(200);
    expect(saved.html).toContain('Saved and applied to all schools');
    expect(saved.html).not.toContain(secret);
    expect(service.connector()!.settings.get().connection!.visibleStudentId).toBe('student_number');
    const entry = service.store.audit.list({ limit: 1 })[0]!;
    expect(entry).toMatchObject({ action: 'settings.save', actor: `user:${users.district}` });
    expect(JSON.stringify(entry)).not.toContain(secret);
    const audit = await client.get('/admin/audit');
    expect(audit.html).toContain('settings.save');
    expect(audit.html).not.toContain(secret);
  });

  it('Settings: the record comment template is saved apart from the connection, checked and audited', async () => {
    const client = await signedIn(users.district);
    await client.get('/admin/settings');
    const bad = await client.post('/admin/settings/comment', { commentTemplate: 'VM {kind}' });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('Valid: {type}');
    const saved = await client.post('/admin/settings/comment', {
      commentTemplate: 'VM {type} {time}',
    });
    expect(saved.status).toBe(200);
    expect(service.connector()!.settings.get().commentTemplate).toBe('VM {type} {time}');
    expect(service.store.audit.list({ limit: 1 })[0]).toMatchObject({
      action: 'settings.comment_template',
    });
    const api = await fetch(`${service.url}/api/v1/settings`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(((await api.json()) as { commentTemplate: string }).commentTemplate).toBe(
      'VM {type} {time}',
    );
    await client.post('/admin/settings/comment', { commentTemplate: '' });
    expect(service.connector()!.settings.get().commentTemplate).toBeUndefined();
    const building = await signedIn(users.building);
    await building.get('/admin');
    expect((await building.post('/admin/settings/comment', { commentTemplate: 'x' })).status).toBe(
      403,
    );
  });

  it('School Building Setup: an enabled school needs a mode; a change is saved and audited', async () => {
    const client = await signedIn(users.district);
    const page = await client.get('/admin/schools');
    expect(page.html).toContain('Prevent School Overrides');
    const refused = await client.post('/admin/schools', {
      'status-103': 'enabled',
      'mode-103': '',
    });
    expect(refused.status).toBe(422);
    expect(refused.html).toContain('an Attendance Mode must be selected');
    const mode = service.connector()!.settings.get().schools['103']!.mode;
    const next = mode === 'meeting' ? 'daily' : 'meeting';
    const saved = await client.post('/admin/schools', {
      'status-103': 'enabled',
      'mode-103': next,
    });
    expect(saved.status).toBe(200);
    expect(service.connector()!.settings.get().schools['103']!.mode).toBe(next);
    await client.post('/admin/schools', { 'status-103': 'enabled', 'mode-103': mode ?? 'meeting' });
    expect(
      service.store.audit.list({ limit: 5 }).some((entry) => entry.action === 'school.update'),
    ).toBe(true);
  });

  it('School Building Setup: behaviours beyond the guide are saved per school, checked, audited and scoped', async () => {
    const building = await signedIn(users.building);
    const page = await building.get('/admin/schools');
    expect(page.html).toContain('Beyond the guide');
    expect(page.html).toContain('the guide’s behaviour');
    const saved = await building.post('/admin/schools/behaviours', {
      school: '101',
      existing: 'overwrite_listed',
      overwritable: ['T', 'ED'],
      returnToSchool: 'remove',
    });
    expect(saved.status).toBe(200);
    expect(saved.html).toContain('Saved: the behaviours of school 101.');
    expect(service.connector()!.settings.get().schools['101']!.behaviours).toEqual({
      existing: 'overwrite_listed',
      overwritable: ['T', 'ED'],
      returnToSchool: 'remove',
    });
    const api = await fetch(`${service.url}/api/v1/schools`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    const school101 = (
      (await api.json()) as { schools: { schoolNumber: number; behaviours: unknown }[] }
    ).schools.find((s) => s.schoolNumber === 101);
    expect(school101!.behaviours).toMatchObject({
      existing: 'overwrite_listed',
      returnToSchool: 'remove',
    });
    const bad = await building.post('/admin/schools/behaviours', {
      school: '101',
      returnToSchool: 'change',
    });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('needs the code the early check-out');
    const other = await building.post('/admin/schools/behaviours', {
      school: '102',
      existing: 'keep',
    });
    expect(other.status).toBe(404);
    expect(service.connector()!.settings.get().schools['102']!.behaviours).toBeUndefined();
    const support = await signedIn(users.support);
    await support.get('/admin/schools');
    expect((await support.post('/admin/schools/behaviours', { school: '101' })).status).toBe(403);
    const back = await building.post('/admin/schools/behaviours', { school: '101' });
    expect(back.status).toBe(200);
    expect(service.connector()!.settings.get().schools['101']!.behaviours).toBeUndefined();
    expect(
      service.store.audit
        .list({ limit: 10 })
        .filter((entry) => entry.action === 'school.behaviours'),
    ).toHaveLength(2);
  });

  it('Writeback Logs: a successful row lists the records it wrote beneath it', async () => {
    const client = await signedIn(users.district);
    const page = await client.get('/admin/logs?status=successful&school=101');
    expect(page.html).toContain('show the records in PowerSchool');
    expect(page.html).toMatch(/Written: The day: T/);
  });

  it('Event page: an admin corrects an event (the wrong record removed, the right one written), sees its history, cancels it; scoped and audited', async () => {
    // The fourth student-day of school 101: the setup wrote the first ones.
    const { events, keys } = studentDayEvents(sim, 4, 'fix', [101]);
    const event = events[3]!;
    const posted = await fetch(`${service.url}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(event),
    });
    expect(posted.status).toBe(202);
    await settled();
    const { studentId, date } = keys[3]!;
    expect(sim.district.attendanceOn(studentId, date)).toHaveLength(1);
    const path = `/admin/logs/event/${event.id}`;

    const support = await signedIn(users.support);
    const read = await support.get(path);
    expect(read.status).toBe(200);
    expect(read.html).not.toContain('Correct and re-send</button>');
    expect((await support.post(`${path}/cancel`)).status).toBe(403);

    const district = await signedIn(users.district);
    const shown = await district.get(path);
    expect(shown.html).toContain('Written: The day: T');
    const nothing = await district.post(`${path}/correct`, { reason: event.reason });
    expect(nothing.status).toBe(422);
    expect(nothing.html).toContain('Nothing to correct');
    const bad = await district.post(`${path}/correct`, { occurredAt: 'yesterday' });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('occurredAt');
    const later = new Date(Date.parse(event.occurredAt) + 3_600_000).toISOString();
    const fixed = await district.post(`${path}/correct`, { occurredAt: later });
    expect(fixed.status).toBe(303);
    await settled();
    const after = await district.get(path);
    expect(after.html).toContain('Earlier versions');
    expect(after.html).toContain(`corrected by ${users.district}`);
    expect(after.html).toContain('Written: The day: T');
    expect(service.connector()!.versions({ role: 'district_admin' }, event.id)).toHaveLength(1);
    expect(sim.district.attendanceOn(studentId, date)).toHaveLength(1);

    const cancelled = await district.post(`${path}/cancel`);
    expect(cancelled.status).toBe(303);
    expect(sim.district.attendanceOn(studentId, date)).toHaveLength(0);
    const record = service.connector()!.record({ role: 'district_admin' }, event.id)!;
    expect(record.statusLabel).toBe('Cancelled');
    const actions = service.store.audit
      .list({ limit: 20 })
      .filter((entry) => entry.target === `event ${event.id}`)
      .map((entry) => entry.action);
    expect(actions.sort()).toEqual(['event.cancel', 'event.correct']);

    // A building admin of 101 cannot open or change a 102 event.
    const other = service.store.query({ schools: [102], page: 1, pageSize: 1 }).rows[0]!;
    const building = await signedIn(users.building);
    expect((await building.get(`/admin/logs/event/${other.id}`)).status).toBe(404);
    await building.get(path);
    expect((await building.post(`/admin/logs/event/${other.id}/cancel`)).status).toBe(404);
  });

  it('Writeback Logs: a failed row’s chevron explains the error; re-send puts it back; CSV has the filtered rows', async () => {
    const client = await signedIn(users.district);
    const failed = await client.get('/admin/logs?status=failed');
    expect(failed.html).toContain('web-unknown');
    expect(failed.html).toMatch(/<details class="why" data-id="web-unknown">/);
    expect(failed.html).toContain('What it means');
    expect(failed.html).toContain('How to resolve it');
    const csv = await client.get('/admin/logs.csv?status=failed');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = csv.html.trim().split('\r\n');
    expect(lines[0]).toBe(
      'Type,Student Name,Student PS ID,Date,Time,Grade,Reason,Status,Building,PowerSchool error,What it means,Event ID',
    );
    expect(lines.slice(1).every((line) => line.includes(',Failed,'))).toBe(true);
    expect(lines.some((line) => line.endsWith(',web-unknown'))).toBe(true);
    const rows = await client.get('/admin/logs/rows?status=failed');
    expect(rows.html).toContain('id="log-rows"');
    const notFailed = await client.post('/admin/logs/resend', {
      ids: 'web-0',
      back: '?status=failed',
    });
    expect(notFailed.status).toBe(409);
    const resend = await client.post('/admin/logs/resend', {
      ids: 'web-unknown',
      back: '?status=failed',
    });
    expect(resend.status).toBe(303);
    expect(resend.headers.get('location')).toBe('/admin/logs?status=failed&resent=1');
    await settled();
    expect(service.connector()!.record({ role: 'district_admin' }, 'web-unknown')!.runs).toBe(2);
  });

  it('Preview: shows what a re-send would post now, sends nothing; another building’s event is 404', async () => {
    const client = await signedIn(users.support);
    await client.get('/admin/logs?status=failed');
    const runs = service.connector()!.record({ role: 'district_admin' }, 'web-unknown')!.runs;
    const preview = await client.post('/admin/logs/preview', {
      preview: 'web-unknown',
      back: '?status=failed',
    });
    expect(preview.status).toBe(200);
    expect(preview.html).toContain('Preview: re-sending the event of');
    expect(preview.html).toContain('would fail');
    expect(preview.html).toContain('Could not find student');
    expect(service.connector()!.record({ role: 'district_admin' }, 'web-unknown')!.runs).toBe(runs);
    const building = await signedIn(users.building);
    await building.get('/admin/logs');
    expect((await building.post('/admin/logs/preview', { preview: 'web102-0' })).status).toBe(404);
    const own = await building.post('/admin/logs/preview', { preview: 'web-0' });
    expect(own.status).toBe(200);
    expect(own.html.match(/Preview: re-sending[^<]*/)?.[0]).toContain('would POST /ws/attendance/');
  });

  it('Check: reads back what was written, lists a deleted record, re-sends it; scoped by building and role', async () => {
    const record = service.connector()!.record({ role: 'district_admin' }, 'web-0')!;
    const day = record.localDate;
    const client = await signedIn(users.district);
    const page = await client.get(`/admin/check?from=${day}&to=${day}`);
    expect(page.status).toBe(200);
    expect(page.html).toMatch(/0 missing, 0 changed\./);
    const attendance = sim.district.table('attendance');
    for (const row of sim.district.attendanceOn(record.studentPsId!, day)) attendance.remove(row);
    const after = await client.get(`/admin/check?from=${day}&to=${day}`);
    expect(after.html).toContain('data-id="web-0"');
    const support = await signedIn(users.support);
    await support.get('/admin/check');
    expect((await support.post('/admin/check/resend', { ids: 'web-0' })).status).toBe(403);
    const resent = await client.post('/admin/check/resend', {
      ids: 'web-0',
      back: `from=${day}&to=${day}`,
    });
    expect(resent.status).toBe(303);
    expect(resent.headers.get('location')).toBe(`/admin/check?from=${day}&to=${day}&resent=1`);
    await settled();
    expect(sim.district.attendanceOn(record.studentPsId!, day)).toHaveLength(1);
    const building = await signedIn(users.building);
    expect((await building.get(`/admin/check?from=${day}&to=${day}&school=102`)).status).toBe(404);
    await building.get('/admin/check');
    expect((await building.post('/admin/check/resend', { ids: 'web102-0' })).status).toBe(404);
    expect((await client.get('/admin/check?from=2026-13-01&to=x')).status).toBe(422);
  });

  it('Check without a range shows the last scheduled check (run by the service itself)', async () => {
    const client = await signedIn(users.district);
    expect((await client.get('/admin/check')).html).toContain('No check has run yet');
    await service.reconcile();
    const page = await client.get('/admin/check');
    expect(page.html).toContain('Last scheduled check');
    expect(page.html).toMatch(/record[s]? read back/);
  });

  it('refuses a bad filter value with the valid ones', async () => {
    const client = await signedIn(users.district);
    const response = await client.get('/admin/logs?status=maybe');
    expect(response.status).toBe(422);
    expect(response.html).toContain('Valid:');
  });

  it('the overview shows today’s counts and the connection', async () => {
    const client = await signedIn(users.building);
    const page = await client.get('/admin');
    expect(page.status).toBe(200);
    expect(page.html).toContain('Connected to');
    expect(page.html).toContain('failed writebacks');
  });
});

describe('csvCell', () => {
  it('quotes commas and quotes, and defuses formulas', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('plain')).toBe('plain');
  });
});
