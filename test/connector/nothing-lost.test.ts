import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConnectorError,
  DISTRICT_ADMIN,
  SettingsStore,
  WritebackStore,
  parseWritebackEvent,
} from '../../connector/index.ts';
import { event, fakeConnector, fakeDistrict } from './support/fake-district.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pswb-lost-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function caught(work: () => unknown): ConnectorError {
  try {
    work();
  } catch (error) {
    if (error instanceof ConnectorError) return error;
    throw error;
  }
  throw new Error('expected a ConnectorError');
}

async function caughtAsync(work: () => Promise<unknown>): Promise<ConnectorError> {
  try {
    await work();
  } catch (error) {
    if (error instanceof ConnectorError) return error;
    throw error;
  }
  throw new Error('expected a ConnectorError');
}

const SECRET = 'hunter2-very-secret';

describe('a settings file that cannot be read', () => {
  it('names a truncated file by path and place, never quoting it (it holds the secret)', async () => {
    const path = join(dir, 'connector-settings.json');
    const text = `{"version":1,"connection":{"clientSecret":"${SECRET}","url":"https://x`;
    writeFileSync(path, text);
    const error = await caughtAsync(() => SettingsStore.openFile(path));
    expect(error.code).toBe('settings_unreadable');
    expect(error.message).toContain(path);
    expect(error.message).not.toContain(SECRET);
    expect(error.fix).toMatch(/move it away and run pswb connect again/);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('reports the line and column of a hand-edit that broke the JSON', async () => {
    const path = join(dir, 'connector-settings.json');
    writeFileSync(path, `{\n  "version": 1,\n  "schools": {,\n}`);
    const error = await caughtAsync(() => SettingsStore.openFile(path));
    expect(error.message).toContain('(line 3, column 15)');
  });

  it('names the field of a hand-edit with the wrong type, not its value', async () => {
    const path = join(dir, 'connector-settings.json');
    const doc = {
      version: 1,
      preventSchoolOverrides: false,
      schools: {},
      reasons: {},
      connection: {
        url: 'https://a.powerschool.com',
        clientId: 'id',
        clientSecret: 42,
        visibleStudentId: 'sis_id',
        studentIdSource: SECRET,
      },
    };
    writeFileSync(path, JSON.stringify(doc));
    const error = await caughtAsync(() => SettingsStore.openFile(path));
    expect(error.code).toBe('settings_unreadable');
    expect(error.message).toMatch(/connection\.clientSecret: /);
    expect(error.message).not.toContain(SECRET);
  });

  it('refuses settings written by a newer pswb and leaves them as they are', async () => {
    const path = join(dir, 'connector-settings.json');
    const text = JSON.stringify({ version: 2, whatever: true });
    writeFileSync(path, text);
    const error = await caughtAsync(() => SettingsStore.openFile(path));
    expect(error.message).toMatch(/written by a newer pswb \(settings version 2/);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });
});

describe('a full disk', () => {
  it('refuses an accept as disk_full and commits none of its events', () => {
    const store = new WritebackStore(join(dir, 'connector.db'));
    try {
      const pages = store.db.pragma('page_count', { simple: true }) as number;
      store.db.pragma(`max_page_count = ${pages + 2}`);
      const items = Array.from({ length: 400 }, (_, n) => ({
        event: parseWritebackEvent(event({ id: `e-${n}`, comment: 'x'.repeat(500) }), 'dcid'),
        stamp: { date: '2026-10-14', time: '08:40' },
      }));
      const error = caught(() => store.accept(items, 'now'));
      expect(error.code).toBe('disk_full');
      expect(error.message).toMatch(/The disk is full: .*connector\.db could not be written/);
      expect(store.counts().pending).toBe(0);
    } finally {
      store.close();
    }
  });
});

describe('the outbox never blocks on a row it cannot read', () => {
  it('sets a row with a damaged payload aside as Failed and sends the others', async () => {
    const district = fakeDistrict();
    const connector = fakeConnector(district);
    connector.accept([event({ id: 'damaged' }), event({ id: 'fine' })]);
    connector.store.db
      .prepare("UPDATE events SET payload = '{not json' WHERE id = ?")
      .run('damaged');
    const progress = await connector.resume();
    expect(progress).toMatchObject({ successful: 1, failed: 1 });
    const damaged = connector.record(DISTRICT_ADMIN, 'damaged');
    expect(damaged?.status).toBe('failed');
    expect(damaged?.error?.code).toBe('stored_event_unreadable');
    expect(connector.record(DISTRICT_ADMIN, 'fine')?.status).toBe('successful');
    expect(connector.store.counts().sending).toBe(0);
  });

  it('sets a row with an unknown state aside as Failed, and later sends still run', async () => {
    const district = fakeDistrict();
    const connector = fakeConnector(district);
    connector.accept([event({ id: 'odd' })]);
    connector.store.db.prepare("UPDATE events SET state = 'exploded' WHERE id = 'odd'").run();
    const records = await connector.send([event({ id: 'next' })]);
    expect(records[0]?.status).toBe('successful');
    const odd = connector.record(DISTRICT_ADMIN, 'odd');
    expect(odd?.status).toBe('failed');
    expect(odd?.error?.message).toContain('unknown state ("exploded")');
  });
});

describe('what an event may carry', () => {
  it('refuses a DCID beyond the safe integer range instead of storing it rounded', () => {
    const error = caught(() =>
      parseWritebackEvent(event({}, { dcid: '12345678901234567890' }), 'dcid'),
    );
    expect(error.code).toBe('invalid_event');
    expect(error.message).toContain(
      `student.dcid must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}`,
    );
    expect(() => parseWritebackEvent(event({}, { dcid: 2 ** 60 }), 'dcid')).toThrow(
      /student\.dcid must be a whole number/,
    );
  });

  it('names a school PowerSchool does not have as such, not as a missing attendance mode', async () => {
    const connector = fakeConnector(fakeDistrict());
    const [record] = await connector.send([event({}, { schoolNumber: 999 })]);
    expect(record?.error?.code).toBe('unknown_school_in_event');
    expect(record?.error?.message).toBe(
      "School 999 is not one of the district's schools in PowerSchool (known school numbers: 101, 102, 103).",
    );
  });

  it('reports every invalid event of a batch by position and accepts none', () => {
    const connector = fakeConnector(fakeDistrict());
    const error = caught(() =>
      connector.accept([event({ id: 'ok' }), event({ id: 'bad', type: 'lunch' }), { id: 'worse' }]),
    );
    expect(error.message).toBe('2 of 3 events are not valid, so none was accepted.');
    expect(error.details[0]).toMatch(/^#2: Event "bad" is not valid: type must be one of/);
    expect(error.details[1]).toMatch(/^#3: Event "worse" is not valid: /);
    expect(connector.store.counts().pending).toBe(0);
  });
});

describe('a stopped run', () => {
  it.each([['with an interrupted reason', () => new ConnectorError('interrupted', 'stopped')]])(
    '%s: claims nothing more, puts back what it had not finished, and a resume sends it',
    async (_, reason) => {
      const district = fakeDistrict();
      const connector = fakeConnector(district, { concurrency: 1 });
      const events = Array.from({ length: 450 }, (_, n) =>
        event({ id: `s-${n}` }, { dcid: 5001, schoolNumber: 103 }),
      );
      connector.accept(events);
      const stop = new AbortController();
      const stopped = await connector.resume({
        signal: stop.signal,
        onProgress: (progress) => {
          if (progress.done === 10) stop.abort(reason());
        },
      });
      const counts = connector.store.counts();
      expect(counts.sending).toBe(0);
      expect(stopped.done).toBeLessThan(450);
      expect(counts.pending).toBe(450 - stopped.done);
      // No event failed because of the stop itself.
      const stoppedFailures = connector
        .logs(DISTRICT_ADMIN, { status: 'failed', pageSize: 1000 })
        .records.filter((record) => /abort|stopped/i.test(record.error?.message ?? ''));
      expect(stoppedFailures).toEqual([]);
      const rest = await connector.resume();
      expect(rest.done).toBe(450 - stopped.done);
      expect(connector.store.counts().pending).toBe(0);
    },
  );
});
