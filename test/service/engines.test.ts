/**
 * One suite, both engines: the ingest API of `pswb serve` on a data directory (SQLite, the
 * embedded default) and of `pswb serve --database` (PostgreSQL), each against a demo simulator
 * of its own, must answer the same requests the same way: accepting (one, a batch, a repeat, a
 * conflict, an invalid item), building-scoped keys, the Writeback Logs' filters and pages, a
 * re-send, a dry run, a correction and a cancellation, and the read-back with its re-send of
 * what went missing. Each test takes student-days of its own (an offset into the simulator's).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace } from '../../connector/index.ts';
import { PgApiKeys } from '../../connector/store/pg/index.ts';
import { startPgService } from '../../service/pg-service.ts';
import { startService } from '../../service/service.ts';
import type { RunningSimulator } from '../../simulator/server.ts';
import { instantRetry } from '../connector/support/mock-powerschool.ts';
import { connectDemo, startDemoSimulator } from '../connector/support/simulator.ts';
import { createKey } from './keys-support.ts';
import { startPgDistricts } from './pg-districts-support.ts';
import { studentDayEvents } from './support.ts';

/** A running service of one engine, with a key for every building and one for building 101. */
interface Engine {
  url: string;
  key: string;
  buildingKey: string;
  sim: RunningSimulator;
  stop(): Promise<void>;
}

