/**
 * `pswb serve --database` (service/pg-service.ts) against a real PostgreSQL server and a
 * simulator per district: an API key acts for its own district only (another district's event
 * id is 404 on every route, its events are not listed, the same id is another event there); a
 * correction, a cancellation and a read-back reach the district's own PowerSchool, its versions
 * and its audit log. What every engine answers alike is test/service/engines.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgApiKeys } from '../../connector/store/pg/index.ts';
import { startPgService, type RunningPgService } from '../../service/pg-service.ts';
import { instantRetry } from '../connector/support/mock-powerschool.ts';
import { startPgDistricts, type PgDistrictsFixture } from './pg-districts-support.ts';
import { studentDayEvents } from './support.ts';

let fixture: PgDistrictsFixture;
let service: RunningPgService;
const keys: Record<string, string> = {};

beforeAll(async () => {
  fixture = await startPgDistricts('pg_service');
  Object.assign(keys, fixture.keys);
  keys.alpha101 = (
    await new PgApiKeys(fixture.pool).create({
      district: 'alpha',
      name: 'Front desk 101',
      schools: [101],
    })
  ).key;
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

async function call(
  key: string | undefined,
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<{ status: number; body: Record<string, unknown>; text: string }> {
  const response = await fetch(`${service.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {}, text };
}

function eventsOf(district: string, count: number, prefix: string, schools = [101]) {
  return studentDayEvents(fixture.sims.get(district)!, count, prefix, schools);
}

async function untilStatus(key: string, id: string, status: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { body } = await call(key, `/api/v1/events/${id}`);
    if (body.status === status) return;
    if (Date.now() > deadline) throw new Error(`${id} is ${String(body.status)}, not ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('pswb serve on PostgreSQL', () => {
  it("another district's ids answer 404 on every route; its events are never listed", async () => {
    const { events } = eventsOf('alpha', 1, 'secret');
    expect(
      (await call(keys.alpha, '/api/v1/events', { method: 'POST', body: events[0] })).status,
    ).toBe(202);
    const name = events[0]!.student.name;
    const id = events[0]!.id;
    const tries = [
      ['GET', `/api/v1/events/${id}`],
      ['POST', `/api/v1/events/${id}/resend`],
      ['POST', `/api/v1/events/${id}/correct`],
      ['POST', `/api/v1/events/${id}/cancel`],
    ] as const;
    for (const [method, path] of tries) {
      const answer = await call(keys.beta, path, {
        method,
        ...(method === 'POST' ? { body: { reason: 'T' } } : {}),
      });
      expect(answer.status).toBe(404);
      expect(answer.text).not.toContain(name);
    }
    expect((await call(keys.beta, `/api/v1/events/${id}`)).status).toBe(404);
    expect((await call(keys.beta, `/api/v1/events/${id}/resend`, { method: 'POST' })).status).toBe(
      404,
    );
    const listed = await call(keys.beta, '/api/v1/events?limit=500');
    expect(listed.text).not.toContain(name);
    expect((listed.body.events as { id: string }[]).map((event) => event.id)).not.toContain(id);
    const search = await call(keys.beta, `/api/v1/events?search=${encodeURIComponent(name)}`);
    expect(search.body.total).toBe(0);

    // The same id in beta is beta's own event.
    const { events: betaEvents } = eventsOf('beta', 1, 'secret');
    const own = await call(keys.beta, '/api/v1/events', { method: 'POST', body: betaEvents[0] });
    expect(own.status).toBe(202);
    await untilStatus(keys.beta!, id, 'successful');
    expect((await call(keys.alpha, `/api/v1/events/${id}`)).body.student).toMatchObject({
      name,
    });
  });

  it("re-sends a failed event; shows the district's own schools and settings, secrets redacted", async () => {
    const { events } = eventsOf('alpha', 1, 'unmapped');
    const event = { ...events[0]!, reason: 'NOT-MAPPED' };
    expect((await call(keys.alpha, '/api/v1/events', { method: 'POST', body: event })).status).toBe(
      202,
    );
    await untilStatus(keys.alpha!, event.id, 'failed');
    const resent = await call(keys.alpha, `/api/v1/events/${event.id}/resend`, { method: 'POST' });
    expect(resent.status).toBe(202);
    expect(resent.body).toMatchObject({ id: event.id, status: 'pending' });
    await untilStatus(keys.alpha!, event.id, 'failed');

    const schools = await call(keys.alpha101, '/api/v1/schools');
    expect(schools.status).toBe(200);
    expect((schools.body.schools as { schoolNumber: number }[]).map((s) => s.schoolNumber)).toEqual(
      [101],
    );
    const settings = await call(keys.beta, '/api/v1/settings');
    expect(settings.status).toBe(200);
    expect(settings.text).toContain(fixture.sims.get('beta')!.url);
    expect(settings.text).not.toContain(fixture.sims.get('alpha')!.url);
    expect(settings.text).not.toContain('pswb:enc:');
    expect(settings.text).not.toContain(fixture.sims.get('beta')!.plugin!.clientSecret);
  });

  it("corrects and cancels a district's event: what it wrote is removed from its PowerSchool, the version kept, audited", async () => {
    // Student-days no other test here writes (each takes the first ones of building 101).
    const all = eventsOf('alpha', 30, 'fix');
    const [first, second, third] = all.events.slice(27);
    const days = all.keys.slice(27);
    expect(
      (await call(keys.alpha, '/api/v1/events', { method: 'POST', body: [first, second] })).status,
    ).toBe(202);
    await untilStatus(keys.alpha!, first!.id, 'successful');
    await untilStatus(keys.alpha!, second!.id, 'successful');
    const alpha = fixture.sims.get('alpha')!.district;
    const held = (n: number) => alpha.attendanceOn(days[n]!.studentId, days[n]!.date);
    expect([held(0).length, held(1).length, held(2).length]).toEqual([1, 1, 0]);

    // Beta's key cannot reach it; alpha's building key for 101 can, alpha's key too.
    const foreign = await call(keys.beta, `/api/v1/events/${first!.id}/correct`, {
      method: 'POST',
      body: { occurredAt: third!.occurredAt },
    });
    expect(foreign.status).toBe(404);
    expect(held(0)).toHaveLength(1);

    const corrected = await call(keys.alpha, `/api/v1/events/${first!.id}/correct`, {
      method: 'POST',
      body: { occurredAt: third!.occurredAt },
    });
    expect(corrected.status).toBe(202);
    expect(corrected.body).toMatchObject({ event: { status: 'pending' }, removed: [{}] });
    await untilStatus(keys.alpha!, first!.id, 'successful');
    // The wrong day's record is gone from alpha's PowerSchool; the right day's is written.
    expect([held(0).length, held(2).length]).toEqual([0, 1]);
    const { rows: versions } = await fixture.pool.query(
      `SELECT version, state, change, changed_by FROM pswb_event_versions
       WHERE district = 'alpha' AND event_id = $1`,
      [first!.id],
    );
    expect(versions).toEqual([
      {
        version: 1,
        state: 'successful',
        change: 'corrected',
        changed_by: 'API key ' + keys.alpha!.split('_')[1] + ' (alpha visitor management)',
      },
    ]);

    const cancelled = await call(keys.alpha, `/api/v1/events/${second!.id}/cancel`, {
      method: 'POST',
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      event: { status: 'not_attempted', error: { code: 'cancelled' } },
      removed: [{}],
    });
    expect(held(1)).toEqual([]);
    const { rows: audited } = await fixture.pool.query(
      `SELECT district, action FROM pswb_audit WHERE target IN ($1, $2) ORDER BY id`,
      [`event ${first!.id}`, `event ${second!.id}`],
    );
    expect(audited).toEqual([
      { district: 'alpha', action: 'event.correct' },
      { district: 'alpha', action: 'event.cancel' },
    ]);
  });

  it('refuses no key and a bad key; answers health', async () => {
    expect((await call(undefined, '/api/v1/events')).status).toBe(401);
    expect((await call('pswb_000000000000_' + 'x'.repeat(43), '/api/v1/events')).status).toBe(401);
    const health = await call(undefined, '/healthz');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ db: true, workers: { configured: 1, alive: 1 } });
  });

  it("reads back a district's writes from its own PowerSchool and re-sends one that went missing", async () => {
    // A student-day no other test here writes.
    const all = eventsOf('alpha', 34, 'rb');
    const event = all.events[33]!;
    const day = all.keys[33]!;
    expect((await call(keys.alpha, '/api/v1/events', { method: 'POST', body: event })).status).toBe(
      202,
    );
    await untilStatus(keys.alpha!, event.id, 'successful');
    const range = `from=${day.date}&to=${day.date}`;
    const present = await call(keys.alpha, `/api/v1/reconciliation?${range}`);
    expect(present.status).toBe(200);
    expect(present.body).toMatchObject({ present: 1, missing: [], changed: [] });
    // Beta's read-back of the same day is beta's: alpha's event is not among its checks.
    expect((await call(keys.beta, `/api/v1/reconciliation?${range}`)).body).toMatchObject({
      checked: 0,
    });
    // Someone removes it in alpha's PowerSchool: the read-back says so; a re-send writes it again.
    const alpha = fixture.sims.get('alpha')!.district;
    const [record] = alpha.attendanceOn(day.studentId, day.date);
    expect(alpha.removeAttendance(record!.id)).toBe(true);
    const missing = await call(keys.alpha, `/api/v1/reconciliation?${range}`);
    expect(missing.body).toMatchObject({ missing: [{ id: event.id }] });
    const foreign = await call(keys.beta, '/api/v1/reconciliation/resend', {
      method: 'POST',
      body: { ids: [event.id] },
    });
    expect(foreign.status).toBe(404);
    const resent = await call(keys.alpha, '/api/v1/reconciliation/resend', {
      method: 'POST',
      body: { ids: [event.id] },
    });
    expect(resent.status).toBe(202);
    expect(resent.body).toEqual({ resent: [event.id] });
    const deadline = Date.now() + 20_000;
    while (alpha.attendanceOn(day.studentId, day.date).length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(alpha.attendanceOn(day.studentId, day.date)).toHaveLength(1);
  });
});
