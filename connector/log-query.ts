/**
 * The Writeback Logs filters as SQL: status, student name search, buildings, district-local date
 * range, newest first, paged. Every condition is a column of an index in store-schema.ts, and
 * the name search runs on the small student_names table.
 */
import type Database from 'better-sqlite3';
import type { EventRow } from './writeback-store.ts';
import type { EventState } from './vocabulary.ts';

/** The filter, already checked and scoped to what the actor may see. */
export interface LogQuery {
  states?: readonly EventState[];
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

/** Runs the log query. */
export function queryLogRows(db: Database.Database, query: LogQuery): LogRowPage {
  const where: string[] = [];
  const params: unknown[] = [];
  const inList = (column: string, values: readonly unknown[]): void => {
    where.push(`${column} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  };
  if (query.states && query.states.length > 0) inList('state', query.states);
  if (query.schools) {
    if (query.schools.length === 0) return { rows: [], total: 0 };
    inList('school_number', query.schools);
  }
  if (query.ids) {
    if (query.ids.length === 0) return { rows: [], total: 0 };
    inList('id', query.ids);
  }
  if (query.from) {
    where.push('local_date >= ?');
    params.push(query.from);
  }
  if (query.to) {
    where.push('local_date <= ?');
    params.push(query.to);
  }
  if (query.search && query.search.trim() !== '') {
    where.push(
      "student_name_id IN (SELECT id FROM student_names WHERE search_key LIKE ? ESCAPE '\\')",
    );
    params.push(`%${escapeLike(query.search.trim().toLowerCase())}%`);
  }
  const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  const total = (
    db.prepare(`SELECT count(*) AS n FROM events ${clause}`).get(...params) as { n: number }
  ).n;
  const offset = (query.page - 1) * query.pageSize;
  const rows = db
    .prepare(
      `SELECT * FROM events ${clause} ORDER BY local_date DESC, occurred_ms DESC, seq DESC LIMIT ? OFFSET ?`,
    )
    .all(...params, query.pageSize, offset) as EventRow[];
  return { rows, total };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
