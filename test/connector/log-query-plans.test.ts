import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { WritebackStore, type EventRow } from '../../connector/store/index.ts';
import { planLogQuery, queryLogRows, type LogQuery } from '../../connector/store/index.ts';
import { FIXTURE_DAYS, fillLogFixture, referencePage } from './support/log-fixture.ts';

let store: WritebackStore;
let allRows: EventRow[];

beforeAll(() => {
  store = WritebackStore.inMemory();
  fillLogFixture(store);
  allRows = store.db.prepare('SELECT * FROM events').all() as EventRow[];
});
afterAll(() => store.close());

const all = (filter: Omit<LogQuery, 'page' | 'pageSize'>): LogQuery => ({
  ...filter,
  page: 1,
  pageSize: 5000,
});
const [monday, , wednesday, , , nextMonday] = FIXTURE_DAYS;

const FILTERS: [string, LogQuery][] = [
  ['no filter', all({})],
  ['status failed', all({ states: ['failed'] })],
  ['status pending (the outbox)', all({ states: ['pending'] })],
  ['two statuses', all({ states: ['sending', 'not_attempted'] })],
  ['one building', all({ schools: [102] })],
  ['two buildings', all({ schools: [101, 103] })],
  ['a date range', all({ from: monday, to: wednesday })],
  ['from a date on', all({ from: wednesday })],
  ['one name, read day by day', all({ search: 'zed' })],
  ['one name, any case and spaces', all({ search: '  ZED quill ' })],
  ['a surname of 55 names', all({ search: 'thompson' })],
  ['a search matching every name', all({ search: 'a' })],
  ['an underscore is a character, not a wildcard', all({ search: '_' })],
  ['a percent sign is a character, not a wildcard', all({ search: '%' })],
  ['a name nobody has', all({ search: 'nobody' })],
  ['one name + failed', all({ search: 'zed', states: ['failed'] })],
  ['one name + building + range', all({ search: 'zed', schools: [104], from: wednesday })],
  ['surname + failed + building', all({ search: 'thom', states: ['failed'], schools: [101] })],
  ['every name + successful + range', all({ search: 'a', states: ['successful'], to: wednesday })],
  ['one name + ids', all({ search: 'zed', ids: ['fx-3', 'fx-103', 'fx-4'] })],
  ['no building at all', all({ schools: [] })],
  ['page 3 of 7, one name', { search: 'zed', page: 3, pageSize: 7 }],
  ['page 2 of 50, surname', { search: 'thompson', page: 2, pageSize: 50 }],
  ['page 9 of 100, no filter', { page: 9, pageSize: 100 }],
  [
    'page 4 of 10, every name + range',
    { search: 'e', from: wednesday, to: nextMonday, page: 4, pageSize: 10 },
  ],
];

describe('log query results', () => {
  it.each(FILTERS)(
    '%s: the same rows, in the same order, and total as a plain filter',
    (_name, query) => {
      const page = queryLogRows(store.db, query);
      const expected = referencePage(allRows, query);
      expect(page.total).toBe(expected.total);
      expect(page.rows.map((row) => row.id)).toEqual(expected.ids);
    },
  );

  it('the fixture makes the cases above meaningful (matches, ties, every state)', () => {
    expect(referencePage(allRows, all({ search: 'zed' })).total).toBeGreaterThan(20);
    expect(referencePage(allRows, all({ search: '_' })).total).toBeGreaterThan(0);
    expect(new Set(allRows.map((row) => row.state)).size).toBe(5);
    const keys = allRows.map((row) => `${row.local_date} ${row.occurred_ms}`);
    expect(new Set(keys).size).toBeLessThan(keys.length);
  });
});

function planDetails(sql: string, params: unknown[]): string[] {
  const steps = store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as {
    detail: string;
  }[];
  return steps.map((step) => step.detail);
}

function plansOf(query: LogQuery): { sql: string; steps: string[] }[] {
  const plan = planLogQuery(store.db, query);
  if (plan === 'empty') return [];
  return [
    { sql: plan.countSql, steps: planDetails(plan.countSql, plan.params) },
    { sql: plan.pageSql, steps: planDetails(plan.pageSql, [...plan.params, 50, 0]) },
  ];
}

describe('log query plans', () => {
  it('looks a selective name up day by day in events_day_student, never reading the events through', () => {
    for (const { steps } of plansOf(all({ search: 'zed', states: ['failed'] }))) {
      expect(steps).toContainEqual(
        expect.stringMatching(
          /^SEARCH events USING COVERING INDEX events_day_student \(local_date=\? AND student_name_id=\?/,
        ),
      );
      expect(steps.filter((step) => step.startsWith('SCAN events'))).toEqual([]);
    }
  });

  it('reads a search matching more names than it would look up through the day index instead', () => {
    const [count] = plansOf(all({ search: 'a' }));
    expect(count!.sql).toContain('search_key LIKE');
    expect(count!.steps).toContain('SCAN events USING COVERING INDEX events_day_student');
  });

  it('matches a search of middling reach by name ids without fixing the index', () => {
    const [count] = plansOf(all({ search: 'thompson' }));
    expect(count!.sql).toContain('json_each');
    expect(count!.sql).not.toContain('INDEXED BY');
  });

  it.each(FILTERS)(
    '%s: every step reads an index, never the events table through',
    (_name, query) => {
      const plans = plansOf(query);
      if (plans.length === 0) expect(referencePage(allRows, query).total).toBe(0);
      for (const { steps } of plans) {
        expect(steps.filter((step) => step === 'SCAN events')).toEqual([]);
      }
    },
  );

  it('answers "nothing" without SQL when no building or no name can match', () => {
    expect(planLogQuery(store.db, all({ schools: [] }))).toBe('empty');
    expect(planLogQuery(store.db, all({ search: 'nobody' }))).toBe('empty');
  });
});
