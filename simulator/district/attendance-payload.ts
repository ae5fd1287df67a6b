/**
 * The attendance write payload (reference section 4):
 * `{"name":"attendance","record":[{"name":"attendance","tables":{"attendance":{...}}}]}`.
 * Values are strings except a meeting's start_time/end_time (seconds since midnight); numbers
 * are accepted for every numeric field too. This module reads the shape; attendance-fields.ts
 * types each record's fields; the rules that need the district's data are in
 * attendance-validation.ts.
 */
import { psError, type PsErrorDetail } from '../http/errors.ts';

/** The three write endpoints under /ws/attendance/. */
export const ATTENDANCE_ENDPOINTS = ['daily_time', 'meeting_interval', 'batch_daily_time'] as const;
export type AttendanceEndpoint = (typeof ATTENDANCE_ENDPOINTS)[number];

/** Inferred: the batch endpoint's documented limit is 200 records per call. */
export const BATCH_LIMIT = 200;

/** ATTENDANCE columns a record may set (checked against FullAccess in access_request). */
export const WRITABLE_ATTENDANCE_FIELDS = [
  'attendance_codeid',
  'calendar_dayid',
  'schoolid',
  'yearid',
  'studentid',
  'att_mode_code',
  'att_comment',
  'att_date',
  'programid',
  'ccid',
  'periodid',
  'total_minutes',
  'att_interval',
] as const;

/** Fields a record may carry that are not written as ATTENDANCE columns (no write access needed). */
const OTHER_FIELDS = ['dcid', 'start_time', 'end_time'] as const;

const WRITABLE = new Set<string>(WRITABLE_ATTENDANCE_FIELDS);
/** Every field a record may carry (lower case). */
export const KNOWN_FIELDS: ReadonlySet<string> = new Set<string>([
  ...WRITABLE_ATTENDANCE_FIELDS,
  ...OTHER_FIELDS,
]);

/** A record's problem: the text PowerSchool answers with and the field it concerns. */
export interface AttendanceProblem {
  message: string;
  field?: string;
  code: string;
}

const detail = (problem: AttendanceProblem): PsErrorDetail => ({
  resource: 'attendance',
  field: problem.field,
  code: problem.code,
});

/** Turns a record problem into the 400 PowerSchool answers (the guide shows 400 Bad Request). */
export function problemToError(problem: AttendanceProblem): Error {
  return psError(400, problem.message, [detail(problem)]);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A record's `tables.attendance` field map, or undefined when the record has none. */
function attendanceFieldsOf(record: unknown): Record<string, unknown> | undefined {
  const tables = isObject(record) ? record.tables : undefined;
  const fields = isObject(tables) ? tables.attendance : undefined;
  return isObject(fields) ? fields : undefined;
}

/**
 * The attendance field maps of a body, read leniently (anything unreadable is skipped): the
 * write-access check runs before the payload is validated, on the fields actually sent.
 */
export function attendanceFieldMaps(body: unknown): Record<string, unknown>[] {
  const maps: Record<string, unknown>[] = [];
  if (!isObject(body) || !Array.isArray(body.record)) return maps;
  for (const record of body.record as unknown[]) {
    const fields = attendanceFieldsOf(record);
    if (fields) maps.push(fields);
  }
  return maps;
}

/** The ATTENDANCE columns the records set (names as sent; repeats kept), for assertWriteAccess. */
export function writtenAttendanceColumns(fieldMaps: Record<string, unknown>[]): string[] {
  const columns: string[] = [];
  for (const fields of fieldMaps) {
    for (const name in fields) if (WRITABLE.has(name.toLowerCase())) columns.push(name);
  }
  return columns;
}

/** Checks the envelope; returns each record's raw field map. 400 when the shape is wrong. */
export function readAttendanceEnvelope(
  body: unknown,
  endpoint: AttendanceEndpoint,
): Record<string, unknown>[] {
  const shapeHelp =
    'Send {"name":"attendance","record":[{"name":"attendance","tables":{"attendance":{...}}}]}.';
  if (!isObject(body) || !Array.isArray(body.record)) {
    throw psError(400, `Invalid payload structure: a "record" array is required. ${shapeHelp}`, [
      { resource: 'attendance', field: 'record', code: 'InvalidPayload' },
    ]);
  }
  if (body.record.length === 0) {
    throw psError(400, `Invalid payload structure: "record" is empty. ${shapeHelp}`, [
      { resource: 'attendance', field: 'record', code: 'InvalidPayload' },
    ]);
  }
  if (endpoint === 'daily_time' && body.record.length > 1) {
    throw psError(
      400,
      `Invalid payload structure: /ws/attendance/daily_time takes one record; got ${body.record.length}. Send one per call, or use batch_daily_time (25.3.0+).`,
      [{ resource: 'attendance', field: 'record', code: 'TooManyRecords' }],
    );
  }
  if (endpoint === 'batch_daily_time' && body.record.length > BATCH_LIMIT) {
    throw psError(
      400,
      `Invalid payload structure: /ws/attendance/batch_daily_time takes at most ${BATCH_LIMIT} records; got ${body.record.length}. Split the batch.`,
      [{ resource: 'attendance', field: 'record', code: 'TooManyRecords' }],
    );
  }
  return body.record.map((record, index) => {
    const fields = attendanceFieldsOf(record);
    if (!fields) {
      throw psError(
        400,
        `Invalid payload structure: record[${index}] has no tables.attendance object. ${shapeHelp}`,
        [
          {
            resource: 'attendance',
            field: `record[${index}].tables.attendance`,
            code: 'InvalidPayload',
          },
        ],
      );
    }
    return fields;
  });
}
