/**
 * The rows of the outbox and writeback log as SQLite stores them, and what a finished event
 * writes back into its row.
 */
import type { HttpAttempt } from '../http/index.ts';
import type { EventState } from '../domain/index.ts';

/** One events row as stored. */
export interface EventRow {
  seq: number;
  id: string;
  type: string;
  school_number: number;
  student_name: string;
  student_dcid: number | null;
  student_ps_id: number | null;
  grade: string | null;
  occurred_at: string;
  occurred_ms: number;
  local_date: string;
  local_time: string;
  reason: string;
  payload: string;
  state: EventState;
  owner: string | null;
  /** Claims of the event (a run that took it), cut-short ones too; attempts journal it. */
  runs: number;
  /**
   * The tries that found PowerSchool unavailable since it was accepted or last re-sent: they
   * choose the wait before the next try and when it is Failed for good (runner.ts, RetryLater).
   */
  retries: number;
  /** A pending event retried later waits until then (ISO instant); null otherwise. */
  retry_at: string | null;
  error_code: string | null;
  error_message: string | null;
  error_status: number | null;
  error_body: string | null;
  result: string | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
}

/** One attempts row as stored. */
export interface AttemptRow {
  id: number;
  event_id: string;
  run: number;
  started_at: string;
  duration_ms: number;
  method: string;
  url: string;
  http_status: number | null;
  outcome: string;
  error_code: string | null;
  response_body: string | null;
  retry_in_ms: number | null;
}

/** How an event ended. */
export interface EventOutcome {
  state: 'successful' | 'failed' | 'not_attempted';
  studentPsId?: number;
  error?: {
    code: string;
    message: string;
    status?: number;
    body?: string;
    /** PowerSchool's Retry-After in ms (not stored: it pauses a district on PostgreSQL). */
    retryAfterMs?: number;
  };
  /** What was written (JSON-able), for successful events. */
  result?: unknown;
}

/** An earlier version of an event, kept when an admin corrected or cancelled it (schema 6). */
export interface EventVersionRow {
  event_id: string;
  /** 1 for the event as first accepted. */
  version: number;
  payload: string;
  /** Its state when it was replaced. */
  state: EventState;
  local_date: string;
  local_time: string;
  error_code: string | null;
  error_message: string | null;
  /** What it had written (JSON), when it was successful. */
  result: string | null;
  change: 'corrected' | 'cancelled';
  changed_at: string;
  changed_by: string;
  /** The records removed from PowerSchool when it was replaced (JSON list). */
  removed: string | null;
}

/** The local date and time an event is shown and filtered by. */
export interface LocalStamp {
  date: string;
  time: string;
}

/**
 * A successful answer is journaled up to this many characters; a failed one whole. A single
 * write's answer fits; a query page or a batch answer, journaled under each of the hundreds of
 * events it served, was megabytes per run for nothing a reader needs (docs/benchmarks.md, figure 3).
 */
export const OK_BODY_KEPT_CHARS = 500;

/** The response body as journaled: failures whole, successful answers cut past the limit. */
export function journaledBody(attempt: HttpAttempt): string | null {
  const body = attempt.bodyText;
  if (body === undefined) return null;
  if (attempt.outcome !== 'ok' || body.length <= OK_BODY_KEPT_CHARS) return body;
  return `${body.slice(0, OK_BODY_KEPT_CHARS)}… [cut: ${body.length} characters in all]`;
}
