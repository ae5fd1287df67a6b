import { spawnSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WritebackStore, parseWritebackEvent } from '../../connector/index.ts';
import { newOwnerTag } from '../../connector/writeback/index.ts';
import { event, fakeConnector, fakeDistrict } from './support/fake-district.ts';

/** The pid of a process that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('outbox recovery', () => {
  it('resumes an event a killed process left "sending", and one never started, each written once', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'pswb-outbox-')), 'connector.db');
    const first = new WritebackStore(path);
    const events = ['a', 'b'].map((id) => ({
      event: parseWritebackEvent(event({ id }), 'dcid'),
      stamp: { date: '2026-10-14', time: '08:40' },
    }));
    first.accept(events, '2026-10-14T12:40:00Z');
    // "a" was being sent by a process that died; "b" was never picked up.
    first.claim('a', `${hostname()}/${deadPid()}/gone`, '2026-10-14T12:40:01Z');
    first.close();

    const district = fakeDistrict();
    const connector = fakeConnector(district, { store: new WritebackStore(path) });
    const progress = await connector.resume();
    expect(progress.done).toBe(2);
    expect(connector.store.counts()).toMatchObject({ pending: 0, sending: 0, successful: 2 });
    expect(connector.store.get('a')?.runs).toBe(2);
    expect(district.posts.length + district.batches.flat().length).toBe(2);
    connector.close();
  });

  it('leaves alone an event a live runner is sending, and takes it over once that runner is gone', async () => {
    const district = fakeDistrict();
    const store = WritebackStore.inMemory();
    const connector = fakeConnector(district, { store });
    connector.accept([event({ id: 'in-flight' })]);
    const live = newOwnerTag();
    store.claim('in-flight', live.tag, 'now');
    expect((await connector.resume()).done).toBe(0);
    expect(store.get('in-flight')?.state).toBe('sending');
    live.retire();
    expect((await connector.resume()).done).toBe(1);
    expect(store.get('in-flight')?.state).toBe('successful');
    connector.close();
  });
});
