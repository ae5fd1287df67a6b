import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { OK_BODY_KEPT_CHARS, WritebackStore, journaledBody } from '../../connector/store/index.ts';
import { parseWritebackEvent } from '../../connector/index.ts';
import type { HttpAttempt } from '../../connector/http/index.ts';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A store on disk with n accepted and claimed events, and a second connection to read it. */
async function storeWithEvents(n: number) {
  const dir = await mkdtemp(join(tmpdir(), 'pswb-grouped-'));
  dirs.push(dir);
  const store = WritebackStore.openDataDir(dir);
  const items = Array.from({ length: n }, (_, index) => ({
    event: parseWritebackEvent(
      {
        id: `e${index}`,
        type: 'late_checkin',
        student: { dcid: 5000 + index, name: 'Ava Thompson', schoolNumber: 101 },
        occurredAt: '2026-10-14T08:40:00-04:00',
        reason: 'T',
      },
      'dcid',
    ),
    stamp: { date: '2026-10-14', time: '08:40' },
  }));
  store.accept(items, 'now');
  items.forEach(({ event }) => store.claim(event.id, 'test', 'now'));
  const reader = new Database(store.path, { readonly: true });
  const stateOnDisk = (id: string) =>
    (reader.prepare('SELECT state FROM events WHERE id = ?').get(id) as { state: string }).state;
  return { store, reader, stateOnDisk };
}

const attempt = (outcome: HttpAttempt['outcome'], bodyText?: string): HttpAttempt => ({
  method: 'POST',
  url: 'https://d.powerschool.com/ws/attendance/daily_time',
  startedAt: '2026-10-14T12:40:00Z',
  durationMs: 3,
  outcome,
  ...(bodyText !== undefined ? { bodyText } : {}),
});

describe('grouped writes (one commit for many state changes)', () => {
  it('queues final states until the span ends, while reads through the store see them at once', async () => {
    const { store, reader, stateOnDisk } = await storeWithEvents(3);
    store.startGroupedWrites();
    store.complete('e0', { state: 'successful' }, 'now');
    expect(stateOnDisk('e0')).toBe('sending');
    expect(store.get('e0')?.state).toBe('successful');
    expect(stateOnDisk('e0')).toBe('successful');
    store.complete('e1', { state: 'successful' }, 'now');
    store.endGroupedWrites();
    expect(stateOnDisk('e1')).toBe('successful');
    reader.close();
    store.close();
  });

  it('commits what is queued within a tenth of a second when nothing else asks', async () => {
    const { store, reader, stateOnDisk } = await storeWithEvents(1);
    store.startGroupedWrites();
    store.complete('e0', { state: 'failed', error: { code: 'x', message: 'm' } }, 'now');
    expect(stateOnDisk('e0')).toBe('sending');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stateOnDisk('e0')).toBe('failed');
    store.endGroupedWrites();
    reader.close();
    store.close();
  });

  it('commits as soon as 500 writes are waiting', async () => {
    const { store, reader } = await storeWithEvents(1);
    const attemptsOnDisk = () =>
      (reader.prepare('SELECT count(*) AS n FROM attempts').get() as { n: number }).n;
    store.startGroupedWrites();
    for (let n = 0; n < 499; n += 1) store.recordAttempt('e0', 1, attempt('ok', '{}'));
    expect(attemptsOnDisk()).toBe(0);
    store.recordAttempt('e0', 1, attempt('ok', '{}'));
    expect(attemptsOnDisk()).toBe(500);
    store.endGroupedWrites();
    reader.close();
    store.close();
  });

  it('closing the store commits what is queued', async () => {
    const { store, reader, stateOnDisk } = await storeWithEvents(1);
    store.startGroupedWrites();
    store.complete('e0', { state: 'successful' }, 'now');
    store.close();
    expect(stateOnDisk('e0')).toBe('successful');
    reader.close();
  });

  it('a timed commit that fails is thrown to the next caller, with the writes kept queued', async () => {
    const { store, reader, stateOnDisk } = await storeWithEvents(1);
    store.startGroupedWrites();
    store.complete('e0', { state: 'successful' }, 'now');
    const blocker = new Database(store.path);
    blocker.pragma('busy_timeout = 0');
    blocker.exec('BEGIN IMMEDIATE');
    store.db.pragma('busy_timeout = 0');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(() => store.flush()).toThrow(/locked|busy/i);
    blocker.exec('ROLLBACK');
    blocker.close();
    store.endGroupedWrites();
    expect(stateOnDisk('e0')).toBe('successful');
    reader.close();
    store.close();
  });

  it('writes at once outside a span', async () => {
    const { store, reader, stateOnDisk } = await storeWithEvents(1);
    store.complete('e0', { state: 'successful' }, 'now');
    expect(stateOnDisk('e0')).toBe('successful');
    reader.close();
    store.close();
  });
});

describe('journaled response bodies', () => {
  it('keeps a failed answer whole and cuts a long successful one, saying how long it was', () => {
    const long = 'x'.repeat(OK_BODY_KEPT_CHARS + 1234);
    expect(journaledBody(attempt('http_error', long))).toBe(long);
    const cut = journaledBody(attempt('ok', long))!;
    expect(cut.startsWith('x'.repeat(OK_BODY_KEPT_CHARS))).toBe(true);
    expect(cut).toContain(`[cut: ${long.length} characters in all]`);
    expect(journaledBody(attempt('ok', '{"results":{}}'))).toBe('{"results":{}}');
    expect(journaledBody(attempt('ok'))).toBeNull();
  });
});
