/**
 * The Writeback Logs filters: status, student name search, building, district-local date range
 * and paging, checked and limited to the buildings the actor may see.
 */
import {
  ConnectorError,
  EVENT_STATES,
  EVENT_TYPES,
  isEventState,
  isEventType,
  listValues,
  type EventType,
} from '../domain/index.ts';
import { assertCanSeeSchool, canSeeSchool, visibleSchools, type Actor } from '../setup/index.ts';
import type { EventRow, LogQuery, WritebackStore } from '../store/index.ts';
import { toWritebackRecord, type LogPage } from './record.ts';

/** The status filter: the guide's All / Successful / Failed, plus the outbox states. */
export const LOG_STATUS_FILTERS = ['all', ...EVENT_STATES] as const;
export type LogStatusFilter = (typeof LOG_STATUS_FILTERS)[number];

/** The filters of the Writeback Logs tab. */
export interface LogFilter {
  status?: LogStatusFilter;
  /** Late check-ins or early check-outs only (default both). */
  type?: EventType;
  /** Part of the student's name, any case. */
  search?: string;
  /** One building or several; omitted means every building the actor may see. */
  school?: number | number[];
  /** District-local dates, inclusive, YYYY-MM-DD. */
  from?: string;
  to?: string;
  ids?: string[];
  page?: number;
  pageSize?: number;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_PAGE_SIZE = 1000;

/** Checks a filter and limits it to the buildings the actor may see. */
export function scopeLogFilter(actor: Actor, filter: LogFilter): LogQuery {
  const status = filter.status ?? 'all';
  if (status !== 'all' && !isEventState(status)) {
    throw new ConnectorError(
      'invalid_filter',
      `Status "${String(status)}" is not a log status. Valid: ${listValues(LOG_STATUS_FILTERS)}.`,
    );
  }
  if (filter.type !== undefined && !isEventType(filter.type)) {
    throw new ConnectorError(
      'invalid_filter',
      `Type "${String(filter.type)}" is not an event type. Valid: ${listValues(EVENT_TYPES)}.`,
    );
  }
  for (const [name, value] of [
    ['from', filter.from],
    ['to', filter.to],
  ] as const) {
    if (value !== undefined && !DATE.test(value)) {
      throw new ConnectorError(
        'invalid_filter',
        `The ${name} date "${value}" must be YYYY-MM-DD, e.g. 2026-03-09.`,
      );
    }
  }
  const page = filter.page ?? 1;
  const pageSize = filter.pageSize ?? 50;
  if (
    !Number.isInteger(page) ||
    page < 1 ||
    !Number.isInteger(pageSize) ||
    pageSize < 1 ||
    pageSize > MAX_PAGE_SIZE
  ) {
    throw new ConnectorError(
      'invalid_filter',
      `Page must be 1 or more and page size 1 to ${MAX_PAGE_SIZE}.`,
    );
  }
  const requested = filter.school === undefined ? undefined : [filter.school].flat();
  for (const school of requested ?? []) assertCanSeeSchool(actor, school);
  // Undefined means every building: only for a district admin who named none.
  const schools = requested ?? visibleSchools(actor);
  return {
    ...(status !== 'all' ? { states: [status] } : {}),
    ...(filter.type ? { type: filter.type } : {}),
    ...(filter.search ? { search: filter.search } : {}),
    ...(schools ? { schools } : {}),
    ...(filter.from ? { from: filter.from } : {}),
    ...(filter.to ? { to: filter.to } : {}),
    ...(filter.ids ? { ids: filter.ids } : {}),
    page,
    pageSize,
  };
}

/** One page of the log as the actor may see it (the Writeback Logs tab and `pswb writeback logs`). */
export function readLogPage(
  store: Pick<WritebackStore, 'query'>,
  actor: Actor,
  filter: LogFilter = {},
): LogPage {
  const query = scopeLogFilter(actor, filter);
  const { rows, total } = store.query(query);
  return logPageOf(query, rows, total);
}

/** A page of the log from the rows a query read (SQLite's or PostgreSQL's). */
export function logPageOf(query: LogQuery, rows: readonly EventRow[], total: number): LogPage {
  return {
    records: rows.map(toWritebackRecord),
    total,
    page: query.page,
    pageSize: query.pageSize,
    pages: Math.ceil(total / query.pageSize),
  };
}

/**
 * The stored event a re-send may put back in the outbox: event_not_found when there is none or
 * the actor may not see its building (ids do not leak), event_not_resendable unless it is failed
 * or not attempted. Both engines' re-sends check through it.
 */
export function resendableRow<Row extends EventRow>(
  row: Row | undefined,
  actor: Actor,
  id: string,
): Row {
  if (!row || !canSeeSchool(actor, row.school_number)) {
    throw new ConnectorError('event_not_found', `No event with id "${id}" in the log.`);
  }
  if (row.state !== 'failed' && row.state !== 'not_attempted') {
    throw new ConnectorError(
      'event_not_resendable',
      `Event "${id}" is ${row.state.replace('_', ' ')}; only a failed or not attempted event is sent again.`,
    );
  }
  return row;
}
