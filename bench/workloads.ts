/**
 * The requests and events the benchmarks send, derived from a simulated district so that every
 * one of them is valid: meeting records in a period the student really has, DCIDs that exist,
 * check-ins at schools where the student is enrolled. Built once per run, outside any timing.
 */
import type { District } from '../simulator/district/district.ts';
import type { StudentRow } from '../simulator/district/schema.ts';
import { compositeKey } from '../simulator/district/indexed-table.ts';
import { scheduledMeetings } from '../simulator/district/student-schedule.ts';

/** A Wednesday in session (an A day) in the demo and large districts' 2026-27 calendar. */
export const BENCH_DATE = '2026-10-14';
/** The school year of BENCH_DATE: 2026-27 -> 2026 - 1990 (reference section 5). */
export const BENCH_YEARID = 36;
/** New York is on EDT (UTC-4) on BENCH_DATE; events carry the offset, as the connector requires. */
export const BENCH_DATE_OFFSET = '-04:00';
/** Noon on BENCH_DATE in New York: the simulator clock during a run. */
export const BENCH_CLOCK = '2026-10-14T16:00:00Z';

const OCTOBER_DATES = Array.from(
  { length: 31 },
  (_, day) => `2026-10-${String(day + 1).padStart(2, '0')}`,
);

/** Schools (by school number) whose recording method in BENCH_YEARID is the given mode. */
export function schoolsInMode(district: District, mode: string): number[] {
  return district
    .table('schools')
    .all()
    .map((school) => school.school_number)
    .filter((number) =>
      (district.attendanceModes(number, BENCH_YEARID) as string[]).includes(mode),
    );
}

/** Students of these schools enrolled on the date, in id order. */
export function enrolledStudents(
  district: District,
  schoolNumbers: readonly number[],
  date: string,
): StudentRow[] {
  const wanted = new Set(schoolNumbers);
  return district
    .table('students')
    .all()
    .filter((s) => wanted.has(s.schoolid) && district.isEnrolled(s, s.schoolid, date));
}

/** The id of a school's attendance code (att_code such as "T") in BENCH_YEARID. */
export function codeId(district: District, schoolNumber: number, attCode: string): number {
  const code = district
    .table('attendance_code')
    .lookup('schoolid|yearid', compositeKey(schoolNumber, BENCH_YEARID))
    .find((row) => row.att_code === attCode);
  if (!code) throw new Error(`school ${schoolNumber} has no code ${attCode} in ${BENCH_YEARID}`);
  return code.id;
}

/**
 * JSON bodies of valid meeting_interval writes (one record each), spread over the meeting
 * schools' students and October's in-session days, so a run inserts before it updates.
 */
export function meetingWriteBodies(district: District, maxRecords: number): string[] {
  const schools = schoolsInMode(district, 'ATT_ModeMeeting');
  const students = enrolledStudents(district, schools, BENCH_DATE);
  const bodies: string[] = [];
  for (const date of OCTOBER_DATES) {
    for (const [position, student] of students.entries()) {
      if (bodies.length >= maxRecords) return bodies;
      const meetings = scheduledMeetings(district, student.id, date);
      const meeting = meetings[position % Math.max(1, meetings.length)];
      if (!meeting) continue;
      const fields = {
        studentid: String(student.id),
        schoolid: String(student.schoolid),
        att_date: date,
        yearid: String(meeting.period.year_id),
        attendance_codeid: String(codeId(district, student.schoolid, 'T')),
        att_comment: 'Late Check-in at 08:40',
        programid: '0',
        calendar_dayid: String(meeting.calendarDay.id),
        att_mode_code: 'ATT_ModeMeeting',
        ccid: String(meeting.cc.id),
        periodid: String(meeting.period.id),
        start_time: meeting.item.start_time,
        end_time: meeting.item.end_time,
      };
      bodies.push(
        JSON.stringify({
          name: 'attendance',
          record: [{ name: 'attendance', tables: { attendance: fields } }],
        }),
      );
    }
  }
  return bodies;
}

/**
 * JSON bodies of valid daily_time writes (one Daily record each) over the Daily schools'
 * students and October's in-session days: a run inserts, then updates the day's Daily row.
 */
