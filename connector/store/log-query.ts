/**
 * The Writeback Logs filters as SQL: status, student name search, buildings, district-local date
 * range, newest first, paged. Every condition is a column of an index in store-schema.ts, and
 * the name search first matches the small student_names table, then reads the events of those
 * names day by day (events_day_student), or reads the whole day index when the names are many.
 */
import type Database from 'better-sqlite3';
import type { EventRow } from './rows.ts';
import type { EventState, EventType } from '../domain/index.ts';

/** The filter, already checked and scoped to what the actor may see. */
export interface LogQuery {
  states?: readonly EventState[];
  /** Late check-ins or early check-outs only. */
  type?: EventType;
  /** Substring of the student name, any case. */
  search?: string;
  /** Buildings (school numbers); undefined means every building. */
  schools?: readonly number[];
  /** District-local dates, inclusive, YYYY-MM-DD. */
  from?: string;
  to?: string;
  ids?: readonly string[];
  /** 1-based. */
  page: number;
  pageSize: number;
}

/** One page of rows and the total across all pages. */
export interface LogRowPage {
  rows: EventRow[];
  total: number;
}

const NEWEST_FIRST = 'ORDER BY local_date DESC, occurred_ms DESC, seq DESC';
/**
 * Above this many matching names, a search reads the day index through (checking each entry's
 * name against a Bloom filter) instead of looking each name up day by day.
 */
const MAX_SEEK_NAMES = 2000;
/**
 * One index lookup (a day and a name) costs about as much as reading this many index entries in
 * order: about 1-2 µs against 0.05-0.15 µs, measured on the million-row log of benchmark figure 4.
 */
const SEEK_COST_IN_ENTRIES = 10;
const DAY_SEEK_INDEX = 'events_day_student';

/** The WHERE clause being built: its conditions and their parameters, in order. */
interface Where {
  conditions: string[];
  params: unknown[];
}

/** How the name search reads the events, once the matching names are known. */
type NameSearch =
  | { kind: 'day-seek'; namesJson: string; daysJson: string }
  | { kind: 'names'; namesJson: string }
  | { kind: 'pattern'; pattern: string };

/** The SQL a log query runs: the total, then one page of rows (params, then limit and offset). */
export interface LogQueryPlan {
  countSql: string;
  pageSql: string;
  params: unknown[];
}

/** Runs the log query. */
export function queryLogRows(db: Database.Database, query: LogQuery): LogRowPage {
  const plan = planLogQuery(db, query);
  if (plan === 'empty') return { rows: [], total: 0 };
  const total = (db.prepare(plan.countSql).get(...plan.params) as { n: number }).n;
  const offset = (query.page - 1) * query.pageSize;
  const rows = db.prepare(plan.pageSql).all(...plan.params, query.pageSize, offset) as EventRow[];
  return { rows, total };
}

/**
 * The SQL for a log query, or 'empty' when nothing can match (no building, no id, no student
 * name). Reads student_names and the day list of the log to choose how a name search runs.
 */
export function planLogQuery(db: Database.Database, query: LogQuery): LogQueryPlan | 'empty' {
  if (query.schools?.length === 0 || query.ids?.length === 0) return 'empty';
  const search = query.search?.trim() ? planNameSearch(db, query) : undefined;
  if (search === 'no-match') return 'empty';
  const where = filterConditions(query);
  if (search) addNameSearch(where, search);
  const clause = where.conditions.length > 0 ? `WHERE ${where.conditions.join(' AND ')}` : '';
  if (search?.kind !== 'day-seek') {
    return {
      countSql: `SELECT count(*) AS n FROM events ${clause}`,
      pageSql: `SELECT * FROM events ${clause} ${NEWEST_FIRST} LIMIT ? OFFSET ?`,
      params: where.params,
    };
  }
  // The day-seek plan is fixed: left to itself the planner may walk a status or building index
  // and read every row it meets to check the name, 15-20 times slower at a million rows.
  // The page is picked from the index alone (it holds every filtered and sorted column), and
  // only the page's rows are then read.
  const source = `events INDEXED BY ${DAY_SEEK_INDEX}`;
  return {
    countSql: `SELECT count(*) AS n FROM ${source} ${clause}`,
    pageSql: `SELECT * FROM events WHERE seq IN (SELECT seq FROM ${source} ${clause} ${NEWEST_FIRST} LIMIT ? OFFSET ?) ${NEWEST_FIRST}`,
    params: where.params,
  };
}

