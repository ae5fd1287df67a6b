/**
 * Corrections a registrar or scheduler makes in PowerSchool, and a teacher's attendance entry,
 * applied to the simulator's district tables (the same rows its API reads), never through pswb.
 * Each returns one line saying what changed, for the story.
 */
import { scheduledMeetings, type District, type RowOf } from '../simulator/index.ts';

/** The day after a YYYY-MM-DD date (PowerSchool's exit dates are the day after the last day). */
export function dayAfter(date: string): string {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}

/**
 * Moves a student's exit date (Transfer Out corrected): the student row and the class
 * enrollments that ended with the old date.
 */
export function correctExitDate(district: District, studentId: number, exitdate: string): string {
  const student = district.studentById(studentId);
  if (!student) throw new Error(`PowerSchool has no student with ID ${studentId}.`);
  const previous = student.exitdate;
  district.table('students').update(student, { exitdate });
  const classes = district.table('cc');
  const ended = classes.lookup('studentid', studentId).filter((cc) => cc.dateleft === previous);
  for (const cc of [...ended]) classes.update(cc, { dateleft: exitdate });
  return `In PowerSchool, corrected ${student.first_name} ${student.last_name}'s exit date from ${previous} to ${exitdate} (and ${ended.length} class enrollment(s) that ended with it).`;
}

/**
 * Enrolls the student again in the section of a dropped class enrollment, from the drop date to
 * the end of the section's term, as a scheduler does after a drop made in error. PowerSchool
 * keeps the dropped row; the new enrollment is a new CC row.
 */
export function reEnrollDroppedClass(district: District, droppedCcId: number): string {
  const classes = district.table('cc');
  const dropped = classes.get(droppedCcId);
  if (!dropped) throw new Error(`PowerSchool has no class enrollment with CC.ID ${droppedCcId}.`);
  if (dropped.sectionid > 0) {
    throw new Error(`Class enrollment ${droppedCcId} is not dropped (its section id is positive).`);
  }
  const sectionId = Math.abs(dropped.sectionid);
  const termId = Math.abs(dropped.termid);
  const section = district.table('sections').get(sectionId);
  const term = district.termsOfSchool(dropped.schoolid).find((row) => row.id === termId);
  if (!section || !term) {
    throw new Error(
      `Section ${sectionId} or term ${termId} of enrollment ${droppedCcId} is missing.`,
    );
  }
  const row: RowOf<'cc'> = {
    id: classes.maxPrimaryKey() + 1,
    dcid: Math.max(0, ...classes.all().map((cc) => cc.dcid)) + 1,
    studentid: dropped.studentid,
    sectionid: sectionId,
    termid: termId,
    schoolid: dropped.schoolid,
    dateenrolled: dropped.dateleft,
    dateleft: dayAfter(term.lastday),
  };
  classes.insert(row);
  const student = district.studentById(dropped.studentid);
  const who = student
    ? `${student.first_name} ${student.last_name}`
    : `student ${dropped.studentid}`;
  return `In PowerSchool, enrolled ${who} again in ${section.course_number} section ${section.section_number} (${section.expression}) from ${row.dateenrolled} (new CC.ID ${row.id}).`;
}

/** A teacher's mark for one class period, as entered in PowerSchool's attendance screens. */
export interface TeacherMark {
  studentId: number;
  date: string;
  /** PERIOD.ID of the class meeting the teacher takes attendance for. */
  periodId: number;
  /** The att_code the teacher chose ("TE"), of the school's codes for the date's year. */
  attCode: string;
  comment?: string;
}

/**
 * Saves a teacher's Meeting-mode mark in PowerSchool: the record of the student's class meeting
 * in that period (its CC, calendar day, year and the meeting's start and end), created or updated
 * the way PowerSchool keeps one record per student, date and period. Written straight into the
 * district (no API call, so pswb's log knows nothing of it). PowerSchool's ADA columns keep
 * their defaults: nothing in a scenario reads them.
 */
export function markAttendanceAsTeacher(district: District, mark: TeacherMark): string {
  const student = district.studentById(mark.studentId);
  if (!student) throw new Error(`PowerSchool has no student with ID ${mark.studentId}.`);
  const meeting = scheduledMeetings(district, mark.studentId, mark.date).find(
    (candidate) => candidate.period.id === mark.periodId,
  );
  if (!meeting) {
    throw new Error(
      `${student.first_name} ${student.last_name} has no class meeting in period ID ${mark.periodId} on ${mark.date}.`,
    );
  }
  const schoolid = meeting.cc.schoolid;
  const term = district.yearTermOn(schoolid, mark.date);
  if (!term) throw new Error(`School ${schoolid} has no year term on ${mark.date}.`);
  const code = district
    .table('attendance_code')
    .all()
    .find(
      (row) =>
        row.schoolid === schoolid && row.yearid === term.yearid && row.att_code === mark.attCode,
    );
  if (!code) {
    throw new Error(
      `School ${schoolid} has no attendance code ${mark.attCode} in year ${term.yearid}.`,
    );
  }
  const { row } = district.saveAttendance(
    {
      studentid: mark.studentId,
      schoolid,
      yearid: term.yearid,
      att_date: mark.date,
      attendance_codeid: code.id,
      att_mode_code: 'ATT_ModeMeeting',
      att_comment: mark.comment ?? '',
      calendar_dayid: meeting.calendarDay.id,
      ccid: meeting.cc.id,
      periodid: mark.periodId,
      programid: 0,
      total_minutes: 0,
      att_interval: 0,
      att_flags: 0,
      ada_value_code: 0,
      ada_value_time: 0,
      adm_value: 0,
    },
    {
      time_in: meeting.item.start_time,
      time_out: meeting.item.end_time,
      total_minutes: Math.round((meeting.item.end_time - meeting.item.start_time) / 60),
    },
  );
  return `In PowerSchool, the ${meeting.period.name} teacher (${meeting.section.course_number}) marked ${student.first_name} ${student.last_name} ${mark.attCode} on ${mark.date} (ATTENDANCE.ID ${row.id}${mark.comment ? `, comment "${mark.comment}"` : ''}).`;
}
