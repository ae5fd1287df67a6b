/**
 * The attendance write payload (reference section 4):
 * `{"name":"attendance","record":[{"name":"attendance","tables":{"attendance":{...}}}]}`.
 * Values are strings except a meeting's start_time/end_time (seconds since midnight); numbers
 * are accepted for every numeric field too. This module reads the shape and types; the rules
 * that need the district's data are in attendance-validation.ts.
 */
import { psError, type PsErrorDetail } from '../http-errors.ts';
import { isIsoDate } from './dates.ts';
import { ATT_MODES, isAttMode, type AttMode } from './schema.ts';

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
const KNOWN_FIELDS = new Set<string>([...WRITABLE_ATTENDANCE_FIELDS, ...OTHER_FIELDS]);

const NUMERIC_FIELDS = [
  'attendance_codeid',
  'calendar_dayid',
  'schoolid',
  'yearid',
  'studentid',
  'programid',
  'ccid',
  'periodid',
  'total_minutes',
  'att_interval',
  'dcid',
  'start_time',
  'end_time',
] as const;
type NumericField = (typeof NUMERIC_FIELDS)[number];

/** A record after type checks: numbers are numbers; absent fields are undefined. */
export type AttendanceInput = { [K in NumericField]?: number } & {
  att_date?: string;
  att_mode_code?: AttMode;
  att_comment?: string;
};

/** Required by every endpoint (API-REF: STUDENTID, ATT_DATE, SCHOOLID, YEARID, ATT_MODE_CODE, ATTENDANCE_CODEID). */
export const REQUIRED_FIELDS = [
  'studentid',
  'att_date',
  'schoolid',
  'yearid',
  'att_mode_code',
  'attendance_codeid',
] as const;

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
  if (!isObject(body) || !Array.isArray(body.record)) return [];
  return body.record.flatMap((record) => {
    const fields = attendanceFieldsOf(record);
    return fields ? [fields] : [];
  });
}

/** Upper-case ATTENDANCE columns the records set, for assertWriteAccess. */
export function writtenAttendanceColumns(fieldMaps: Record<string, unknown>[]): string[] {
  const columns = new Set<string>();
  for (const fields of fieldMaps) {
    for (const name of Object.keys(fields))
      if (WRITABLE.has(name.toLowerCase())) columns.add(name.toUpperCase());
  }
  return [...columns].sort();
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

/** Modes each endpoint takes (daily_time: Daily/Time; meeting_interval: Meeting/Interval). */
const ENDPOINT_MODES: Record<AttendanceEndpoint, readonly AttMode[]> = {
  daily_time: ['ATT_ModeDaily', 'ATT_ModeTime'],
  batch_daily_time: ['ATT_ModeDaily', 'ATT_ModeTime'],
  meeting_interval: ['ATT_ModeMeeting', 'ATT_ModeInterval'],
};

/** Type-checks one record's fields; returns the typed input or the first problem. */
export function readAttendanceFields(
  fields: Record<string, unknown>,
  endpoint: AttendanceEndpoint,
): AttendanceInput | AttendanceProblem {
  const input: Record<string, unknown> = {};
  for (const [rawName, value] of Object.entries(fields)) {
    const name = rawName.toLowerCase();
    if (!KNOWN_FIELDS.has(name)) {
      return {
        message: `Invalid field specified: ${rawName} is not valid column for table: attendance`,
        field: rawName,
        code: 'InvalidField',
      };
    }
    if (value === null || value === undefined || value === '') continue;
    const parsed = parseField(name, value, endpoint);
    if (typeof parsed === 'object') return parsed;
    input[name] = parsed;
  }
  return input as AttendanceInput;
}

function parseField(
  name: string,
  value: unknown,
  endpoint: AttendanceEndpoint,
): number | string | AttendanceProblem {
  const invalid = (expected: string): AttendanceProblem => ({
    message: `Invalid value for ${name.toUpperCase()}: expected ${expected}, got ${JSON.stringify(value)}.`,
    field: name,
    code: 'InvalidValue',
  });
  if ((NUMERIC_FIELDS as readonly string[]).includes(name)) {
    const number =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && /^-?\d+$/.test(value.trim())
          ? Number(value)
          : NaN;
    if (!Number.isSafeInteger(number)) return invalid('a whole number');
    if ((name === 'start_time' || name === 'end_time') && (number < 0 || number > 86_400))
      return invalid('seconds since midnight (0-86400)');
    return number;
  }
  if (typeof value !== 'string') return invalid('text');
  if (name === 'att_date' && !isIsoDate(value)) return invalid('a date written YYYY-MM-DD');
  if (name === 'att_mode_code') {
    if (!isAttMode(value)) return invalid(`one of ${ATT_MODES.join(', ')}`);
    if (!ENDPOINT_MODES[endpoint].includes(value)) {
      return {
        message: `Invalid value for ATT_MODE_CODE: /ws/attendance/${endpoint} takes ${ENDPOINT_MODES[endpoint].join(' or ')}; got ${value}.`,
        field: name,
        code: 'InvalidValue',
      };
    }
  }
  return value;
}

/** Fields each mode needs beyond REQUIRED_FIELDS (API-REF: meeting start/end, interval att_interval). */
const MODE_REQUIRED: Record<AttMode, readonly (keyof AttendanceInput)[]> = {
  ATT_ModeDaily: [],
  ATT_ModeTime: ['total_minutes'],
  ATT_ModeMeeting: ['ccid', 'periodid', 'start_time', 'end_time'],
  ATT_ModeInterval: ['att_interval'],
};

/** The first missing required field, as a problem (Inferred: the text of this error). */
export function findMissingField(input: AttendanceInput): AttendanceProblem | undefined {
  const mode = input.att_mode_code;
  const required = [...REQUIRED_FIELDS, ...(mode ? MODE_REQUIRED[mode] : [])];
  const missing = required.filter((name) => input[name] === undefined);
  if (!missing.length) return undefined;
  const names = missing.map((name) => name.toUpperCase()).join(', ');
  return {
    message: `Record Not Saved. : Missing required field(s): ${names}.`,
    field: missing[0],
    code: 'MissingField',
  };
}