/** The status, building, id and date conditions. */
function filterConditions(query: LogQuery): Where {
  const where: Where = { conditions: [], params: [] };
  const inList = (column: string, values: readonly unknown[]): void => {
    where.conditions.push(`${column} IN (${values.map(() => '?').join(', ')})`);
    where.params.push(...values);
  };
  if (query.states && query.states.length > 0) inList('state', query.states);
  if (query.schools) inList('school_number', query.schools);
  if (query.type) inList('type', [query.type]);
  if (query.ids) inList('id', query.ids);
  if (query.from) {
    where.conditions.push('local_date >= ?');
    where.params.push(query.from);
  }
  if (query.to) {
    where.conditions.push('local_date <= ?');
    where.params.push(query.to);
  }
  return where;
}

function addNameSearch(where: Where, search: NameSearch): void {
  if (search.kind === 'pattern') {
    where.conditions.push(
      "student_name_id IN (SELECT id FROM student_names WHERE search_key LIKE ? ESCAPE '\\')",
    );
    where.params.push(search.pattern);
    return;
  }
  if (search.kind === 'day-seek') {
    where.conditions.push('local_date IN (SELECT value FROM json_each(?))');
    where.params.push(search.daysJson);
  }
  where.conditions.push('student_name_id IN (SELECT value FROM json_each(?))');
  where.params.push(search.namesJson);
}

/**
 * Matches the search against student_names, then picks how to read the events: one lookup per
 * day and name when that is cheaper than reading the day index through, which it is for a
 * selective name in a large log. The log's size is estimated from its first and last seq.
 */
function planNameSearch(db: Database.Database, query: LogQuery): NameSearch | 'no-match' {
  const pattern = `%${escapeLike((query.search ?? '').trim().toLowerCase())}%`;
  const names = db
    .prepare(`SELECT id FROM student_names WHERE search_key LIKE ? ESCAPE '\\' LIMIT ?`)
    .pluck()
    .all(pattern, MAX_SEEK_NAMES + 1) as number[];
  if (names.length === 0) return 'no-match';
  if (names.length > MAX_SEEK_NAMES) return { kind: 'pattern', pattern };
  const namesJson = JSON.stringify(names);
  // An id filter names a handful of events: the id index finds them faster than any search.
  if (query.ids) return { kind: 'names', namesJson };
  const days = logDays(db, query.from, query.to);
  const rows = db
    .prepare('SELECT coalesce((SELECT max(seq) FROM events) - (SELECT min(seq) FROM events), 0)')
    .pluck()
    .get() as number;
  return names.length * days.length * SEEK_COST_IN_ENTRIES <= rows
    ? { kind: 'day-seek', namesJson, daysJson: JSON.stringify(days) }
    : { kind: 'names', namesJson };
}

/**
 * The distinct local dates of the log within the range, newest first: one index lookup per day
 * (hopping from each date to the next lower one), not a read of every event.
 */
function logDays(db: Database.Database, from = '', to = '9999-12-31'): string[] {
  return db
    .prepare(
      `WITH RECURSIVE days(day) AS (
         SELECT max(local_date) FROM events WHERE local_date <= @to
         UNION ALL
         SELECT (SELECT max(local_date) FROM events WHERE local_date < days.day)
         FROM days WHERE days.day > @from
       )
       SELECT day FROM days WHERE day >= @from`,
    )
    .pluck()
    .all({ from, to }) as string[];
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
