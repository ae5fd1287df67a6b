/**
 * pswb_events rows as the connector reads them: SQLite's EventRow (rows.ts) with the district
 * and the lease, so both engines hand the rest of the connector the same record.
 */
import type { EventRow } from '../rows.ts';

/** One pswb_events row: an EventRow of its district, with the claim's lease. */
export interface PgEventRow extends EventRow {
  district: string;
  /** While sending: when the claim lapses and another worker may take the event (ISO instant). */
  lease_until: string | null;
}

/**
 * The columns read back, each in EventRow's form: the date and the stored JSON as text (the
 * driver would make a local-midnight Date of a date, and an object of jsonb).
 */
export const EVENT_COLUMNS = `seq, district, id, type, school_number, student_name, student_dcid,
  student_ps_id, grade, occurred_at, occurred_ms, local_date::text AS local_date, local_time,
  reason, payload::text AS payload, state, owner, lease_until, runs, retries, retry_at,
  error_code, error_message, error_status, error_body, result::text AS result, created_at,
  updated_at, completed_at`;

/** The same columns of the table aliased `e` (an UPDATE ... FROM). */
export const EVENT_COLUMNS_OF_E = EVENT_COLUMNS.split(',')
  .map((column) => `e.${column.trim()}`)
  .join(', ');

/** A row as the driver gives it: bigint as text, timestamptz as Date. */
export type RawEventRow = Record<keyof PgEventRow, unknown>;

/** Maps a row of EVENT_COLUMNS to its record. */
export function toPgEventRow(raw: RawEventRow): PgEventRow {
  return {
    seq: Number(raw.seq),
    district: raw.district as string,
    id: raw.id as string,
    type: raw.type as string,
    school_number: raw.school_number as number,
    student_name: raw.student_name as string,
    student_dcid: nullableNumber(raw.student_dcid),
    student_ps_id: nullableNumber(raw.student_ps_id),
    grade: raw.grade as string | null,
    occurred_at: raw.occurred_at as string,
    occurred_ms: Number(raw.occurred_ms),
    local_date: raw.local_date as string,
    local_time: raw.local_time as string,
    reason: raw.reason as string,
    payload: raw.payload as string,
    state: raw.state as PgEventRow['state'],
    owner: raw.owner as string | null,
    lease_until: isoOrNull(raw.lease_until),
    runs: raw.runs as number,
    retries: raw.retries as number,
    retry_at: isoOrNull(raw.retry_at),
    error_code: raw.error_code as string | null,
    error_message: raw.error_message as string | null,
    error_status: raw.error_status as number | null,
    error_body: raw.error_body as string | null,
    result: raw.result as string | null,
    created_at: isoOrNull(raw.created_at)!,
    updated_at: isoOrNull(raw.updated_at)!,
    completed_at: isoOrNull(raw.completed_at),
  };
}

function nullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

function isoOrNull(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}
