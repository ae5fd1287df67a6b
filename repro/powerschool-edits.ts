/**
 * Corrections a registrar or scheduler makes in PowerSchool, applied to the simulator's district
 * tables (the same rows its API reads). Each returns one line saying what changed, for the story.
 */
import type { District, RowOf } from '../simulator/index.ts';

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
