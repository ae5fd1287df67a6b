/**
 * Failure alerts end to end through `startService` and the demo simulator (an unknown DCID
 * fails): the Settings tab's form (saved, checked, audited redacted, refused to a building admin
 * and without CSRF), one email digest per interval received by an smtp-server with a password,
 * a webhook whose HMAC signature is checked, a failing webhook keeping its failures for the next
 * digest, the buffer's bound, the Writeback Logs' ?event= link, and no secret in any log line,
 * page or API answer. The interval's timer is injected: nothing here waits for real time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DISTRICT_ADMIN,
  openWorkspace,
  type AlertSettings,
  type EventRow,
} from '../../connector/index.ts';
import { DEMO_REASONS, connectDemoDistrict } from '../../repro/demo-connection.ts';
import { AlertNotifier, MAX_PENDING, type AlertTimers } from '../../service/alerts.ts';
import type { LogLine } from '../../service/log.ts';
import { startService, type RunningService } from '../../service/service.ts';
import type { RunningSimulator } from '../../simulator/server.ts';
import { startDemoSimulator } from '../connector/support/simulator.ts';
import { createKey } from './keys-support.ts';
import { studentDayEvents } from './support.ts';
import { PageClient } from './web-support.ts';

/** Timers run by hand: the test says when the interval is over. */
class ManualTimers implements AlertTimers {
  readonly jobs = new Map<number, { run: () => void; ms: number }>();
  #next = 1;
  set(run: () => void, ms: number): unknown {
    const id = this.#next++;
    this.jobs.set(id, { run, ms });
    return id;
  }
  clear(handle: unknown): void {
    this.jobs.delete(handle as number);
  }
  /** Ends every interval running now. */
  fire(): void {
    const jobs = [...this.jobs.values()];
    this.jobs.clear();
    for (const job of jobs) job.run();
  }
}

interface Mail {
  from: string;
  to: string[];
  raw: string;
  subject: string;
  /** The raw message with quoted-printable undone (enough to read the text and HTML parts). */
  body: string;
}

const SMTP_USER = 'pswb-alerts';
const SMTP_PASSWORD = 'sm7p:Pa55@w0rd-not-to-leak';
const WEBHOOK_SECRET = 'whsec-9f8e7d6c5b4a3210-not-to-leak';
const PASSWORD = 'correct horse battery';
const users = {
  district: 'district@example.org',
  building: 'building101@example.org',
  support: 'support@example.org',
};

let sim: RunningSimulator;
let dataDir: string;
let service: RunningService;
let apiKey: string;
let smtp: SMTPServer;
let smtpPort: number;
let hook: Server;
let hookUrl: string;
let hookStatus = 200;
const mails: Mail[] = [];
const hooks: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
const logs: LogLine[] = [];
const timers = new ManualTimers();
let failed: string[] = [];

function decodeQp(text: string): string {
  const joined = text.replace(/=\r?\n/g, '');
  return Buffer.from(
    joined.replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  ).toString('utf8');
}

beforeAll(async () => {
  sim = await startDemoSimulator();
  smtp = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) {
        callback(null, { user: auth.username });
      } else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw,
          subject: /^Subject: (.*)$/m.exec(raw)?.[1]?.trim() ?? '',
          body: decodeQp(raw),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  smtpPort = (smtp.server.address() as AddressInfo).port;
  hook = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      hooks.push({ headers: request.headers, body });
      response.statusCode = hookStatus;
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', () => resolve()));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/pswb-hook`;

  dataDir = await mkdtemp(join(tmpdir(), 'pswb-alerts-'));
  const workspace = await openWorkspace({ dataDir });
  await connectDemoDistrict(sim, {
    settings: workspace.settings,
    reasons: DEMO_REASONS,
    open: () => workspace.connector(),
  });
  const now = new Date();
  const store = workspace.store();
  await store.users.add({ email: users.district, role: 'district_admin', password: PASSWORD }, now);
  await store.users.add(
    { email: users.building, role: 'building_admin', schools: [101], password: PASSWORD },
    now,
  );
  await store.users.add({ email: users.support, role: 'support', password: PASSWORD }, now);
  workspace.close();
  apiKey = await createKey(dataDir, { name: 'district' });
  service = await startService({
    dataDir,
    port: 0,
    pollMs: 50,
    log: (line) => logs.push(line),
    alertTimers: timers,
  });
}, 60_000);

