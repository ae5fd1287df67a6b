/**
 * The ingest API over HTTP on a free port, against the simulator: idempotency, each problem
 * status, a batch with one bad item, revocation at once, building-scoped keys, paging, resend,
 * health, and the OpenAPI document listing every route.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace } from '../../connector/index.ts';
import { DEMO_REASONS, connectDemoDistrict } from '../../repro/demo-connection.ts';
import { demoEvents } from '../../scripts/commands/demo.ts';
import { startService, type RunningService } from '../../service/service.ts';
import type { RunningSimulator } from '../../simulator/server.ts';
import { DEMO_FACTS, newYorkTime, startDemoSimulator } from '../connector/support/simulator.ts';
import { createKey, revokeKey } from './keys-support.ts';
import { studentDayEvents } from './support.ts';

let sim: RunningSimulator;
let dataDir: string;
let service: RunningService;
let districtKey: string;
let buildingKey: string;
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  sim = await startDemoSimulator();
  dataDir = await mkdtemp(join(tmpdir(), 'pswb-service-'));
  const workspace = await openWorkspace({ dataDir });
  await connectDemoDistrict(sim, {
    settings: workspace.settings,
    reasons: DEMO_REASONS,
    open: () => workspace.connector(),
  });
  workspace.close();
  districtKey = await createKey(dataDir, { name: 'district' });
  buildingKey = await createKey(dataDir, { name: 'front desk 101', schools: [101] });
  service = await startService({
    dataDir,
    port: 0,
    pollMs: 60_000,
    log: (line) => logLines.push(line),
  });
});
afterAll(async () => {
  await service?.stop();
  await sim?.close();
  await rm(dataDir, { recursive: true, force: true });
});

function call(
  path: string,
  options: {
    method?: string;
    key?: string | null;
    body?: unknown;
    headers?: Record<string, string>;
  } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  const key = options.key === undefined ? districtKey : options.key;
  if (key) headers.authorization = `Bearer ${key}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  return fetch(`${service.url}${path}`, { method: options.method ?? 'GET', headers, body });
}

/** Polls the event until it reaches a final state. */
async function finalState(id: string, key = districtKey): Promise<Record<string, unknown>> {
  for (;;) {
    const event = (await (await call(`/api/v1/events/${id}`, { key })).json()) as Record<
      string,
      unknown
    >;
    if (event.status !== 'pending' && event.status !== 'sending') return event;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function expectProblem(response: Response, status: number): Promise<Record<string, unknown>> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = (await response.json()) as Record<string, unknown>;
  expect(problem).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
  expect(JSON.stringify(problem)).not.toContain(districtKey);
  return problem;
}

describe('POST /api/v1/events', () => {
  it('accepts an event (202 with its URL), the worker writes it, and the same event again is 200', async () => {
    const [event] = studentDayEvents(sim, 1, 'one').events;
    const first = await call('/api/v1/events', { method: 'POST', body: event });
    expect(first.status).toBe(202);
    const accepted = (await first.json()) as {
      accepted: number;
      events: { id: string; created: boolean; links: { self: string } }[];
    };
    expect(accepted).toMatchObject({ accepted: 1, events: [{ id: 'one-0', created: true }] });
    expect(first.headers.get('location')).toBe(accepted.events[0]!.links.self);
    expect(await finalState('one-0')).toMatchObject({ status: 'successful', error: null });
    const again = await call('/api/v1/events', { method: 'POST', body: event });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({
      accepted: 0,
      events: [{ id: 'one-0', created: false, status: 'successful' }],
    });
  });

  it('refuses the same id with other contents: 409 naming the fields that differ', async () => {
    const [event] = studentDayEvents(sim, 1, 'conflict').events;
    expect((await call('/api/v1/events', { method: 'POST', body: event })).status).toBe(202);
    const changed = {
      ...event,
      reason: 'TE',
      occurredAt: event!.occurredAt.replace('09:00', '09:05'),
    };
    const problem = await expectProblem(
      await call('/api/v1/events', { method: 'POST', body: changed }),
      409,
    );
    expect(problem.detail).toMatch(/reason/);
    expect(problem.detail).toMatch(/occurredAt/);
  });

  it('accepts a batch all or none: one bad item is a 422 naming it, and nothing is stored', async () => {
    const { events } = studentDayEvents(sim, 5, 'batch');
    const bad = [
      ...events.slice(0, 2),
      { ...events[2], occurredAt: 'yesterday' },
      ...events.slice(3),
    ];
    const problem = await expectProblem(
      await call('/api/v1/events', { method: 'POST', body: bad }),
      422,
    );
    expect(problem.detail).toMatch(/^1 of 5 events are not valid, so none was accepted\./);
    expect(problem.errors).toEqual([
      {
        message: expect.stringMatching(
          /^#3: Event "batch-2" is not valid: occurredAt must be ISO-8601/,
        ),
      },
    ]);
    for (const event of events) {
      expect((await call(`/api/v1/events/${event.id}`)).status).toBe(404);
    }
    const good = await call('/api/v1/events', { method: 'POST', body: events });
    expect(good.status).toBe(202);
    expect(((await good.json()) as { accepted: number }).accepted).toBe(5);
  });

  it.each([
    ['an empty array', [], /1 to 500 events/],
    ['a number', 7, /one event \(a JSON object\) or an array/],
    [
      '501 events',
      Array.from({ length: 501 }, (_, n) => ({ id: `x-${n}` })),
      /1 to 500 events; this one holds 501/,
    ],
  ])('refuses %s with 422', async (_, body, detail) => {
    const problem = await expectProblem(
      await call('/api/v1/events', { method: 'POST', body }),
      422,
    );
    expect(problem.detail).toMatch(detail);
  });

  it('answers malformed JSON with 400, another content type with 415, a huge body with 413', async () => {
    await expectProblem(await call('/api/v1/events', { method: 'POST', body: '{"id": ' }), 400);
    await expectProblem(
      await call('/api/v1/events', {
        method: 'POST',
        body: 'id=1',
        headers: { 'content-type': 'text/plain' },
      }),
      415,
    );
    const huge = JSON.stringify({ id: 'big', comment: 'x'.repeat(3 * 1024 * 1024) });
    await expectProblem(await call('/api/v1/events', { method: 'POST', body: huge }), 413);
  });
});

describe('API keys', () => {
  it('answers no key, a made-up key and a revoked key with 401 and WWW-Authenticate', async () => {
    const none = await call('/api/v1/events', { key: null });
    await expectProblem(none, 401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    await expectProblem(await call('/api/v1/events', { key: 'pswb_nope_nope' }), 401);
    const doomed = await createKey(dataDir, { name: 'doomed' });
    expect((await call('/api/v1/events', { key: doomed })).status).toBe(200);
    await revokeKey(dataDir, doomed);
    await expectProblem(await call('/api/v1/events', { key: doomed }), 401);
  });

  it("scopes a building key: another building's event is 404 (ids do not leak), and it may not post one", async () => {
    const [at101] = studentDayEvents(sim, 1, 'scope101', [101]).events;
    const [at102] = studentDayEvents(sim, 1, 'scope102', [102]).events;
    expect((await call('/api/v1/events', { method: 'POST', body: [at101, at102] })).status).toBe(
      202,
    );
    expect((await call(`/api/v1/events/${at101!.id}`, { key: buildingKey })).status).toBe(200);
    await expectProblem(await call(`/api/v1/events/${at102!.id}`, { key: buildingKey }), 404);
    const listed = (await (
      await call('/api/v1/events?limit=500', { key: buildingKey })
    ).json()) as {
      events: { student: { schoolNumber: number } }[];
    };
    expect(listed.events.length).toBeGreaterThan(0);
    expect(listed.events.every((event) => event.student.schoolNumber === 101)).toBe(true);
    const foreign = { ...at102!, id: 'scope-foreign' };
    await expectProblem(
      await call('/api/v1/events', { method: 'POST', key: buildingKey, body: foreign }),
      403,
    );
    expect((await call('/api/v1/events/scope-foreign')).status).toBe(404);
  });
});

describe('rate limit', () => {
  it('answers past the burst with 429 and Retry-After, per key', async () => {
    const limited = await startService({
      dataDir,
      port: 0,
      workers: 0,
      rate: { perSecond: 1, burst: 2 },
    });
    try {
      const get = (key: string) =>
        fetch(`${limited.url}/api/v1/settings`, { headers: { authorization: `Bearer ${key}` } });
      const statuses = [];
      for (let n = 0; n < 4; n += 1) statuses.push((await get(districtKey)).status);
      expect(statuses.slice(0, 2)).toEqual([200, 200]);
      expect(statuses.slice(2)).toContain(429);
      const refused = await get(districtKey);
      await expectProblem(refused, 429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await get(buildingKey)).status).toBe(200); // another key has its own budget
    } finally {
      await limited.stop();
    }
  });
});

describe('reading the log', () => {
  it('pages with a cursor until the last page, every event once', async () => {
    const { events } = studentDayEvents(sim, 25, 'page');
    expect((await call('/api/v1/events', { method: 'POST', body: events })).status).toBe(202);
    const seen: string[] = [];
    let path: string | null = '/api/v1/events?search=&limit=7';
    for (let pages = 0; path && pages < 100; pages += 1) {
      const page = (await (await call(path)).json()) as {
        events: { id: string }[];
        next: string | null;
      };
      seen.push(...page.events.map((event) => event.id));
      path = page.next ? `/api/v1/events?limit=7&cursor=${page.next}` : null;
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const event of events) expect(seen).toContain(event.id);
  });

  it('refuses a bad filter with 422 saying what is valid', async () => {
    const status = await expectProblem(await call('/api/v1/events?status=lost'), 422);
    expect(JSON.stringify(status)).toMatch(/successful/);
    await expectProblem(await call('/api/v1/events?from=14/10/2026'), 422);
    await expectProblem(await call('/api/v1/events?cursor=garbage'), 422);
  });

  it('lists the schools and the settings, never the secret', async () => {
    const schools = (await (await call('/api/v1/schools', { key: buildingKey })).json()) as {
      schools: { schoolNumber: number; attendanceMode: string }[];
    };
    expect(schools.schools).toEqual([
      expect.objectContaining({ schoolNumber: 101, attendanceMode: 'daily' }),
    ]);
    const settings = await (await call('/api/v1/settings')).text();
    expect(JSON.parse(settings)).toMatchObject({ powerSchoolUrl: sim.url, clientSecretSet: true });
    expect(settings).not.toContain(sim.plugin!.clientSecret);
  });
});

describe('resend', () => {
  it('puts a failed event back and answers 202; a successful one is 409', async () => {
    const failing = demoEvents().find((event) => event.id === 'demo-not-enrolled')!;
    expect((await call('/api/v1/events', { method: 'POST', body: failing })).status).toBe(202);
    const failed = await finalState('demo-not-enrolled');
    expect(failed).toMatchObject({ status: 'failed', error: { meaning: expect.any(String) } });
    const resent = await call('/api/v1/events/demo-not-enrolled/resend', { method: 'POST' });
    expect(resent.status).toBe(202);
    expect(await finalState('demo-not-enrolled')).toMatchObject({ status: 'failed', runs: 2 });
    await expectProblem(await call('/api/v1/events/one-0/resend', { method: 'POST' }), 409);
    await expectProblem(await call('/api/v1/events/nobody/resend', { method: 'POST' }), 404);
  });
});

describe('POST /api/v1/events/{id}/correct and /cancel', () => {
  it('corrects an event (the wrong period removed, the right one written), then cancels it; scoped by building, audited', async () => {
    const { students, dates, meetingBell } = DEMO_FACTS;
    const sofia = students.meeting;
    const day = dates.inSessionBDay;
    const event = {
      id: 'api-fix',
      type: 'late_checkin',
      student: { dcid: sofia.dcid, name: 'Sofia Ramirez', schoolNumber: sofia.schoolNumber },
      occurredAt: newYorkTime(day, meetingBell.periods[2].start + 600),
      reason: 'T',
    };
    expect((await call('/api/v1/events', { method: 'POST', body: event })).status).toBe(202);
    expect(await finalState('api-fix')).toMatchObject({ status: 'successful' });
    const periods = () => sim.district.attendanceOn(sofia.id, day).map((row) => row.periodid);
    expect(periods()).toEqual([meetingBell.periods[2].periodId]);

    const hidden = await call('/api/v1/events/api-fix/correct', {
      method: 'POST',
      key: buildingKey,
      body: { reason: 'TE' },
    });
    await expectProblem(hidden, 404);
    await expectProblem(
      await call('/api/v1/events/api-fix/correct', {
        method: 'POST',
        body: { occurredAt: 'soon' },
      }),
      422,
    );
    const unknown = await expectProblem(
      await call('/api/v1/events/api-fix/correct', { method: 'POST', body: { colour: 'red' } }),
      422,
    );
    expect(JSON.stringify(unknown)).toContain('colour');
    const corrected = await call('/api/v1/events/api-fix/correct', {
      method: 'POST',
      body: { occurredAt: newYorkTime(day, meetingBell.periods[3].start + 600) },
    });
    expect(corrected.status).toBe(202);
    const body = (await corrected.json()) as {
      event: { status: string };
      removed: { what: string }[];
    };
    expect(body.removed).toHaveLength(1);
    expect(await finalState('api-fix')).toMatchObject({
      status: 'successful',
      records: [{ action: 'written', what: expect.stringMatching(/^Period 3: T$/) }],
    });
    expect(periods()).toEqual([meetingBell.periods[3].periodId]);

    const cancelled = await call('/api/v1/events/api-fix/cancel', { method: 'POST' });
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({
      event: { status: 'not_attempted', statusLabel: 'Cancelled', error: { code: 'cancelled' } },
    });
    expect(periods()).toEqual([]);
    const audited = service.store.audit
      .list({ limit: 50 })
      .filter((entry) => entry.target === 'event api-fix');
    expect(audited.map((entry) => entry.action).sort()).toEqual(['event.cancel', 'event.correct']);
    expect(audited[0]!.actor).toMatch(/^API key \S+ \(district\)$/);
  });
});

describe('health, the OpenAPI document and the reference page', () => {
  it('reports the database, the worker and the queue', async () => {
    const health = await call('/healthz', { key: null });
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      db: true,
      workers: { configured: 1, alive: 1 },
      queue: { pending: expect.any(Number) },
    });
    expect((await call('/readyz', { key: null })).status).toBe(200);
  });

  it('describes every API route in /api/openapi.json, and serves /api/docs without a CDN', async () => {
    const document = (await (await call('/api/openapi.json', { key: null })).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths).sort()).toEqual(
      [
        '/api/v1/events',
        '/api/v1/events/{id}',
        '/api/v1/events/{id}/resend',
        '/api/v1/events/{id}/correct',
        '/api/v1/events/{id}/cancel',
        '/api/v1/reconciliation',
        '/api/v1/reconciliation/resend',
        '/api/v1/schools',
        '/api/v1/settings',
        '/healthz',
      ].sort(),
    );
    expect(Object.keys(document.paths['/api/v1/events']!).sort()).toEqual(['get', 'post']);
    const page = await (await call('/api/docs', { key: null })).text();
    expect(page).toContain('/api/openapi.json');
    const assets = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(assets.length).toBeGreaterThan(1);
    for (const asset of assets) {
      expect(asset.startsWith('/')).toBe(true);
      expect((await call(asset, { key: null })).status).toBe(200);
    }
  });

  it('dry_run=true answers with the record each event would be posted as, and stores nothing', async () => {
    const [event] = studentDayEvents(sim, 1, 'dry', [101]).events;
    const response = await call('/api/v1/events?dry_run=true', { method: 'POST', body: [event] });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      dryRun: boolean;
      events: { id: string; outcome: string; record?: { endpoint: string } }[];
    };
    expect(body.dryRun).toBe(true);
    expect(body.events[0]).toMatchObject({
      id: 'dry-0',
      outcome: 'would_write',
      record: { endpoint: 'daily_time' },
    });
    await expectProblem(await call('/api/v1/events/dry-0'), 404);
    await expectProblem(
      await call('/api/v1/events?dry_run=maybe', { method: 'POST', body: [event] }),
      422,
    );
    // A building key previews its own buildings only, as it posts.
    const [other] = studentDayEvents(sim, 1, 'dry102', [102]).events;
    await expectProblem(
      await call('/api/v1/events?dry_run=true', { method: 'POST', key: buildingKey, body: other }),
      403,
    );
  });

  it('reads back what was written: the reconciliation report, and re-sending what went missing', async () => {
    const [event] = studentDayEvents(sim, 1, 'recon', [101]).events;
    expect((await call('/api/v1/events', { method: 'POST', body: event })).status).toBe(202);
    const written = (await finalState('recon-0')) as {
      localDate: string;
      student: { psId: number };
    };
    const day = written.localDate;
    const path = `/api/v1/reconciliation?from=${day}&to=${day}&school=101`;
    const clean = (await (await call(path)).json()) as { missing: unknown[]; checked: number };
    expect(clean.checked).toBeGreaterThan(0);
    expect(clean.missing).toEqual([]);
    const attendance = sim.district.table('attendance');
    for (const row of sim.district.attendanceOn(written.student.psId, day)) attendance.remove(row);
    const report = (await (await call(path)).json()) as { missing: { id: string }[] };
    expect(report.missing.map((item) => item.id)).toContain('recon-0');
    const resend = await call('/api/v1/reconciliation/resend', {
      method: 'POST',
      body: { ids: ['recon-0'] },
    });
    expect(resend.status).toBe(202);
    expect(await resend.json()).toEqual({ resent: ['recon-0'] });
    expect(await finalState('recon-0')).toMatchObject({ status: 'successful' });
    expect(sim.district.attendanceOn(written.student.psId, day)).toHaveLength(1);
    await expectProblem(await call('/api/v1/reconciliation?from=yesterday&to=2026-01-01'), 422);
    await expectProblem(
      await call('/api/v1/reconciliation/resend', {
        method: 'POST',
        key: buildingKey,
        body: { ids: ['recon-0', 'nope'] },
      }),
      404,
    );
  });

  it('answers 503 with Retry-After, not 500, while another process holds the log past its wait', async () => {
    // Another process (here a second connection) in the middle of a long write transaction.
    const other = new Database(join(dataDir, 'connector.db'));
    other.exec('BEGIN IMMEDIATE');
    try {
      const [event] = studentDayEvents(sim, 1, 'busy', [101]).events;
      const response = await call('/api/v1/events', { method: 'POST', body: event });
      expect(response.headers.get('retry-after')).toBe('1');
      const problem = await expectProblem(response, 503);
      expect(problem.type).toBe('/api/problems/store-busy');
      expect(String(problem.detail)).toContain('Try again');
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    // Nothing of the refused request was stored; the same event is accepted once the lock is gone.
    const [event] = studentDayEvents(sim, 1, 'busy', [101]).events;
    expect((await call('/api/v1/events', { method: 'POST', body: event })).status).toBe(202);
  }, 20_000);

  it('answers an unknown route with a 404 problem', async () => {
    await expectProblem(await call('/api/v1/nothing'), 404);
  });

  it('logs requests and outcomes as JSON objects without keys or student names', () => {
    expect(logLines.some((line) => line.msg === 'request' && line.status === 202)).toBe(true);
    expect(logLines.some((line) => line.msg === 'writeback' && line.outcome === 'successful')).toBe(
      true,
    );
    const text = JSON.stringify(logLines);
    expect(text).not.toContain(districtKey);
    expect(text).not.toContain('Noah Bennett');
  });
});