async function sqliteEngine(): Promise<Engine> {
  const sim = await startDemoSimulator({ psVersion: '25.2.0.0' });
  const dataDir = await mkdtemp(join(tmpdir(), 'pswb-engines-'));
  const workspace = await openWorkspace({ dataDir });
  (await connectDemo(sim, { settings: workspace.settings })).close();
  workspace.close();
  const key = await createKey(dataDir, { name: 'visitor management' });
  const buildingKey = await createKey(dataDir, { name: 'front desk 101', schools: [101] });
  const service = await startService({ dataDir, port: 0, pollMs: 200 });
  return {
    url: service.url,
    key,
    buildingKey,
    sim,
    async stop() {
      await service.stop();
      await sim.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function postgresEngine(): Promise<Engine> {
  const fixture = await startPgDistricts('engines', ['alpha']);
  const buildingKey = (
    await new PgApiKeys(fixture.pool).create({
      district: 'alpha',
      name: 'front desk 101',
      schools: [101],
    })
  ).key;
  const service = await startPgService({
    databaseUrl: fixture.url,
    keyring: fixture.keyring,
    port: 0,
    worker: { pollMs: 200, connector: { retry: instantRetry() } },
  });
  return {
    url: service.url,
    key: fixture.keys.alpha!,
    buildingKey,
    sim: fixture.sims.get('alpha')!,
    async stop() {
      await service.stop();
      await fixture.close();
    },
  };
}

describe.each([
  ['SQLite', sqliteEngine],
  ['PostgreSQL', postgresEngine],
] as const)('the API on %s', (_name, start) => {
  let engine: Engine;

  beforeAll(async () => {
    engine = await start();
  }, 60_000);

  afterAll(async () => {
    await engine?.stop();
  });

  async function call(
    path: string,
    init: { method?: string; body?: unknown; key?: string } = {},
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${engine.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${init.key ?? engine.key}`,
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : {} };
  }

  /** `count` events of student-days `offset` on at building 101 (or `school`). */
  function events(offset: number, count: number, prefix: string, school = 101) {
    const all = studentDayEvents(engine.sim, offset + count, prefix, [school]);
    return { events: all.events.slice(offset), days: all.keys.slice(offset) };
  }

  async function untilStatus(id: string, status: string): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const { body } = await call(`/api/v1/events/${id}`);
      if (body.status === status) return;
      if (Date.now() > deadline) throw new Error(`${id} is ${String(body.status)}, not ${status}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const held = (day: { studentId: number; date: string }) =>
    engine.sim.district.attendanceOn(day.studentId, day.date);

  it('accepts one event and a batch, writes each once; a repeat is 200, a conflict 409, an invalid item 422', async () => {
    const { events: batch, days } = events(0, 3, 'acc');
    const one = await call('/api/v1/events', { method: 'POST', body: batch[0] });
    expect(one.status).toBe(202);
    expect(one.body).toMatchObject({ accepted: 1, events: [{ id: 'acc-0', status: 'pending' }] });
    const many = await call('/api/v1/events', { method: 'POST', body: batch });
    expect(many.status).toBe(202);
    expect(many.body.accepted).toBe(2);
    for (const event of batch) await untilStatus(event.id, 'successful');
    expect(days.map((day) => held(day).length)).toEqual([1, 1, 1]);
    const again = await call('/api/v1/events', { method: 'POST', body: batch[0] });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ accepted: 0, events: [{ status: 'successful' }] });
    const conflict = await call('/api/v1/events', {
      method: 'POST',
      body: { ...batch[0], reason: 'ED' },
    });
    expect(conflict.status).toBe(409);
    const invalid = await call('/api/v1/events', {
      method: 'POST',
      body: [batch[1], { id: 'broken' }],
    });
    expect(invalid.status).toBe(422);
    expect(JSON.stringify(invalid.body)).toContain('#2');
  });

  it("a building key sends and sees its buildings only; another building's id is 404 on every route", async () => {
    const at102 = events(0, 1, 'b102', 102).events[0]!;
    expect((await call('/api/v1/events', { method: 'POST', body: at102 })).status).toBe(202);
    await untilStatus(at102.id, 'successful');
    const building = engine.buildingKey;
    expect((await call(`/api/v1/events/${at102.id}`, { key: building })).status).toBe(404);
    for (const route of ['resend', 'correct', 'cancel']) {
      const answer = await call(`/api/v1/events/${at102.id}/${route}`, {
        method: 'POST',
        key: building,
        ...(route === 'correct' ? { body: { reason: 'TE' } } : {}),
      });
      expect(answer.status).toBe(404);
    }
    const refused = await call('/api/v1/events', {
      method: 'POST',
      key: building,
      body: events(1, 1, 'b102x', 102).events[0],
    });
    expect(refused.status).toBe(403);
    const dryRefused = await call('/api/v1/events?dry_run=true', {
      method: 'POST',
      key: building,
      body: events(1, 1, 'b102y', 102).events[0],
    });
    expect(dryRefused.status).toBe(403);
    const listed = await call('/api/v1/events?limit=500', { key: building });
    const schools = (listed.body.events as { student: { schoolNumber: number } }[]).map(
      (event) => event.student.schoolNumber,
    );
    expect(schools.length).toBeGreaterThan(0);
    expect(new Set(schools)).toEqual(new Set([101]));
  });

  it('lists with filters and pages; re-sends a failed event, refuses to re-send a successful one', async () => {
    const failing = { ...events(3, 1, 'bad').events[0]!, reason: 'NOT-MAPPED' };
    expect((await call('/api/v1/events', { method: 'POST', body: failing })).status).toBe(202);
    await untilStatus(failing.id, 'failed');
    const failed = await call('/api/v1/events?status=failed');
    expect((failed.body.events as { id: string }[]).map((event) => event.id)).toEqual([failing.id]);
    const page = await call('/api/v1/events?status=successful&limit=2');
    expect((page.body.events as unknown[]).length).toBe(2);
    const next = await call(`/api/v1/events?status=successful&limit=2&cursor=${page.body.next}`);
    expect((next.body.events as { id: string }[])[0]!.id).not.toBe(
      (page.body.events as { id: string }[])[0]!.id,
    );
    const search = await call(
      `/api/v1/events?search=${encodeURIComponent(failing.student.name)}&status=failed`,
    );
    expect(search.body.total).toBe(1);
    const resent = await call(`/api/v1/events/${failing.id}/resend`, { method: 'POST' });
    expect(resent.status).toBe(202);
    expect(resent.body).toMatchObject({ id: failing.id, status: 'pending' });
    await untilStatus(failing.id, 'failed');
    expect((await call('/api/v1/events/acc-0/resend', { method: 'POST' })).status).toBe(409);
  });

  it('dry-runs events: the record it would post, or why it would fail; nothing stored', async () => {
    const [ok, other] = events(4, 2, 'dry').events;
    const dry = await call('/api/v1/events?dry_run=true', {
      method: 'POST',
      body: [ok, { ...other!, reason: 'NOT-MAPPED' }],
    });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({
      dryRun: true,
      events: [
        { id: ok!.id, outcome: 'would_write', studentPsId: expect.any(Number) },
        { id: other!.id, outcome: 'failed', error: { code: 'reason_not_mapped' } },
      ],
    });
    expect((await call(`/api/v1/events/${ok!.id}`)).status).toBe(404);
  });

  it('corrects an event (the wrong day removed, the right one written), then cancels another', async () => {
    const { events: fix, days } = events(6, 3, 'fix');
    expect((await call('/api/v1/events', { method: 'POST', body: fix.slice(0, 2) })).status).toBe(
      202,
    );
    await untilStatus(fix[0]!.id, 'successful');
    await untilStatus(fix[1]!.id, 'successful');
    const corrected = await call(`/api/v1/events/${fix[0]!.id}/correct`, {
      method: 'POST',
      body: { occurredAt: fix[2]!.occurredAt },
    });
    expect(corrected.status).toBe(202);
    expect((corrected.body.removed as unknown[]).length).toBe(1);
    await untilStatus(fix[0]!.id, 'successful');
    expect([held(days[0]!).length, held(days[2]!).length]).toEqual([0, 1]);
    const cancelled = await call(`/api/v1/events/${fix[1]!.id}/cancel`, { method: 'POST' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      event: { status: 'not_attempted', error: { code: 'cancelled' } },
    });
    expect(held(days[1]!)).toEqual([]);
  });

  it('reads back what was written and re-sends one that went missing', async () => {
    const { events: one, days } = events(10, 1, 'rb');
    const [event] = one;
    const day = days[0]!;
    expect((await call('/api/v1/events', { method: 'POST', body: event })).status).toBe(202);
    await untilStatus(event!.id, 'successful');
    const range = `from=${day.date}&to=${day.date}`;
    const present = await call(`/api/v1/reconciliation?${range}`);
    expect(present.status).toBe(200);
    expect(present.body).toMatchObject({ checked: 1, present: 1, missing: [], changed: [] });
    expect(engine.sim.district.removeAttendance(held(day)[0]!.id)).toBe(true);
    const missing = await call(`/api/v1/reconciliation?${range}`);
    expect(missing.body).toMatchObject({ missing: [{ id: event!.id }] });
    const resent = await call('/api/v1/reconciliation/resend', {
      method: 'POST',
      body: { ids: [event!.id] },
    });
    expect(resent.status).toBe(202);
    expect(resent.body).toEqual({ resent: [event!.id] });
    const deadline = Date.now() + 20_000;
    while (held(day).length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(held(day)).toHaveLength(1);
  });
});
