/**
 * The Writeback Logs tab: filters checked and scoped to the actor, rows turned into records with
 * the guide's columns, and each failure explained from the troubleshooting catalogue.
 */
import { ConnectorError } from './connector-error.ts';
import type { LogQuery } from './log-query.ts';
import { assertCanSeeSchool, visibleSchools, type Actor } from './roles.ts';
import { explainFailure } from './troubleshooting.ts';
import {
  EVENT_STATES,
  EVENT_STATE_LABELS,
  EVENT_TYPE_LABELS,
  isEventState,
  isEventType,
  listValues,
  type EventState,
  type EventType,
} from './vocabulary.ts';
import type { EventRow } from './writeback-store.ts';

/** The status filter: the guide's All / Successful / Failed, plus the outbox states. */
export const LOG_STATUS_FILTERS = ['all', ...EVENT_STATES] as const;
export type LogStatusFilter = (typeof LOG_STATUS_FILTERS)[number];

/** The filters of the Writeback Logs tab. */
export interface LogFilter {
  status?: LogStatusFilter;
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

/** A failure with the catalogue's meaning and fix. */
export interface ExplainedError {
  code: string;
  message: string;
  status?: number;
  /** PowerSchool's whole answer, when there was one. */
  body?: string;
  troubleshootingId: string;
  meaning: string;
  causes: readonly string[];
  resolution: readonly string[];
}

/** One event as the log shows it. */
export interface WritebackRecord {
  id: string;
  type: EventType;
  typeLabel: string;
  studentName: string;
  studentPsId: number | null;
  studentDcid: number | null;
  grade: string | null;
  schoolNumber: number;
  occurredAt: string;
  /** District-local date and time of the event. */
  localDate: string;
  localTime: string;
  reason: string;
  status: EventState;
  statusLabel: string;
  error?: ExplainedError;
  /** How many times the event was processed (1 + replays, + resumes). */
  runs: number;
  createdAt: string;
  completedAt: string | null;
  written?: unknown;
}

/** A page of the log. */
export interface LogPage {
  records: WritebackRecord[];
  total: number;
  page: number;
  pageSize: number;
  pages: number;
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
    ...(filter.search ? { search: filter.search } : {}),
    ...(schools ? { schools } : {}),
    ...(filter.from ? { from: filter.from } : {}),
    ...(filter.to ? { to: filter.to } : {}),
    ...(filter.ids ? { ids: filter.ids } : {}),
    page,
    pageSize,
  };
}

/** Turns a stored row into the log's record, explaining any failure. */
export function toWritebackRecord(row: EventRow): WritebackRecord {
  const type = isEventType(row.type) ? row.type : 'late_checkin';
  return {
    id: row.id,
    type,
    typeLabel: EVENT_TYPE_LABELS[type],
    studentName: row.student_name,
    studentPsId: row.student_ps_id,
    studentDcid: row.student_dcid,
    grade: row.grade,
    schoolNumber: row.school_number,
    occurredAt: row.occurred_at,
    localDate: row.local_date,
    localTime: row.local_time,
    reason: row.reason,
    status: row.state,
    statusLabel: EVENT_STATE_LABELS[row.state],
    ...(row.error_message !== null ? { error: explainRow(row) } : {}),
    runs: row.runs,
    createdAt: row.created_at,
    completedAt: row.completed_at,
    ...(row.result !== null ? { written: JSON.parse(row.result) as unknown } : {}),
  };
}

function explainRow(row: EventRow): ExplainedError {
  const facts = {
    ...(row.error_code !== null ? { code: row.error_code } : {}),
    message: row.error_message ?? '',
    ...(row.error_status !== null ? { status: row.error_status } : {}),
  };
  const entry = explainFailure(facts);
  return {
    code: row.error_code ?? 'unknown',
    message: facts.message,
    ...(row.error_status !== null ? { status: row.error_status } : {}),
    ...(row.error_body !== null ? { body: row.error_body } : {}),
    troubleshootingId: entry.id,
    meaning: entry.meaning,
    causes: entry.causes,
    resolution: entry.resolution,
  };
}
