/**
 * One event as the Writeback Logs show it: the guide's columns, and any failure explained from
 * the troubleshooting catalogue.
 */
import {
  EVENT_STATE_LABELS,
  EVENT_TYPE_LABELS,
  isEventType,
  type EventState,
  type EventType,
} from '../domain/index.ts';
import type { EventRow } from '../store/index.ts';
import { explainFailure } from '../troubleshooting/index.ts';

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
  /** A pending event that met an unavailable PowerSchool waits until then to be tried again. */
  retryAt?: string;
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

/**
 * Not attempted events named for what happened: a teacher's mark the school keeps, an event an
 * admin cancelled. The status filter still finds them under Not attempted.
 */
const DECIDED_LABELS: Record<string, string> = {
  kept_existing_record: 'Kept existing record',
  cancelled: 'Cancelled',
};

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
    statusLabel:
      (row.error_code !== null ? DECIDED_LABELS[row.error_code] : undefined) ??
      EVENT_STATE_LABELS[row.state] ??
      String(row.state),
    ...(row.error_message !== null ? { error: explainRow(row) } : {}),
    runs: row.runs,
    ...(row.state === 'pending' && row.retry_at ? { retryAt: row.retry_at } : {}),
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
