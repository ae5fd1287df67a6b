/**
 * One attendance record's fields, type-checked against the types API-REF declares: every field
 * a JSON string except a meeting's start_time and end_time, JSON integers (seconds since
 * midnight). A number sent for a string field, or a string for an integer one, is refused with
 * 400 (inferred text; the status follows API-REF's "errors that were identified in the payload").
 * Then: names known, numbers whole, the date a real calendar date, the mode one the endpoint
 * takes, the required fields present.
 */
import { isIsoDate } from './dates.ts';
import {
  KNOWN_FIELDS,
  type AttendanceEndpoint,
  type AttendanceProblem,
} from './attendance-payload.ts';
import { ATT_MODES, isAttMode, type AttMode } from './schema.ts';

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
const NUMERIC = new Set<string>(NUMERIC_FIELDS);
/** The fields API-REF declares integer; every other field is declared string. */
const INTEGER_FIELDS = new Set<string>(['start_time', 'end_time']);
const WHOLE_NUMBER = /^-?\d+$/;

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
  for (const rawName of Object.keys(fields)) {
    const value = fields[rawName];
    // Names normally arrive in lower case already; toLowerCase copies the string every time.
    const name = KNOWN_FIELDS.has(rawName) ? rawName : rawName.toLowerCase();
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

/** Plain digits short enough to be exact, read without a regular expression (most values). */
const PLAIN_DIGITS_MAX = 15;

/** The whole number a text holds (`-12`, ` 7 `), or NaN. */
function wholeNumberOf(text: string): number {
  const length = text.length;
  if (length > 0 && length <= PLAIN_DIGITS_MAX) {
    let number = 0;
    let i = 0;
    for (; i < length; i += 1) {
      const digit = text.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) break;
      number = number * 10 + digit;
    }
    if (i === length) return number;
  }
  return WHOLE_NUMBER.test(text.trim()) ? Number(text) : NaN;
}

/** A JSON value of the type API-REF does not declare for the field. */
function wrongJsonType(
  name: string,
  value: unknown,
  declared: 'string' | 'integer',
): AttendanceProblem {
  const fix =
    declared === 'string'
      ? `send it as a string, "${String(value)}"`
      : 'send it as a JSON integer (seconds since midnight)';
  return {
    message: `Invalid value for ${name.toUpperCase()}: the field is declared ${declared}, got ${JSON.stringify(value)}; ${fix}.`,
    field: name,
    code: 'InvalidType',
  };
}

/** A value of the wrong type or range, in the words of PowerSchool's field errors. */
function invalidValue(name: string, value: unknown, expected: string): AttendanceProblem {
  return {
    message: `Invalid value for ${name.toUpperCase()}: expected ${expected}, got ${JSON.stringify(value)}.`,
    field: name,
    code: 'InvalidValue',
  };
}

// A plain function, no closure per call: a closure per field cost more than the checks (each
// gets a name defined on it under tsx).
function parseField(
  name: string,
  value: unknown,
  endpoint: AttendanceEndpoint,
): number | string | AttendanceProblem {
  if (INTEGER_FIELDS.has(name)) {
    if (typeof value !== 'number') return wrongJsonType(name, value, 'integer');
  } else if (typeof value !== 'string') {
    return wrongJsonType(name, value, 'string');
  }
  if (NUMERIC.has(name)) {
    const number = typeof value === 'number' ? value : wholeNumberOf(value as string);
    if (!Number.isSafeInteger(number)) return invalidValue(name, value, 'a whole number');
    if ((name === 'start_time' || name === 'end_time') && (number < 0 || number > 86_400))
      return invalidValue(name, value, 'seconds since midnight (0-86400)');
    return number;
  }
  if (typeof value !== 'string') return invalidValue(name, value, 'text');
  if (name === 'att_date' && !isIsoDate(value))
    return invalidValue(name, value, 'a date written YYYY-MM-DD');
  if (name === 'att_mode_code') {
    if (!isAttMode(value)) return invalidValue(name, value, `one of ${ATT_MODES.join(', ')}`);
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
  // Nearly every record is complete: prove that without building lists.
  if (hasAll(input, REQUIRED_FIELDS) && (!mode || hasAll(input, MODE_REQUIRED[mode]))) {
    return undefined;
  }
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

function hasAll(input: AttendanceInput, names: readonly (keyof AttendanceInput)[]): boolean {
  for (const name of names) if (input[name] === undefined) return false;
  return true;
}
