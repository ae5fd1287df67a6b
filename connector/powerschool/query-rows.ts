/**
 * The records our PowerQueries return (plugin/contract.ts columns), parsed leniently: numbers
 * may come back as strings or numbers, so both are accepted.
 */
import { z } from 'zod';
import { looseInt, optionalLooseInt } from './answers.ts';

const optionalText = z
  .union([z.string(), z.number(), z.null(), z.undefined()])
  .transform((value) => (value === null || value === undefined ? undefined : String(value)))
  .optional();

/** students_by_dcid. */
export const StudentRow = z.object({
  id: looseInt,
  dcid: looseInt,
  student_number: optionalText,
  first_name: optionalText,
  last_name: optionalText,
  grade_level: optionalText,
  schoolid: optionalLooseInt,
});
export type StudentRow = z.output<typeof StudentRow>;

/** student_periods. */
export const PeriodRow = z.object({
  studentid: looseInt,
  ccid: looseInt,
  sectionid: optionalLooseInt,
  schoolid: optionalLooseInt,
  periodid: looseInt,
  period_number: optionalLooseInt,
  period_abbreviation: optionalText,
  yearid: optionalLooseInt,
  start_time: looseInt,
  end_time: looseInt,
  calendar_dayid: optionalLooseInt,
});
export type PeriodRow = z.output<typeof PeriodRow>;

/** school_day. */
export const SchoolDayRow = z.object({
  yearid: looseInt,
  termid: optionalLooseInt,
  year_firstday: optionalText,
  year_lastday: optionalText,
  calendar_dayid: optionalLooseInt,
  insession: optionalLooseInt,
  bell_schedule_id: optionalLooseInt,
  day_start_time: optionalLooseInt,
  day_end_time: optionalLooseInt,
});
export type SchoolDayRow = z.output<typeof SchoolDayRow>;

/** attendance_codes. */
export const AttendanceCodeRow = z.object({
  id: looseInt,
  schoolid: optionalLooseInt,
  yearid: looseInt,
  att_code: z.union([z.string(), z.number()]).transform(String),
  description: optionalText,
  presence_status_cd: optionalText,
  sortorder: optionalLooseInt,
});
export type AttendanceCodeRow = z.output<typeof AttendanceCodeRow>;

/** Parses every row with the schema; rows that do not fit are reported, not dropped silently. */
export function parseRows<S extends z.ZodType>(
  schema: S,
  rows: readonly Record<string, unknown>[],
  queryName: string,
): z.output<S>[] {
  return rows.map((row, index) => {
    const parsed = schema.safeParse(row);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(
        `${queryName} returned a record that does not match the data contract (record ${index + 1}: ${issue?.path.join('.')} ${issue?.message}). Install the current plugin bundle.`,
      );
    }
    return parsed.data;
  });
}
