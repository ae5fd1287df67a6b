/**
 * The district's tables, named and shaped as PowerSchool names them (reference section 5; columns
 * lower case). One zod schema per table: seed files are validated with it and the schema-table
 * engine takes each table's column list from it, so a column is declared once.
 */
import { z } from 'zod';

/** Renders a rejected value the way error messages quote it. */
function quote(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** A whole number (ids, numbers, flags). */
const whole = (): z.ZodNumber =>
  z.number({ error: (issue) => `expected a whole number, got ${quote(issue.input)}` }).int({
    error: (issue) => `expected a whole number, got ${quote(issue.input)}`,
  });

/** A 0/1 flag, as PowerSchool stores booleans. */
const flag = (): z.ZodNumber =>
  whole()
    .min(0, { error: (issue) => `expected 0 or 1, got ${quote(issue.input)}` })
    .max(1, { error: (issue) => `expected 0 or 1, got ${quote(issue.input)}` });

/** A text column. */
const text = (): z.ZodString =>
  z.string({ error: (issue) => `expected text, got ${quote(issue.input)}` });

/** A number that may have a fraction (ADA and ADM values). */
const decimal = (): z.ZodNumber =>
  z.number({ error: (issue) => `expected a number, got ${quote(issue.input)}` });

/** A calendar date, YYYY-MM-DD (PowerSchool's API date form). */
const isoDate = (): z.ZodISODate =>
  z.iso.date({ error: (issue) => `expected YYYY-MM-DD, got ${quote(issue.input)}` });

/** Seconds since midnight (bell schedule times, meeting start/end). */
const secondsOfDay = (): z.ZodNumber =>
  whole()
    .min(0, {
      error: (issue) => `expected seconds since midnight (0-86400), got ${quote(issue.input)}`,
    })
    .max(86_400, {
      error: (issue) => `expected seconds since midnight (0-86400), got ${quote(issue.input)}`,
    });

/** The attendance recording methods (reference section 4: att_mode_code values). */
export const ATT_MODES = [
  'ATT_ModeDaily',
  'ATT_ModeTime',
  'ATT_ModeMeeting',
  'ATT_ModeInterval',
] as const;
export type AttMode = (typeof ATT_MODES)[number];

/** Type guard for AttMode. */
export function isAttMode(value: unknown): value is AttMode {
  return typeof value === 'string' && (ATT_MODES as readonly string[]).includes(value);
}

const attMode = (): z.ZodType<AttMode> =>
  z.enum(ATT_MODES, {
    error: (issue) => `expected one of ${ATT_MODES.join(', ')}, got ${quote(issue.input)}`,
  });

/** District-wide settings (what /ws/v1/metadata and /ws/v1/district report). */
export const districtInfoSchema = z.strictObject({
  name: text(),
  district_number: text(),
  /** IANA zone; reported as district_timezone. */
  timezone: text().refine((zone) => isTimeZone(zone), {
    error: (issue) =>
      `expected an IANA time zone such as America/New_York, got ${quote(issue.input)}`,
  }),
});

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Every table's row schema, keyed by PowerSchool's table name. */
export const TABLE_SCHEMAS = {
  schools: z.strictObject({
    id: whole(),
    dcid: whole(),
    school_number: whole(),
    name: text(),
    abbreviation: text(),
    low_grade: whole(),
    high_grade: whole(),
  }),
  terms: z.strictObject({
    id: whole(),
    dcid: whole(),
    schoolid: whole(),
    yearid: whole(),
    firstday: isoDate(),
    lastday: isoDate(),
    isyearrec: flag(),
    name: text(),
    abbreviation: text(),
    portion: whole(),
  }),
  students: z.strictObject({
    id: whole(),
    dcid: whole(),
    student_number: whole(),
    first_name: text(),
    middle_name: text(),
    last_name: text(),
    lastfirst: text(),
    grade_level: whole(),
    schoolid: whole(),
    enroll_status: whole(),
    entrydate: isoDate(),
    exitdate: isoDate(),
    /** v1 student_username (PSU data dictionary: Students.Student_Web_ID); '' when none. */
    student_web_id: text().default(''),
    /** v1 state_province_id (PSU: Students.State_StudentNumber); '' when none. */
    state_studentnumber: text().default(''),
    /** M or F (PSU data dictionary); '' when unknown. */
    gender: text().default(''),
    dob: isoDate().nullable().default(null),
  }),
  reenrollments: z.strictObject({
    id: whole(),
    dcid: whole(),
    studentid: whole(),
    schoolid: whole(),
    entrydate: isoDate(),
    exitdate: isoDate(),
    grade_level: whole(),
  }),
  calendar_day: z.strictObject({
    id: whole(),
    dcid: whole(),
    schoolid: whole(),
    date_value: isoDate(),
    insession: flag(),
    /** 0 when the day has no bell schedule (weekends, holidays). */
    bell_schedule_id: whole(),
    /** 0 when the day has no cycle day. */
    cycle_day_id: whole(),
    note: text(),
  }),
  bell_schedule: z.strictObject({
    id: whole(),
    dcid: whole(),
    schoolid: whole(),
    year_id: whole(),
    name: text(),
  }),
  bell_schedule_items: z.strictObject({
    id: whole(),
    dcid: whole(),
    bell_schedule_id: whole(),
    period_id: whole(),
    start_time: secondsOfDay(),
    end_time: secondsOfDay(),
    daily_attendance_code: flag(),
  }),
  period: z.strictObject({
    id: whole(),
    dcid: whole(),
    schoolid: whole(),
    year_id: whole(),
    period_number: whole(),
    name: text(),
    abbreviation: text(),
    sort_order: whole(),
  }),
  cycle_day: z.strictObject({
    id: whole(),
    dcid: whole(),
    schoolid: whole(),
    year_id: whole(),
    letter: text(),
    day_number: whole(),
    abbreviation: text(),
  }),
  /** District-wide course catalogue (SECTIONS.COURSE_NUMBER names a COURSES.COURSE_NUMBER). */
  courses: z.strictObject({
    id: whole(),
    dcid: whole(),
    course_number: text(),
    course_name: text(),
    credit_hours: z.number({ error: (issue) => `expected a number, got ${quote(issue.input)}` }),
  }),
  /**
   * PowerSchool's TEACHERS view of USERS and SCHOOLSTAFF: id and dcid are SCHOOLSTAFF's (what
   * SECTIONS.TEACHER names), users_dcid the person's. status 1 is active.
   */
  teachers: z.strictObject({
    id: whole(),
    dcid: whole(),
    users_dcid: whole(),
    schoolid: whole(),
    teachernumber: text(),
    first_name: text(),
    middle_name: text(),
    last_name: text(),
    email_addr: text(),
    status: whole(),
  }),
  sections: z.strictObject({
    id: whole(),
    dcid: whole(),
    schoolid: whole(),
    termid: whole(),
    course_number: text(),
    section_number: text(),
    expression: text(),
    /** TEACHERS.ID of the lead teacher; 0 when none. */
    teacher: whole().default(0),
  }),
  section_meeting: z.strictObject({
    id: whole(),
    sectionid: whole(),
    schoolid: whole(),
    year_id: whole(),
    period_number: whole(),
    cycle_day_letter: text(),
  }),
  cc: z.strictObject({
    id: whole(),
    dcid: whole(),
    studentid: whole(),
    /** Negative when the student dropped the class. */
    sectionid: whole(),
    /** Negative when the student dropped the class. */
    termid: whole(),
    schoolid: whole(),
    dateenrolled: isoDate(),
    dateleft: isoDate(),
  }),
  attendance_code: z.strictObject({
    id: whole(),
    dcid: whole(),
    schoolid: whole(),
    yearid: whole(),
    att_code: text(),
    description: text(),
    presence_status_cd: z.enum(['Present', 'Absent'], {
      error: (issue) => `expected Present or Absent, got ${quote(issue.input)}`,
    }),
    course_credit_points: z.number({
      error: (issue) => `expected a number, got ${quote(issue.input)}`,
    }),
    sortorder: whole(),
  }),
  /**
   * Attendance Preferences' recording methods: one row per method a school enables for a year (a
   * school may enable more than one). Inferred: PowerSchool's storage of them is not public.
   */
  attendance_preferences: z.strictObject({
    id: whole(),
    schoolid: whole(),
    yearid: whole(),
    att_mode: attMode(),
  }),
  attendance: z.strictObject({
    id: whole(),
    dcid: whole(),
    studentid: whole(),
    schoolid: whole(),
    yearid: whole(),
    att_date: isoDate(),
    attendance_codeid: whole(),
    att_mode_code: attMode(),
    att_comment: text(),
    calendar_dayid: whole(),
    ccid: whole(),
    periodid: whole(),
    programid: whole(),
    total_minutes: whole(),
    att_interval: whole(),
    /** PowerSchool's ATTENDANCE columns the write sets itself (inferred values: attendance-ada.ts). */
    att_flags: whole().default(0),
    ada_value_code: decimal().default(0),
    ada_value_time: decimal().default(0),
    adm_value: decimal().default(0),
  }),
  /** Inferred columns: time_in/time_out hold a meeting's start/end; total_minutes a Time record's. */
  attendance_time: z.strictObject({
    id: whole(),
    dcid: whole(),
    attendanceid: whole(),
    studentid: whole(),
    att_date: isoDate(),
    time_in: secondsOfDay().nullable(),
    time_out: secondsOfDay().nullable(),
    total_minutes: whole(),
  }),
} as const;

/** The table names, in dependency order (a table only refers to tables before it). */
export const TABLE_NAMES = Object.keys(TABLE_SCHEMAS) as TableName[];
export type TableName = keyof typeof TABLE_SCHEMAS;

/** Type guard for TableName (table names are matched lower case). */
export function isTableName(value: string): value is TableName {
  return Object.hasOwn(TABLE_SCHEMAS, value);
}

/** One row of a table. */
export type RowOf<T extends TableName> = z.infer<(typeof TABLE_SCHEMAS)[T]>;

export type SchoolRow = RowOf<'schools'>;
export type TermRow = RowOf<'terms'>;
export type StudentRow = RowOf<'students'>;
export type ReenrollmentRow = RowOf<'reenrollments'>;
export type CalendarDayRow = RowOf<'calendar_day'>;
export type BellScheduleRow = RowOf<'bell_schedule'>;
export type BellScheduleItemRow = RowOf<'bell_schedule_items'>;
export type PeriodRow = RowOf<'period'>;
export type CycleDayRow = RowOf<'cycle_day'>;
export type SectionRow = RowOf<'sections'>;
export type CourseRow = RowOf<'courses'>;
export type TeacherRow = RowOf<'teachers'>;
export type SectionMeetingRow = RowOf<'section_meeting'>;
export type CcRow = RowOf<'cc'>;
export type AttendanceCodeRow = RowOf<'attendance_code'>;
export type AttendancePreferenceRow = RowOf<'attendance_preferences'>;
export type AttendanceRow = RowOf<'attendance'>;
export type AttendanceTimeRow = RowOf<'attendance_time'>;
export type DistrictInfo = z.infer<typeof districtInfoSchema>;

/** Every column of a table, in declaration order. */
export function tableColumns(table: TableName): readonly string[] {
  return Object.keys(TABLE_SCHEMAS[table].shape);
}

/** A column's zod type without nullable or default wrappers. */
function columnType(table: TableName, column: string): z.ZodType | undefined {
  const shape = TABLE_SCHEMAS[table].shape as Record<string, z.ZodType>;
  let type = shape[column];
  while (type instanceof z.ZodNullable || type instanceof z.ZodDefault) {
    type = type.unwrap() as z.ZodType;
  }
  return type;
}

/** True when a column holds numbers (q compares it numerically and needs a numeric value). */
export function isNumberColumn(table: TableName, column: string): boolean {
  return columnType(table, column) instanceof z.ZodNumber;
}

/** True when a column holds calendar dates (YYYY-MM-DD). */
export function isDateColumn(table: TableName, column: string): boolean {
  return columnType(table, column) instanceof z.ZodISODate;
}

/** True when a column may be null. */
export function isNullableColumn(table: TableName, column: string): boolean {
  const shape = TABLE_SCHEMAS[table].shape as Record<string, z.ZodType>;
  return shape[column] instanceof z.ZodNullable;
}

/** The whole district: settings plus every table (a missing table in a seed file is empty). */
export const districtDataSchema = z.strictObject({
  district: districtInfoSchema,
  ...(Object.fromEntries(
    TABLE_NAMES.map((name) => [name, z.array(TABLE_SCHEMAS[name]).default([])]),
  ) as { [T in TableName]: z.ZodDefault<z.ZodArray<(typeof TABLE_SCHEMAS)[T]>> }),
});

/** A whole district's data, as held in memory, persisted and exchanged as JSON. */
export type DistrictData = { district: DistrictInfo } & { [T in TableName]: RowOf<T>[] };
