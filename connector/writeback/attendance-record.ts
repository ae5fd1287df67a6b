/**
 * Builds the attendance record a writeback posts, per Attendance Mode. Field names and value
 * types: docs/powerschool-reference.md section 4 (strings, except meeting start/end times).
 */
import type { AttendanceFields, PeriodRow, SchoolDayRow } from '../powerschool/index.ts';
import { ATT_MODE_CODES, type EventType } from '../domain/index.ts';

/** What every record needs, whatever the mode. */
export interface RecordBasics {
  studentId: number;
  schoolNumber: number;
  /** District-local YYYY-MM-DD. */
  date: string;
  attendanceCodeId: number;
  comment: string;
}

function commonFields(basics: RecordBasics, yearid: number): AttendanceFields {
  return {
    studentid: String(basics.studentId),
    schoolid: String(basics.schoolNumber),
    att_date: basics.date,
    yearid: String(yearid),
    attendance_codeid: String(basics.attendanceCodeId),
    att_comment: basics.comment,
    // No attendance program: PowerSchool's value for "none" is "0".
    programid: '0',
  };
}

/** Daily mode: one daily_time record for the day. */
export function buildDailyRecord(basics: RecordBasics, day: SchoolDayRow): AttendanceFields {
  return {
    ...commonFields(basics, day.yearid),
    ...(day.calendar_dayid !== undefined ? { calendar_dayid: String(day.calendar_dayid) } : {}),
    att_mode_code: ATT_MODE_CODES.daily,
  };
}

/**
 * Minutes of the school day missed: a late check-in misses from the first bell to the
 * check-in, an early check-out from the check-out to the last bell. Clamped to 0 and to the day's
 * length; rounded to the nearest minute.
 */
export function minutesMissed(
  type: EventType,
  secondsSinceMidnight: number,
  dayStartSeconds: number,
  dayEndSeconds: number,
): number {
  const dayLength = Math.max(0, dayEndSeconds - dayStartSeconds);
  const missed =
    type === 'late_checkin'
      ? secondsSinceMidnight - dayStartSeconds
      : dayEndSeconds - secondsSinceMidnight;
  return Math.round(Math.min(dayLength, Math.max(0, missed)) / 60);
}

/** Time mode: a daily_time record carrying total_minutes missed. */
export function buildTimeRecord(
  basics: RecordBasics,
  day: SchoolDayRow & { day_start_time: number; day_end_time: number },
  type: EventType,
  secondsSinceMidnight: number,
): AttendanceFields {
  const minutes = minutesMissed(type, secondsSinceMidnight, day.day_start_time, day.day_end_time);
  return {
    ...commonFields(basics, day.yearid),
    ...(day.calendar_dayid !== undefined ? { calendar_dayid: String(day.calendar_dayid) } : {}),
    att_mode_code: ATT_MODE_CODES.time,
    total_minutes: String(minutes),
  };
}

/** The period the student is in at a wall-clock time: start_time <= t < end_time. */
export function pickPeriodAt(
  periods: readonly PeriodRow[],
  secondsSinceMidnight: number,
): PeriodRow | undefined {
  return periods.find(
    (period) => period.start_time <= secondsSinceMidnight && secondsSinceMidnight < period.end_time,
  );
}

/** Meeting mode: a meeting_interval record for the class meeting at the event's time. */
export function buildMeetingRecord(
  basics: RecordBasics,
  period: PeriodRow,
  fallbackYearid: number | undefined,
): AttendanceFields {
  const yearid = period.yearid ?? fallbackYearid;
  return {
    ...commonFields(basics, yearid ?? 0),
    ...(period.calendar_dayid !== undefined
      ? { calendar_dayid: String(period.calendar_dayid) }
      : {}),
    att_mode_code: ATT_MODE_CODES.meeting,
    ccid: String(period.ccid),
    periodid: String(period.periodid),
    // Integers, not strings: seconds since midnight (reference section 4).
    start_time: period.start_time,
    end_time: period.end_time,
  };
}
