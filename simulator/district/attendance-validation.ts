/**
 * The rules an attendance record must pass, in PowerSchool's order, each error produced by the
 * district's data with the product guide's text (SEED): student exists -> enrolled on the date ->
 * the code belongs to the school and to the year of the term containing the date -> the mode is
 * the school's recording method -> (meeting) the class enrollment and period are the student's
 * that day. Texts marked Inferred are not shown by any public source.
 */
import { adaValues } from './attendance-ada.ts';
import { formatUsDate } from './dates.ts';
import type { AttendanceTimeValues, AttendanceValues, District } from './district.ts';
import {
  findMissingField,
  readAttendanceFields,
  type AttendanceInput,
} from './attendance-fields.ts';
import type { AttendanceEndpoint, AttendanceProblem } from './attendance-payload.ts';
import type { AttendanceCodeRow, AttMode, StudentRow } from './schema.ts';
import { isActiveEnrollment, meetsInPeriod } from './student-schedule.ts';

/** A record that passed every rule: the row values to save and its time details. */
export interface ValidAttendance {
  values: AttendanceValues;
  time?: AttendanceTimeValues;
  /** Set when the record names an existing row by dcid (Time-mode updates). */
  dcid?: number;
}

type Complete = Required<
  Pick<
    AttendanceInput,
    'studentid' | 'att_date' | 'schoolid' | 'yearid' | 'att_mode_code' | 'attendance_codeid'
  >
> &
  AttendanceInput;

const fail = (message: string, field: string, code: string): AttendanceProblem => ({
  message,
  field,
  code,
});
const fullName = (student: StudentRow): string => `${student.first_name} ${student.last_name}`;

/** Runs every rule on one raw record; returns what to save or the first problem. */
export function validateAttendanceRecord(
  district: District,
  fields: Record<string, unknown>,
  endpoint: AttendanceEndpoint,
): ValidAttendance | AttendanceProblem {
  const input = readAttendanceFields(fields, endpoint);
  if ('message' in input) return input;
  const missing = findMissingField(input);
  if (missing) return missing;
  return checkRecord(district, input as Complete);
}

function checkRecord(district: District, input: Complete): ValidAttendance | AttendanceProblem {
  const student = district.studentById(input.studentid);
  // Inferred texts: a missing student or school is not in the guide.
  if (!student) {
    return fail(
      `Record Not Saved. : Student ${input.studentid} doesn't exist.`,
      'studentid',
      'NotFound',
    );
  }
  if (!district.schoolByNumber(input.schoolid)) {
    return fail(
      `Record Not Saved. : School ${input.schoolid} doesn't exist.`,
      'schoolid',
      'NotFound',
    );
  }
  if (!district.isEnrolled(student, input.schoolid, input.att_date)) {
    return fail(
      `Record Not Saved. : The student ${fullName(student)} isn't enrolled on ${formatUsDate(input.att_date)}.`,
      'att_date',
      'NotEnrolled',
    );
  }
  const year = checkCodeAndYear(district, input);
  if ('message' in year) return year;
  const problem =
    checkMode(district, input, year.yearid) ??
    checkVoid(input) ??
    (input.att_mode_code === 'ATT_ModeMeeting'
      ? checkMeeting(district, student, input)
      : undefined) ??
    checkNamedRow(district, student, input);
  return problem ?? toValidAttendance(district, student, input, year.code);
}

/**
 * The record's mode must be one of the recording methods the school enables for the year (a
 * school may enable more than one). SEED: "You have ATT_Mode[Meeting/Daily/Time] set as the
 * method to use..."; inferred: the rest of the text, and several methods joined by "and".
 */
function checkMode(
  district: District,
  input: Complete,
  yearid: number,
): AttendanceProblem | undefined {
  if (district.enablesMode(input.schoolid, yearid, input.att_mode_code)) return undefined;
  const methods = district.attendanceModes(input.schoolid, yearid);
  const named = methods.length ? methods.join(' and ') : 'no method';
  return fail(
    `You have ${named} set as the method to use for recording attendance at this school; this record uses ${input.att_mode_code}.`,
    'att_mode_code',
    'ModeMismatch',
  );
}

/**
 * Inferred: 0 minutes on a Time record names by dcid voids that record (it is deleted); a Time
 * record of 0 minutes without dcid is saved like any other (a student who missed nothing).
 * Only Time records are voided this way.
 */
function checkVoid(input: Complete): AttendanceProblem | undefined {
  if (input.dcid === undefined || input.total_minutes !== 0) return undefined;
  if (input.att_mode_code === 'ATT_ModeTime') return undefined;
  return fail(
    `Record Not Saved. : Only a Time record is voided with 0 minutes; this record uses ${input.att_mode_code}.`,
    'total_minutes',
    'InvalidValue',
  );
}

/** A record naming its row by dcid must name a row of the same student and date. */
function checkNamedRow(
  district: District,
  student: StudentRow,
  input: Complete,
): AttendanceProblem | undefined {
  if (input.dcid === undefined) return undefined;
  const row = district.attendanceByDcid(input.dcid);
  if (row && row.studentid === student.id && row.att_date === input.att_date) return undefined;
  return fail(
    `Record Not Saved. : No attendance record of ${fullName(student)} on ${formatUsDate(input.att_date)} has dcid ${input.dcid}.`,
    'dcid',
    'NotFound',
  );
}

