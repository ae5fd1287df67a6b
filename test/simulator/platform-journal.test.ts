import { describe, expect, it } from 'vitest';
import { SimClock } from '../../simulator/clock.ts';
import {
  RequestJournal,
  redactQuery,
  type JournalRecord,
} from '../../simulator/platform/journal.ts';

function entry(path: string, status: number, extra: Partial<JournalRecord> = {}): JournalRecord {
  return {
    atMs: Date.UTC(2025, 9, 3),
    method: 'GET',
    path,
    query: '',
    status,
    durationMs: 1,
    ...extra,
  };
}

describe('RequestJournal', () => {
  it('lists newest first and keeps only the last `size` entries', () => {
    const journal = new RequestJournal({ clock: new SimClock(), size: 3 });
    for (const path of ['/a', '/b', '/c', '/d', '/e']) journal.record(entry(path, 200));
    expect(journal.list().map((e) => e.path)).toEqual(['/e', '/d', '/c']);
    expect(journal.size).toBe(3);
  });

  it('reports the instant as ISO text', () => {
    const journal = new RequestJournal({ clock: new SimClock() });
    journal.record(entry('/ws/v1/time', 200));
    expect(journal.list()[0]?.at).toBe('2025-10-03T00:00:00.000Z');
  });

  it.each([
    { filter: { status: '4xx' }, paths: ['/ws/attendance/daily_time', '/ws/v1/x'] },
    { filter: { status: 401 }, paths: ['/ws/v1/x'] },
    { filter: { status: '0' }, paths: ['/reset'] },
    {
      filter: { path: 'attendance' },
      paths: ['/ws/attendance/daily_time', '/ws/attendance/meeting_interval'],
    },
    {
      filter: { path: '/ws/attendance/*' },
      paths: ['/ws/attendance/daily_time', '/ws/attendance/meeting_interval'],
    },
    { filter: { path: '/ws/**', status: '2xx' }, paths: ['/ws/attendance/meeting_interval'] },
    {
      filter: { method: 'post' },
      paths: ['/ws/attendance/daily_time', '/ws/attendance/meeting_interval'],
    },
    { filter: { limit: 2 }, paths: ['/reset', '/ws/v1/x'] },
  ])('filters by $filter', ({ filter, paths }) => {
    const journal = new RequestJournal({ clock: new SimClock() });
    journal.record(entry('/ws/attendance/meeting_interval', 200, { method: 'POST' }));
    journal.record(entry('/ws/attendance/daily_time', 400, { method: 'POST' }));
    journal.record(entry('/ws/v1/x', 401));
    journal.record(entry('/reset', 0));
    expect(
      journal
        .list(filter)
        .map((e) => e.path)
        .sort(),
    ).toEqual([...paths].sort());
  });

  it('clears and says how many entries it dropped', () => {
    const journal = new RequestJournal({ clock: new SimClock(), size: 10 });
    journal.record(entry('/a', 200));
    journal.record(entry('/b', 200));
    expect(journal.clear()).toBe(2);
    expect(journal.list()).toEqual([]);
    journal.record(entry('/c', 200));
    expect(journal.list().map((e) => e.path)).toEqual(['/c']);
  });

  it('refuses a size that is not a whole number from 1', () => {
    expect(() => new RequestJournal({ clock: new SimClock(), size: 0 })).toThrow(/whole number/);
  });
});

describe('redactQuery', () => {
  it.each([
    { raw: '', kept: '' },
    { raw: 'q=dcid==5&page=2', kept: 'q=dcid==5&page=2' },
    { raw: 'access_token=abc&page=1', kept: 'access_token=***&page=1' },
    { raw: 'client_secret=s3cr3t&client_id=x', kept: 'client_secret=***&client_id=x' },
    { raw: 'q=att_code%3D%3DT&token', kept: 'q=att_code%3D%3DT&token=***' },
  ])('turns "$raw" into "$kept"', ({ raw, kept }) => {
    expect(redactQuery(raw)).toBe(kept);
  });
});
