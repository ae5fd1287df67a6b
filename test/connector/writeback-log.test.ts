import { describe, expect, it } from 'vitest';
import { ConnectorError, WritebackStore, parseWritebackEvent } from '../../connector/index.ts';
import { scopeLogFilter, toWritebackRecord } from '../../connector/log/index.ts';

function seedStore(): WritebackStore {
  const store = WritebackStore.inMemory();
  const people = ['Ava Thompson', 'Liam Carter', 'Sofia Ramirez', 'Ava Brooks'];
  const items = Array.from({ length: 40 }, (_, index) => {
    const day = String(10 + (index % 10)).padStart(2, '0');
    return {
      event: parseWritebackEvent(
        {
          id: `e${index}`,
          type: index % 2 ? 'early_checkout' : 'late_checkin',
          student: {
            dcid: 5000 + index,
            name: people[index % 4],
            schoolNumber: 101 + (index % 3),
            grade: '3',
          },
          occurredAt: `2026-10-${day}T08:${String(index).padStart(2, '0')}:00-04:00`,
          reason: 'T',
        },
        'dcid',
      ),
      stamp: { date: `2026-10-${day}`, time: `08:${String(index).padStart(2, '0')}` },
    };
  });
  store.accept(items, '2026-10-20T00:00:00Z');
  items.forEach(({ event }, index) => {
    store.claim(event.id, 'test', 'now');
    if (index % 4 === 0)
      store.complete(
        event.id,
        {
          state: 'failed',
          error: {
            code: 'student_id_not_found',
            message: "Could not find student's PowerSchool id.",
          },
        },
        'now',
      );
    else store.complete(event.id, { state: 'successful', studentPsId: 1000 + index }, 'now');
  });
  return store;
}

const district = { role: 'district_admin' } as const;
const query = (
  store: WritebackStore,
  filter: Parameters<typeof scopeLogFilter>[1],
  actor: Parameters<typeof scopeLogFilter>[0] = district,
) => store.query(scopeLogFilter(actor, filter));

describe('writeback log filters', () => {
  it.each([
    ['no filter: every event', {}, 40],
    ['status failed', { status: 'failed' as const }, 10],
    ['status successful', { status: 'successful' as const }, 30],
    ['name search, any case, part of the name', { search: 'AVA' }, 20],
    ['name search for a surname', { search: 'carter' }, 10],
    ['one building', { school: 102 }, 13],
    ['two buildings', { school: [101, 103] }, 27],
    ['a date range, inclusive', { from: '2026-10-12', to: '2026-10-13' }, 8],
    [
      'everything at once',
      {
        status: 'failed' as const,
        search: 'ava',
        school: 101,
        from: '2026-10-10',
        to: '2026-10-19',
      },
      4,
    ],
  ])('%s', (_name, filter, total) => {
    const store = seedStore();
    const page = query(store, { ...filter, pageSize: 1000 });
    expect(page.total).toBe(total);
    expect(page.rows).toHaveLength(total);
  });

  it('pages newest first', () => {
    const store = seedStore();
    const first = query(store, { pageSize: 15, page: 1 });
    const third = query(store, { pageSize: 15, page: 3 });
    expect(first.rows).toHaveLength(15);
    expect(third.rows).toHaveLength(10);
    const dates = first.rows.map((row) => `${row.local_date} ${row.occurred_ms}`);
    expect([...dates].sort().reverse()).toEqual(dates);
  });

  it('shows a building admin only their buildings', () => {
    const store = seedStore();
    const page = query(store, { pageSize: 1000 }, { role: 'building_admin', schools: [101] });
    expect(new Set(page.rows.map((row) => row.school_number))).toEqual(new Set([101]));
    expect(page.total).toBe(14);
  });

  it("refuses a building admin's filter on another building, saying why", () => {
    expect(() =>
      scopeLogFilter({ role: 'building_admin', schools: [101] }, { school: 102 }),
    ).toThrow(/School 102 is not assigned to you/);
  });

  it('refuses a bad status naming the valid ones', () => {
    expect(() => scopeLogFilter(district, { status: 'done' as never })).toThrow(
      /Valid: all, pending, sending, successful, failed, not_attempted/,
    );
  });

  it('explains a failed row with the catalogue: meaning and how to resolve', () => {
    const store = seedStore();
    const record = toWritebackRecord(store.get('e0')!);
    expect(record.statusLabel).toBe('Failed');
    expect(record.error?.meaning).toContain(
      "could not locate a valid ID when attempting to convert the student's DCID",
    );
    expect(record.error?.resolution.join(' ')).toContain('Verify that the correct student IDs');
  });
});

describe('event validation', () => {
  const valid = {
    id: 'x',
    type: 'late_checkin',
    student: { dcid: '5001', name: 'Ava', schoolNumber: '101', grade: 3 },
    occurredAt: '2026-10-14T08:40:00-04:00',
    reason: 'T',
  };

  it('accepts numbers given as strings and keeps the grade as text', () => {
    const event = parseWritebackEvent(valid, 'dcid');
    expect(event.student).toEqual({ dcid: 5001, name: 'Ava', schoolNumber: 101, grade: '3' });
  });

  it.each([
    ['an unknown type', { type: 'lunch' }, 'type must be one of: late_checkin, early_checkout'],
    [
      'a time without offset',
      { occurredAt: '2026-10-14T08:40:00' },
      'occurredAt must be ISO-8601 with an offset',
    ],
    ['an impossible date', { occurredAt: '2026-02-31T08:40:00Z' }, ''],
    ['an empty reason', { reason: ' ' }, 'reason is required'],
  ])('rejects %s', (_name, change, message) => {
    expect(() => parseWritebackEvent({ ...valid, ...change }, 'dcid')).toThrow(ConnectorError);
    if (message)
      expect(() => parseWritebackEvent({ ...valid, ...change }, 'dcid')).toThrow(message);
  });

  it('requires the id the settings name, pointing at --id-source', () => {
    expect(() =>
      parseWritebackEvent(
        { ...valid, student: { id: 1001, name: 'Ava', schoolNumber: 101 } },
        'dcid',
      ),
    ).toThrow(/student.dcid is required.*--id-source id/);
  });
});