/** The row values to save (absent optional fields become 0 or ''). */
function toValidAttendance(
  district: District,
  student: StudentRow,
  input: Complete,
  code: AttendanceCodeRow,
): ValidAttendance {
  const time = timeDetails(input);
  const ada = adaValues(district, input, code);
  const valid: ValidAttendance = {
    values: {
      studentid: student.id,
      schoolid: input.schoolid,
      yearid: input.yearid,
      att_date: input.att_date,
      attendance_codeid: input.attendance_codeid,
      att_mode_code: input.att_mode_code,
      att_comment: input.att_comment ?? '',
      // Inferred: PowerSchool fills the calendar day when the record leaves it out.
      calendar_dayid:
        input.calendar_dayid ?? district.calendarDay(input.schoolid, input.att_date)?.id ?? 0,
      ccid: input.ccid ?? 0,
      periodid: input.periodid ?? 0,
      programid: input.programid ?? 0,
      total_minutes: input.total_minutes ?? 0,
      att_interval: input.att_interval ?? 0,
      // Written out, not spread: a spread copy is slow on a path every write takes.
      att_flags: ada.att_flags,
      ada_value_code: ada.ada_value_code,
      ada_value_time: ada.ada_value_time,
      adm_value: ada.adm_value,
    },
  };
  if (time) valid.time = time;
  if (input.dcid !== undefined) valid.dcid = input.dcid;
  return valid;
}

/**
 * The code must be the school's and of the year of the term containing the date; so must the
 * record's yearid. SEED: "Record Not Saved. : [Number] doesn't match the term's year value: [Number]."
 */
function checkCodeAndYear(
  district: District,
  input: Complete,
): { yearid: number; code: AttendanceCodeRow } | AttendanceProblem {
  const term = district.yearTermOn(input.schoolid, input.att_date);
  if (!term) {
    // Inferred text: no public source shows a write outside every school year.
    return fail(
      `Record Not Saved. : No school year term of school ${input.schoolid} contains ${formatUsDate(input.att_date)}.`,
      'att_date',
      'NoTerm',
    );
  }
  const code = district.table('attendance_code').get(input.attendance_codeid);
  if (!code)
    return fail(
      `Record Not Saved. : Attendance code ${input.attendance_codeid} doesn't exist.`,
      'attendance_codeid',
      'NotFound',
    );
  if (code.schoolid !== input.schoolid) {
    return fail(
      `Record Not Saved. : Attendance code ${code.id} belongs to school ${code.schoolid}, not ${input.schoolid}.`,
      'attendance_codeid',
      'WrongSchool',
    );
  }
  // The code's year is checked before the record's own yearid.
  if (code.yearid !== term.yearid) return yearMismatch(code.yearid, 'attendance_codeid', term);
  if (input.yearid !== term.yearid) return yearMismatch(input.yearid, 'yearid', term);
  return { yearid: term.yearid, code };
}

function yearMismatch(yearid: number, field: string, term: { yearid: number }): AttendanceProblem {
  return fail(
    `Record Not Saved. : ${yearid} doesn't match the term's year value: ${term.yearid}.`,
    field,
    'YearMismatch',
  );
}

/** A meeting record's CCID must be the student's, active that day, meeting in that period. */
function checkMeeting(
  district: District,
  student: StudentRow,
  input: Complete,
): AttendanceProblem | undefined {
  const { ccid = 0, periodid = 0, att_date: date } = input;
  const cc = district.table('cc').get(ccid);
  if (!cc || cc.studentid !== student.id || !isActiveEnrollment(cc, date)) {
    return fail(
      `Record Not Saved. : ${ccid} isn't an active class enrollment (CCID) of ${fullName(student)} on ${formatUsDate(date)}.`,
      'ccid',
      'InvalidEnrollment',
    );
  }
  // Only this enrollment in this period: resolving every class of the student cost a tenth of
  // a write at 100,000 students (docs/benchmarks.md, figure 1).
  if (!meetsInPeriod(district, cc, date, periodid)) {
    return fail(
      `Record Not Saved. : Section ${cc.sectionid} of ${fullName(student)} doesn't meet in period ${periodid} on ${formatUsDate(date)}.`,
      'periodid',
      'InvalidPeriod',
    );
  }
  return undefined;
}

/** Inferred: ATTENDANCE_TIME holds a Time record's minutes and a meeting's start and end. */
function timeDetails(input: Complete): AttendanceTimeValues | undefined {
  const mode: AttMode = input.att_mode_code;
  if (mode === 'ATT_ModeTime')
    return { time_in: null, time_out: null, total_minutes: input.total_minutes ?? 0 };
  if (
    mode === 'ATT_ModeMeeting' &&
    input.start_time !== undefined &&
    input.end_time !== undefined
  ) {
    return {
      time_in: input.start_time,
      time_out: input.end_time,
      total_minutes: Math.max(0, Math.round((input.end_time - input.start_time) / 60)),
    };
  }
  return undefined;
}
