/**
 * The outbox worker: woken by an accept it writes the event at once, several workers on one
 * connector write each event exactly once, and stopping puts back what was not finished.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DISTRICT_ADMIN, type Connector } from '../../connector/index.ts';
import type { RunningSimulator } from '../../simulator/server.ts';
import { OutboxWorker } from '../../service/worker.ts';
import {
  SCHOOL_DAY_NOON,
  connectDemo,
  startDemoSimulator,
} from '../connector/support/simulator.ts';
import { studentDayEvents } from './support.ts';

let sim: RunningSimulator;
let connector: Connector;
beforeEach(async () => {
  // 25.2.0.0 has no batch endpoint: one POST per event, so runs take a while.
  sim = await startDemoSimulator({ psVersion: '25.2.0.0' });
  connector = await connectDemo(sim);
});
afterEach(async () => {
  connector.close();
  await sim.close();
});

/** Resolves once no event is being sent and none waits to be sent now (some may wait for later). */
async function settledOrWaiting(): Promise<void> {
  for (;;) {
    const { sending } = connector.queue();
    const due = connector
      .logs(DISTRICT_ADMIN, { status: 'pending' })
      .records.filter((r) => !r.retryAt);
    if (sending === 0 && due.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Resolves once every event is in a final state. */
async function settled(): Promise<void> {
  for (;;) {
    const queue = connector.queue();
    if (queue.pending === 0 && queue.sending === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('OutboxWorker', () => {
  it('writes an accepted event when woken, long before its poll interval', async () => {
    const worker = new OutboxWorker(connector, { pollMs: 60_000 });
    worker.start();
    await settled(); // the first (empty) run is over; the worker sleeps for a minute now
    const { events, keys } = studentDayEvents(sim, 1, 'woken');
    connector.accept(events);
    worker.wake();
    await settled();
    expect(connector.record(DISTRICT_ADMIN, 'woken-0')?.status).toBe('successful');
    expect(sim.district.attendanceOn(keys[0]!.studentId, keys[0]!.date)).toHaveLength(1);
    expect(worker.status()).toMatchObject({ alive: true, lastError: null });
    expect(worker.status().lastSuccessAt).not.toBeNull();
    await worker.stop();
    expect(worker.status().alive).toBe(false);
  });

  it('with three workers on one connector, writes each of 120 events exactly once', async () => {
    const workers = [1, 2, 3].map(() => new OutboxWorker(connector, { pollMs: 60_000 }));
    const outcomes: string[] = [];
    const { events, keys } = studentDayEvents(sim, 120, 'many');
    connector.accept(events);
    for (const worker of workers) worker.start();
    await settled();
    await Promise.all(workers.map((worker) => worker.stop()));
    outcomes.push(...events.map((event) => connector.record(DISTRICT_ADMIN, event.id)!.status));
    expect(outcomes.every((status) => status === 'successful')).toBe(true);
    for (const { studentId, date } of keys) {
      expect(sim.district.attendanceOn(studentId, date)).toHaveLength(1);
    }
    expect(sim.district.table('attendance').size).toBe(events.length);
  });

  it('stopped mid-run, leaves nothing claimed; a new worker finishes the rest, each once', async () => {
    sim.platform.faults.add({
      method: 'POST',
      path: '/ws/attendance/*',
      action: { type: 'latency', ms: 20 },
    });
    const first = new OutboxWorker(connector, { pollMs: 60_000 });
    const { events, keys } = studentDayEvents(sim, 60, 'stopped');
    connector.accept(events);
    first.start();
    while (connector.queue().pending === events.length) await new Promise((r) => setTimeout(r, 5));
    await first.stop();
    // Finished or put back: never left "sending".
    expect(connector.queue().sending).toBe(0);
    const second = new OutboxWorker(connector, { pollMs: 60_000 });
    second.start();
    await settled();
    await second.stop();
    const statuses = events.map((event) => connector.record(DISTRICT_ADMIN, event.id)!.status);
    expect(statuses.filter((status) => status !== 'successful')).toEqual([]);
    for (const { studentId, date } of keys) {
      expect(sim.district.attendanceOn(studentId, date)).toHaveLength(1);
    }
  });

  it('a run stopped by a reasonless abort (a plain AbortError) puts back its events, none failed', async () => {
    sim.platform.faults.add({
      method: 'POST',
      path: '/ws/attendance/*',
      action: { type: 'latency', ms: 20 },
    });
    const { events } = studentDayEvents(sim, 40, 'aborted');
    connector.accept(events);
    const stop = new AbortController();
    await connector.resume({
      signal: stop.signal,
      onProgress: (progress) => {
        if (progress.done === 2) stop.abort();
      },
    });
    const statuses = events.map((event) => connector.record(DISTRICT_ADMIN, event.id)!.status);
    expect(statuses).not.toContain('failed');
    expect(statuses).not.toContain('sending');
    expect(statuses).toContain('pending');
  });

  it('puts an event PowerSchool was unavailable for back until later, then writes it; the wait is in the outbox', async () => {
    // The connector's clock is the simulator's: let it run, so a wait can come due.
    sim.platform.clock.set(SCHOOL_DAY_NOON, { frozen: false });
    // The run's own retries (instant in tests) all meet 503s; then PowerSchool is back.
    sim.platform.faults.add({
      method: 'POST',
      path: '/ws/attendance/*',
      action: { type: 'status', status: 503 },
      times: 5,
    });
    const retryLater = { delaysMs: [300], maxRuns: 3 };
    const first = new OutboxWorker(connector, { pollMs: 60_000, retryLater });
    const { events, keys } = studentDayEvents(sim, 1, 'later');
    connector.accept(events);
    first.start();
    while (connector.record(DISTRICT_ADMIN, 'later-0')!.runs === 0) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await settledOrWaiting();
    const waiting = connector.record(DISTRICT_ADMIN, 'later-0')!;
    expect(waiting).toMatchObject({ status: 'pending', error: { code: 'server_error' } });
    expect(Date.parse(waiting.retryAt!)).toBeGreaterThan(sim.platform.clock.nowMs());
    await first.stop();
    // A new worker (as after a restart) finds the wait in the outbox and writes it when due.
    const second = new OutboxWorker(connector, { pollMs: 50, retryLater });
    second.start();
    await settled();
    await second.stop();
    expect(connector.record(DISTRICT_ADMIN, 'later-0')).toMatchObject({
      status: 'successful',
      runs: 2,
    });
    expect(sim.district.attendanceOn(keys[0]!.studentId, keys[0]!.date)).toHaveLength(1);
  });

  it('fails the event for good after maxRuns tries against an unavailable PowerSchool, and a re-send gets as many again', async () => {
    sim.platform.clock.set(SCHOOL_DAY_NOON, { frozen: false });
    sim.platform.faults.add({
      method: 'POST',
      path: '/ws/attendance/*',
      action: { type: 'status', status: 503 },
    });
    const worker = new OutboxWorker(connector, {
      pollMs: 20,
      retryLater: { delaysMs: [10], maxRuns: 3 },
    });
    const { events } = studentDayEvents(sim, 1, 'gone');
    connector.accept(events);
    worker.start();
    await settled();
    await worker.stop();
    expect(connector.record(DISTRICT_ADMIN, 'gone-0')).toMatchObject({
      status: 'failed',
      runs: 3,
      error: { code: 'server_error' },
    });
    // Re-sent while PowerSchool is still down: it gets its three tries again, not one.
    connector.resend(DISTRICT_ADMIN, 'gone-0');
    const again = new OutboxWorker(connector, {
      pollMs: 20,
      retryLater: { delaysMs: [10], maxRuns: 3 },
    });
    again.start();
    await settled();
    await again.stop();
    expect(connector.record(DISTRICT_ADMIN, 'gone-0')).toMatchObject({
      status: 'failed',
      runs: 6,
      error: { code: 'server_error' },
    });
  });
});