export function dailyWriteBodies(district: District, maxRecords: number): string[] {
  const schools = schoolsInMode(district, 'ATT_ModeDaily');
  const students = enrolledStudents(district, schools, BENCH_DATE);
  const bodies: string[] = [];
  for (const date of OCTOBER_DATES) {
    for (const student of students) {
      if (bodies.length >= maxRecords) return bodies;
      const day = district.calendarDay(student.schoolid, date);
      if (!day || day.insession !== 1 || !district.isEnrolled(student, student.schoolid, date)) {
        continue;
      }
      const fields = {
        studentid: String(student.id),
        schoolid: String(student.schoolid),
        att_date: date,
        yearid: String(BENCH_YEARID),
        attendance_codeid: String(codeId(district, student.schoolid, 'T')),
        att_comment: 'Late Check-in at 08:40',
        programid: '0',
        calendar_dayid: String(day.id),
        att_mode_code: 'ATT_ModeDaily',
      };
      bodies.push(
        JSON.stringify({
          name: 'attendance',
          record: [{ name: 'attendance', tables: { attendance: fields } }],
        }),
      );
    }
  }
  return bodies;
}

/** Up to `count` student DCIDs spread evenly over the whole district (every index region). */
export function spreadDcids(district: District, count: number): number[] {
  const students = district.table('students').all();
  const step = Math.max(1, Math.floor(students.length / count));
  const dcids: number[] = [];
  for (let index = 0; index < students.length && dcids.length < count; index += step) {
    dcids.push(students[index]!.dcid);
  }
  return dcids;
}

/** "HH:MM:SS" for seconds since midnight. */
function clockText(seconds: number): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
}

/** The connector's three Attendance Modes and PowerSchool's recording method for each. */
const CONNECTOR_MODES = [
  { mode: 'daily', attMode: 'ATT_ModeDaily' },
  { mode: 'time', attMode: 'ATT_ModeTime' },
  { mode: 'meeting', attMode: 'ATT_ModeMeeting' },
] as const;

/** A school the connector writes to, with the Attendance Mode to set for it. */
export interface SchoolMode {
  schoolNumber: number;
  mode: (typeof CONNECTOR_MODES)[number]['mode'];
}

/** The first school recording in each mode: three schools, one per Attendance Mode. */
export function connectorSchools(district: District): SchoolMode[] {
  return CONNECTOR_MODES.map(({ mode, attMode }) => {
    const schoolNumber = schoolsInMode(district, attMode)[0];
    if (schoolNumber === undefined) throw new Error(`the district has no ${attMode} school`);
    return { schoolNumber, mode };
  });
}

/**
 * Writeback events for the connector, as Visitor Management would send them: a morning rush of
 * late check-ins on BENCH_DATE over the Daily, Time and Meeting schools in turn, and one event in
 * five an early check-out of a student already checked in (the caches' repeat case). Meeting
 * events fall inside one of the student's periods, so every event can succeed.
 */
export function connectorEvents(district: District, count: number): Record<string, unknown>[] {
  const bySchool = connectorSchools(district).map(({ schoolNumber, mode }) => ({
    mode,
    students: enrolledStudents(district, [schoolNumber], BENCH_DATE),
  }));
  const events: Record<string, unknown>[] = [];
  for (let index = 0; events.length < count; index += 1) {
    const { mode, students } = bySchool[index % 3]!;
    const round = Math.floor(index / 3);
    const repeat = index % 5 === 4;
    const student = students[(repeat ? round - 1 : round) % students.length]!;
    const seconds = eventSeconds(district, student, mode, repeat, round);
    if (seconds === undefined) continue;
    events.push({
      id: `bench-${index}`,
      type: repeat ? 'early_checkout' : 'late_checkin',
      student: {
        dcid: student.dcid,
        name: `${student.first_name} ${student.last_name}`,
        grade: String(student.grade_level),
        schoolNumber: student.schoolid,
      },
      occurredAt: `${BENCH_DATE}T${clockText(seconds)}${BENCH_DATE_OFFSET}`,
      reason: repeat ? 'ED' : 'T',
    });
  }
  return events;
}

/** A late check-in in the morning, an early check-out after lunch; inside a period for Meeting. */
function eventSeconds(
  district: District,
  student: StudentRow,
  mode: SchoolMode['mode'],
  earlyCheckout: boolean,
  round: number,
): number | undefined {
  const spread = (round % 40) * 30;
  if (mode !== 'meeting') return (earlyCheckout ? 13 * 3600 : 8 * 3600 + 1800) + spread;
  const meetings = scheduledMeetings(district, student.id, BENCH_DATE);
  const meeting = earlyCheckout ? meetings.at(-1) : meetings[0];
  if (!meeting) return undefined;
  return meeting.item.start_time + 300 + (spread % 600);
}
