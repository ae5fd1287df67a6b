/**
 * The PowerQueries of the data contract: their names (what the connector calls) and their
 * declarations (what queries_root/ installs and the simulator executes). Re-exported by
 * contract.ts; kept apart because the SQL is long.
 */
import type { QueryDefinition } from './contract-types.ts';

/** The names the connector calls; every one is declared in QUERIES below. */
export const QUERY_NAMES = {
  studentsByDcid: 'com.navigate360.attendance.student.students_by_dcid',
  studentPeriods: 'com.navigate360.attendance.schedule.student_periods',
  attendanceCodes: 'com.navigate360.attendance.codes.attendance_codes',
  schoolDay: 'com.navigate360.attendance.school.school_day',
} as const;

export type QueryKey = keyof typeof QUERY_NAMES;

/** PowerSchool's own DCID -> ID query, available without being declared (PSU). */
export const CORE_DCID_ID_MAP_QUERY = 'com.pearson.core.student.student_dcid_id_map';

/**
 * The date arg, compared with DATE columns directly: with column="CALENDAR_DAY.DATE_VALUE"
 * PowerSchool expects YYYY-MM-DD and binds a date (PowerQueries page; the PowerQuery DAT page's
 * example compares such an arg directly), and the column is what Data Export Manager needs to
 * list the query. Inferred: no public source shows this exact query running.
 */
const ON_DATE = ':att_date';

/** The att_date arg both date-based queries take. */
const ATT_DATE_ARG = {
  name: 'att_date',
  type: 'primitive',
  required: true,
  description: 'The date, YYYY-MM-DD, in the district time zone.',
  column: 'CALENDAR_DAY.DATE_VALUE',
} as const;