afterAll(async () => {
  await service?.stop();
  await sim?.close();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  await new Promise<void>((resolve) => (hook ? hook.close(() => resolve()) : resolve()));
  await rm(dataDir, { recursive: true, force: true });
});

async function signedIn(email: string): Promise<PageClient> {
  const client = new PageClient(service.url);
  const response = await client.signIn(email, PASSWORD);
  expect(response.status).toBe(303);
  await client.get('/admin/settings');
  return client;
}

async function settled(): Promise<void> {
  for (;;) {
    const queue = service.store.queue();
    if (queue.pending === 0 && queue.sending === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let batch = 0;
/** Posts `count` events that fail (unknown DCIDs) at schools 101 and 102; their ids. */
async function postFailures(count: number, schools: number[] = [101, 102]): Promise<string[]> {
  batch += 1;
  const { events } = studentDayEvents(sim, count, `alert${batch}`, schools);
  const failing = events.map((event, i) => ({
    ...event,
    student: { ...event.student, dcid: 900_000 + batch * 100 + i },
  }));
  const response = await fetch(`${service.url}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(failing),
  });
  expect(response.status).toBe(202);
  await settled();
  return failing.map((event) => event.id);
}

/** Ends the interval and waits for the digest to be sent. */
async function endInterval(): Promise<void> {
  timers.fire();
  await service.alerts.settled();
}

function verify(body: string, signature: string | undefined): boolean {
  const expected = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`;
  return (
    signature !== undefined &&
    signature.length === expected.length &&
    timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
  );
}

const smtpUrl = () =>
  `smtp://${SMTP_USER}:${encodeURIComponent(SMTP_PASSWORD)}@127.0.0.1:${smtpPort}`;

describe('the Failure alerts form on the Settings tab', () => {
  it('refuses a building admin (403), a form without CSRF (403) and support (403)', async () => {
    const building = await signedIn(users.building);
    const refused = await building.post('/admin/settings/alerts', { intervalMinutes: '5' });
    expect(refused.status).toBe(403);
    const district = await signedIn(users.district);
    const noCsrf = await district.post(
      '/admin/settings/alerts',
      { intervalMinutes: '5', webhookUrl: hookUrl, webhookSecret: WEBHOOK_SECRET },
      null,
    );
    expect(noCsrf.status).toBe(403);
    const support = await signedIn(users.support);
    const page = await support.get('/admin/settings');
    expect(page.html).toContain('Failure alerts');
    expect(page.html).not.toContain('Save alerts');
    expect((await support.post('/admin/settings/alerts', { intervalMinutes: '5' })).status).toBe(
      403,
    );
    expect(service.connector()!.settings.get().alerts).toBeUndefined();
  });

  it('refuses a bad value with a 422 naming what is valid, keeping what was entered', async () => {
    const client = await signedIn(users.district);
    const bad = await client.post('/admin/settings/alerts', {
      intervalMinutes: '0',
      emailTo: 'office@district.org',
      emailFrom: 'pswb@district.org',
      smtpUrl: smtpUrl(),
    });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('Failure alerts not saved.');
    expect(bad.html).toContain('from 1 to 1440');
    expect(bad.html).toContain('value="office@district.org"');
    expect(bad.html).not.toContain(SMTP_PASSWORD);
    const insecure = await client.post('/admin/settings/alerts', {
      intervalMinutes: '5',
      webhookUrl: 'http://hooks.district.org/pswb',
      webhookSecret: WEBHOOK_SECRET,
    });
    expect(insecure.status).toBe(422);
    expect(insecure.html).toContain('http:// only for localhost or 127.0.0.1');
    expect(service.connector()!.settings.get().alerts).toBeUndefined();
  });

  it('saves the alerts, audits them redacted, and never sends a secret back (page, API)', async () => {
    const client = await signedIn(users.district);
    const saved = await client.post('/admin/settings/alerts', {
      intervalMinutes: '5',
      emailTo: 'office@district.org, it@district.org',
      emailFrom: 'pswb@district.org',
      smtpUrl: smtpUrl(),
      webhookUrl: hookUrl,
      webhookSecret: WEBHOOK_SECRET,
      pageUrl: 'https://pswb.district.org/',
    });
    expect(saved.status).toBe(200);
    expect(saved.html).toContain('Failure alerts saved.');
    expect(saved.html).toContain(`Saved: smtp://127.0.0.1:${smtpPort}`);
    const alerts = service.connector()!.settings.get().alerts!;
    expect(alerts.intervalMinutes).toBe(5);
    expect(alerts.webhook?.secret).toBe(WEBHOOK_SECRET);
    expect(alerts.pageUrl).toBe('https://pswb.district.org');

    // An empty SMTP URL and secret keep the saved ones.
    const again = await client.post('/admin/settings/alerts', {
      intervalMinutes: '5',
      emailTo: 'office@district.org, it@district.org',
      emailFrom: 'pswb@district.org',
      webhookUrl: hookUrl,
      pageUrl: 'https://pswb.district.org',
    });
    expect(again.status).toBe(200);
    expect(service.connector()!.settings.get().alerts).toEqual(alerts);

    const entry = service.store.audit.list({ limit: 1 })[0]!;
    expect(entry).toMatchObject({ actor: `user:${users.district}`, action: 'settings.alerts' });
    const audited = JSON.stringify(entry);
    expect(audited).toContain(hookUrl);
    for (const text of [audited, saved.html, again.html, (await client.get('/admin/audit')).html]) {
      expect(text).not.toContain(SMTP_PASSWORD);
      expect(text).not.toContain(encodeURIComponent(SMTP_PASSWORD));
      expect(text).not.toContain(WEBHOOK_SECRET);
    }
    const api = await fetch(`${service.url}/api/v1/settings`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    const body = await api.text();
    expect(JSON.parse(body).alerts).toEqual({
      intervalMinutes: 5,
      email: {
        to: ['office@district.org', 'it@district.org'],
        from: 'pswb@district.org',
        smtpHost: `smtp://127.0.0.1:${smtpPort}`,
      },
      webhook: { url: hookUrl },
      pageUrl: 'https://pswb.district.org',
    });
    expect(body).not.toContain(SMTP_PASSWORD);
    expect(body).not.toContain(WEBHOOK_SECRET);
  });

  it('"Send a test alert" sends a digest with one sample failure now and shows the result', async () => {
    const client = await signedIn(users.district);
    const before = mails.length;
    const hooksBefore = hooks.length;
    const result = await client.post('/admin/settings/alerts/test', {});
    expect(result.status).toBe(200);
    expect(result.html).toContain('Test alert sent');
    expect(mails.length).toBe(before + 1);
    expect(mails.at(-1)!.subject).toMatch(/^pswb: test alert/);
    expect(hooks.length).toBe(hooksBefore + 1);
    const sent = hooks.at(-1)!;
    expect(verify(sent.body, sent.headers['x-pswb-signature'] as string)).toBe(true);
    expect(JSON.parse(sent.body)).toMatchObject({ test: true, failures: [{ id: 'test-alert' }] });
    mails.length = 0;
    hooks.length = 0;
  });
});

describe('digests', () => {
  it('sends exactly one digest for several failures within an interval, each explained and linked', async () => {
    expect(timers.jobs.size).toBe(0);
    failed = await postFailures(3);
    // The first failure started the interval (5 minutes); nothing is sent before it ends.
    expect([...timers.jobs.values()].map((job) => job.ms)).toEqual([5 * 60_000]);
    expect(mails).toHaveLength(0);
    expect(hooks).toHaveLength(0);
    expect(service.alerts.pending()).toEqual({ email: 3, webhook: 3 });

    await endInterval();
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.subject).toBe(`pswb: 3 writebacks failed in ${new URL(sim.url).host}`);
    expect(mail.from).toBe('pswb@district.org');
    expect(mail.to).toEqual(['office@district.org', 'it@district.org']);
    for (const id of failed) {
      // The explanation is the log's own.
      const record = service.connector()!.record(DISTRICT_ADMIN, id)!;
      expect(record.status).toBe('failed');
      expect(mail.body).toContain(`https://pswb.district.org/admin/logs?event=${id}`);
      expect(mail.body).toContain(record.error!.meaning);
      expect(mail.body).toContain(record.error!.resolution[0]!);
      expect(mail.body).toContain(record.studentName);
    }
    expect(mail.raw).toContain('Content-Type: text/html');

    expect(hooks).toHaveLength(1);
    const sent = hooks[0]!;
    expect(sent.headers['content-type']).toBe('application/json');
    expect(verify(sent.body, sent.headers['x-pswb-signature'] as string)).toBe(true);
    expect(verify(`${sent.body} `, sent.headers['x-pswb-signature'] as string)).toBe(false);
    const json = JSON.parse(sent.body) as {
      district: string;
      failures: { id: string; meaning: string; resolution: string[]; link: string }[];
      sentAt: string;
    };
    expect(json.district).toBe(sim.url);
    expect(Number(sent.headers['x-pswb-timestamp'])).toBe(
      Math.floor(Date.parse(json.sentAt) / 1000),
    );
    expect(json.failures.map((failure) => failure.id).sort()).toEqual([...failed].sort());
    for (const failure of json.failures) {
      expect(failure.meaning).not.toBe('');
      expect(failure.resolution.length).toBeGreaterThan(0);
      expect(failure.link).toBe(`https://pswb.district.org/admin/logs?event=${failure.id}`);
    }
    expect(service.alerts.pending()).toEqual({ email: 0, webhook: 0 });
    expect(timers.jobs.size).toBe(0);
  });

  it('sends the next digest only when the next interval ends', async () => {
    const [id] = await postFailures(1, [101]);
    expect(mails).toHaveLength(1);
    expect(timers.jobs.size).toBe(1);
    await postFailures(1, [102]);
    expect(timers.jobs.size).toBe(1); // the same interval: no second timer
    expect(mails).toHaveLength(1);
    await endInterval();
    expect(mails).toHaveLength(2);
    expect(mails[1]!.subject).toMatch(/^pswb: 2 writebacks failed in /);
    expect(mails[1]!.body).toContain(`event=${id}`);
    expect(hooks).toHaveLength(2);
  });

  it('keeps the failures of a webhook that fails for its next digest, and logs no secret', async () => {
    hookStatus = 500;
    const ids = await postFailures(2);
    await endInterval();
    expect(mails).toHaveLength(3); // email went out
    expect(hooks).toHaveLength(3); // the webhook was tried and answered 500
    expect(service.alerts.pending()).toEqual({ email: 0, webhook: 2 });
    const warning = logs.find((line) => line.msg === 'alert not sent');
    expect(warning).toMatchObject({ level: 'warn', channel: 'webhook' });
    expect(String(warning!.error)).toContain('HTTP 500');
    // The next interval started for the kept failures; the webhook works again.
    expect(timers.jobs.size).toBe(1);
    hookStatus = 200;
    const [later] = await postFailures(1, [101]);
    await endInterval();
    expect(hooks).toHaveLength(4);
    const json = JSON.parse(hooks[3]!.body) as { failures: { id: string }[] };
    expect(json.failures.map((failure) => failure.id)).toEqual([...ids, later]);
    expect(verify(hooks[3]!.body, hooks[3]!.headers['x-pswb-signature'] as string)).toBe(true);
    expect(mails).toHaveLength(4);
    expect(mails[3]!.subject).toMatch(/^pswb: 1 writeback failed in /);
    expect(service.alerts.pending()).toEqual({ email: 0, webhook: 0 });
  });

  it('never writes a secret in a log line', () => {
    const text = JSON.stringify(logs);
    expect(logs.some((line) => line.msg === 'alert sent')).toBe(true);
    expect(text).not.toContain(SMTP_PASSWORD);
    expect(text).not.toContain(encodeURIComponent(SMTP_PASSWORD));
    expect(text).not.toContain(WEBHOOK_SECRET);
  });
});

describe('the link: the Writeback Logs with ?event=', () => {
  it('shows only that event, its chevron open; another building’s event answers 404', async () => {
    const district = await signedIn(users.district);
    const id = failed[0]!;
    const page = await district.get(`/admin/logs?event=${id}`);
    expect(page.status).toBe(200);
    expect(page.html.match(/<tr data-id=/g)).toHaveLength(1);
    expect(page.html).toMatch(
      new RegExp(`<details class="why" data-id="${id}" open>\\s*<summary>`),
    );
    expect(page.html).toContain('Showing one event');
    const rows = await district.get(`/admin/logs/rows?event=${id}`);
    expect(rows.html).toMatch(/<details[^>]+open/);
    expect((await district.get('/admin/logs?event=no-such-event')).status).toBe(404);

    // The building admin has only school 101.
    const rowOf = (event: string) => service.store.get(event)!;
    const at101 = failed.find((event) => rowOf(event).school_number === 101)!;
    const [at102] = await postFailures(1, [102]);
    expect(rowOf(at102!).school_number).toBe(102);
    const building = await signedIn(users.building);
    expect((await building.get(`/admin/logs?event=${at101}`)).status).toBe(200);
    const other = await building.get(`/admin/logs?event=${at102}`);
    expect(other.status).toBe(404);
    expect(other.html).not.toContain(rowOf(at102!).student_name);
    expect((await building.get(`/admin/logs/rows?event=${at102}`)).status).toBe(404);
  });
});

describe('the buffer', () => {
  it('keeps at most MAX_PENDING failures, dropping the oldest and counting them', async () => {
    const alerts: AlertSettings = {
      intervalMinutes: 1,
      email: { to: ['office@district.org'], from: 'pswb@district.org', smtpUrl: smtpUrl() },
    };
    const manual = new ManualTimers();
    const notifier = new AlertNotifier({
      settings: () => ({
        version: 1,
        preventSchoolOverrides: false,
        schools: {},
        reasons: {},
        alerts,
      }),
      row: (): EventRow | undefined => undefined,
      serviceUrl: () => 'http://127.0.0.1:8080',
      timers: manual,
    });
    const at = new Date().toISOString();
    for (let i = 0; i < MAX_PENDING + 3; i += 1) {
      notifier.notify({
        id: `bulk-${i}`,
        schoolNumber: 101,
        state: 'failed',
        errorCode: 'student_not_found',
        acceptedAt: at,
        finishedAt: at,
      });
    }
    notifier.notify({
      id: 'ok',
      schoolNumber: 101,
      state: 'successful',
      acceptedAt: at,
      finishedAt: at,
    });
    expect(notifier.pending()).toEqual({ email: MAX_PENDING, webhook: 0 });
    expect([...manual.jobs.values()].map((job) => job.ms)).toEqual([60_000]);
    const before = mails.length;
    manual.fire();
    await notifier.settled();
    expect(mails.length).toBe(before + 1);
    const mail = mails.at(-1)!;
    expect(mail.subject).toMatch(/^pswb: 503 writebacks failed in /);
    expect(mail.body).toContain('3 earlier failures are not listed');
    expect(mail.body).not.toMatch(/event=bulk-2["\r\n]/);
    expect(mail.body).toContain('event=bulk-3');
  });
});

describe('failed sends', () => {
  const settingsWith = (alerts: AlertSettings) => () => ({
    version: 1 as const,
    preventSchoolOverrides: false,
    schools: {},
    reasons: {},
    alerts,
  });

  it('a refused SMTP sign-in is reported and logged without the password', async () => {
    const wrong = 'wrong:pa55@word-123';
    const lines: LogLine[] = [];
    const notifier = new AlertNotifier({
      settings: settingsWith({
        intervalMinutes: 1,
        email: {
          to: ['office@district.org'],
          from: 'pswb@district.org',
          smtpUrl: `smtp://${SMTP_USER}:${encodeURIComponent(wrong)}@127.0.0.1:${smtpPort}`,
        },
      }),
      row: () => undefined,
      serviceUrl: () => 'http://127.0.0.1:8080',
      log: (line) => lines.push(line),
      timers: new ManualTimers(),
    });
    const [result] = await notifier.sendTest();
    expect(result).toMatchObject({ channel: 'email', ok: false });
    expect(lines).toEqual([expect.objectContaining({ msg: 'alert not sent', channel: 'email' })]);
    const text = JSON.stringify([result, lines]);
    expect(text).not.toContain(wrong);
    expect(text).not.toContain(encodeURIComponent(wrong));
  });

  it('a webhook that does not answer in time fails the send (timeout injected)', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    try {
      const notifier = new AlertNotifier({
        settings: settingsWith({
          intervalMinutes: 1,
          webhook: {
            url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`,
            secret: WEBHOOK_SECRET,
          },
        }),
        row: () => undefined,
        serviceUrl: () => 'http://127.0.0.1:8080',
        timers: new ManualTimers(),
        timeoutMs: 100,
      });
      const started = performance.now();
      const [result] = await notifier.sendTest();
      expect(result).toMatchObject({ channel: 'webhook', ok: false });
      expect(performance.now() - started).toBeLessThan(2000);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe('stopping', () => {
  it('sends the failures still waiting when the service stops', async () => {
    const [id] = await postFailures(1, [101]);
    expect(timers.jobs.size).toBe(1);
    const before = mails.length;
    await service.stop();
    expect(mails.length).toBe(before + 1);
    expect(mails.at(-1)!.body).toContain(`event=${id}`);
  });
});