/** Every PowerQuery the plugin installs. */
export const QUERIES: readonly QueryDefinition[] = [
  {
    name: QUERY_NAMES.studentsByDcid,
    coreTable: 'students',
    flattened: true,
    summary: 'Student IDs and profiles by DCID',
    description:
      "Converts student DCIDs (shared through Clever or ClassLink) into STUDENTS.ID, the id an attendance record needs, with the student's name, grade and school.",
    args: [
      {
        name: 'students_dcid',
        type: 'array',
        required: true,
        description: 'The STUDENTS.DCID values to look up.',
        column: 'STUDENTS.DCID',
      },
    ],
    columns: [
      { column: 'students.id', alias: 'id' },
      { column: 'students.dcid', alias: 'dcid' },
      { column: 'students.student_number', alias: 'student_number' },
      { column: 'students.first_name', alias: 'first_name' },
      { column: 'students.last_name', alias: 'last_name' },
      { column: 'students.grade_level', alias: 'grade_level' },
      { column: 'students.schoolid', alias: 'schoolid' },
      { column: 'students.enroll_status', alias: 'enroll_status' },
    ],
    alsoReads: [],
    sql: `SELECT s.id, s.dcid, s.student_number, s.first_name, s.last_name, s.grade_level,
       s.schoolid, s.enroll_status
FROM students s
WHERE s.dcid IN (:students_dcid)
ORDER BY s.dcid`,
  },
  {
    name: QUERY_NAMES.studentPeriods,
    coreTable: 'cc',
    flattened: true,
    summary: "Students' scheduled periods on a date",
    description:
      "Every period each of the given students has an active class enrollment in on one date: the in-session calendar day, its bell schedule's items, the period of each item, and the student's sections that meet in that period on that cycle day.",
    // Many students per call, as students_by_dcid takes many DCIDs: a morning's Meeting
    // check-ins then cost one call per date and page, not one per student (docs/benchmarks.md,
    // figure 3). cc.studentid is returned so the connector can tell the students' rows apart.
    args: [
      {
        name: 'students_id',
        type: 'array',
        required: true,
        description: 'The STUDENTS.ID values of the students.',
        column: 'CC.STUDENTID',
      },
      ATT_DATE_ARG,
    ],
    columns: [
      { column: 'cc.studentid', alias: 'studentid' },
      { column: 'cc.id', alias: 'ccid' },
      { column: 'cc.sectionid', alias: 'sectionid' },
      { column: 'cc.schoolid', alias: 'schoolid' },
      { column: 'sections.course_number', alias: 'course_number' },
      { column: 'sections.section_number', alias: 'section_number' },
      { column: 'period.id', alias: 'periodid' },
      { column: 'period.period_number', alias: 'period_number' },
      { column: 'period.abbreviation', alias: 'period_abbreviation' },
      { column: 'period.year_id', alias: 'yearid' },
      { column: 'bell_schedule_items.start_time', alias: 'start_time' },
      { column: 'bell_schedule_items.end_time', alias: 'end_time' },
      { column: 'calendar_day.id', alias: 'calendar_dayid' },
    ],
    // CYCLE_DAY (id, letter) and SECTION_MEETING (sectionid, period_number, cycle_day_letter)
    // are how a section's expression ("2(A-B)") is stored relationally; public report SQL joins
    // them this way. Inferred: no public source shows this exact query running as a PowerQuery.
    alsoReads: [
      'cc.dateenrolled',
      'cc.dateleft',
      'sections.id',
      'calendar_day.schoolid',
      'calendar_day.date_value',
      'calendar_day.insession',
      'calendar_day.bell_schedule_id',
      'calendar_day.cycle_day_id',
      'cycle_day.id',
      'cycle_day.letter',
      'bell_schedule_items.bell_schedule_id',
      'bell_schedule_items.period_id',
      'section_meeting.sectionid',
      'section_meeting.period_number',
      'section_meeting.cycle_day_letter',
    ],
    sql: `SELECT cc.studentid, cc.id AS ccid, cc.sectionid, cc.schoolid, sec.course_number,
       sec.section_number,
       p.id AS periodid, p.period_number, p.abbreviation AS period_abbreviation,
       p.year_id AS yearid, bsi.start_time, bsi.end_time, cd.id AS calendar_dayid
FROM cc cc
JOIN sections sec ON sec.id = cc.sectionid
JOIN calendar_day cd ON cd.schoolid = cc.schoolid
  AND cd.date_value = ${ON_DATE} AND cd.insession = 1
JOIN cycle_day cy ON cy.id = cd.cycle_day_id
JOIN bell_schedule_items bsi ON bsi.bell_schedule_id = cd.bell_schedule_id
JOIN period p ON p.id = bsi.period_id
JOIN section_meeting sm ON sm.sectionid = sec.id AND sm.period_number = p.period_number
  AND sm.cycle_day_letter = cy.letter
WHERE cc.studentid IN (:students_id)
  AND cc.dateenrolled <= ${ON_DATE}
  AND cc.dateleft > ${ON_DATE}
ORDER BY cc.studentid, bsi.start_time, cc.id`,
  },
  {
    name: QUERY_NAMES.attendanceCodes,
    coreTable: 'attendance_code',
    flattened: true,
    summary: "A school's attendance codes for a year",
    description:
      'The attendance codes of one school for one school year (yearid), to map as Late Check-in and Early Check-out reasons. Codes are per school and per year.',
    args: [
      {
        name: 'schoolid',
        type: 'primitive',
        required: true,
        description: 'SCHOOLS.SCHOOL_NUMBER of the school.',
        column: 'ATTENDANCE_CODE.SCHOOLID',
      },
      {
        name: 'yearid',
        type: 'primitive',
        required: true,
        description: 'The yearid: first calendar year of the school year minus 1990.',
        column: 'ATTENDANCE_CODE.YEARID',
      },
    ],
    columns: [
      { column: 'attendance_code.id', alias: 'id' },
      { column: 'attendance_code.dcid', alias: 'dcid' },
      { column: 'attendance_code.schoolid', alias: 'schoolid' },
      { column: 'attendance_code.yearid', alias: 'yearid' },
      { column: 'attendance_code.att_code', alias: 'att_code' },
      { column: 'attendance_code.description', alias: 'description' },
      { column: 'attendance_code.presence_status_cd', alias: 'presence_status_cd' },
      { column: 'attendance_code.sortorder', alias: 'sortorder' },
    ],
    alsoReads: [],
    sql: `SELECT ac.id, ac.dcid, ac.schoolid, ac.yearid, ac.att_code, ac.description,
       ac.presence_status_cd, ac.sortorder
FROM attendance_code ac
WHERE ac.schoolid = :schoolid AND ac.yearid = :yearid
ORDER BY ac.sortorder, ac.att_code`,
  },
  {
    name: QUERY_NAMES.schoolDay,
    coreTable: 'terms',
    flattened: true,
    summary: "A school's year and day for a date",
    description:
      "The school year (year term and yearid) that contains a date at one school, with that date's calendar day, whether it is in session, and the first start and last end of its bell schedule.",
    args: [
      {
        name: 'schoolid',
        type: 'primitive',
        required: true,
        description: 'SCHOOLS.SCHOOL_NUMBER of the school.',
        column: 'TERMS.SCHOOLID',
      },
      ATT_DATE_ARG,
    ],
    columns: [
      { column: 'terms.yearid', alias: 'yearid' },
      { column: 'terms.id', alias: 'termid' },
      { column: 'terms.firstday', alias: 'year_firstday' },
      { column: 'terms.lastday', alias: 'year_lastday' },
      { column: 'calendar_day.id', alias: 'calendar_dayid' },
      { column: 'calendar_day.insession', alias: 'insession' },
      { column: 'calendar_day.bell_schedule_id', alias: 'bell_schedule_id' },
      { column: 'bell_schedule_items.start_time', alias: 'day_start_time' },
      { column: 'bell_schedule_items.end_time', alias: 'day_end_time' },
    ],
    alsoReads: [
      'terms.schoolid',
      'terms.isyearrec',
      'calendar_day.schoolid',
      'calendar_day.date_value',
      'bell_schedule_items.bell_schedule_id',
    ],
    sql: `SELECT t.yearid, t.id AS termid, TO_CHAR(t.firstday, 'YYYY-MM-DD') AS year_firstday,
       TO_CHAR(t.lastday, 'YYYY-MM-DD') AS year_lastday, cd.id AS calendar_dayid, cd.insession,
       cd.bell_schedule_id,
       (SELECT MIN(b1.start_time) FROM bell_schedule_items b1
         WHERE b1.bell_schedule_id = cd.bell_schedule_id) AS day_start_time,
       (SELECT MAX(b2.end_time) FROM bell_schedule_items b2
         WHERE b2.bell_schedule_id = cd.bell_schedule_id) AS day_end_time
FROM terms t
LEFT JOIN calendar_day cd ON cd.schoolid = t.schoolid AND cd.date_value = ${ON_DATE}
WHERE t.schoolid = :schoolid AND t.isyearrec = 1
  AND t.firstday <= ${ON_DATE} AND t.lastday >= ${ON_DATE}
ORDER BY t.yearid`,
  },
];
