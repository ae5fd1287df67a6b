/**
 * Which indexes each table keeps. Single-column indexes are named after their column so the
 * schema-table engine can answer `q=column==value` from them; composite ones join columns with |.
 */
import { IndexedTable, compositeKey, type IndexedTableSpec } from './indexed-table.ts';
import type { DistrictData, RowOf, TableName } from './schema.ts';

type Specs = { [T in TableName]: IndexedTableSpec<RowOf<T>> };

const byId = <Row extends { id: number }>(row: Row): number => row.id;

/** Index declarations per table (hot paths: DCID lookups, write validation, PowerQueries). */
const TABLE_SPECS: Specs = {
  schools: {
    primaryKey: byId,
    indexes: { school_number: (r) => r.school_number, dcid: (r) => r.dcid },
  },
  // PowerSchool reuses a term id in every school (3500 is each school's 2025-26 year term): only
  // (id, schoolid) and dcid are unique.
  terms: {
    primaryKey: (r) => r.dcid,
    indexes: {
      id: (r) => r.id,
      schoolid: (r) => r.schoolid,
      'schoolid|id': (r) => compositeKey(r.schoolid, r.id),
    },
  },
  students: {
    primaryKey: byId,
    indexes: {
      dcid: (r) => r.dcid,
      student_number: (r) => r.student_number,
      schoolid: (r) => r.schoolid,
    },
  },
  reenrollments: { primaryKey: byId, indexes: { studentid: (r) => r.studentid } },
  calendar_day: {
    primaryKey: byId,
    indexes: { 'schoolid|date_value': (r) => compositeKey(r.schoolid, r.date_value) },
  },
  bell_schedule: { primaryKey: byId, indexes: {} },
  bell_schedule_items: {
    primaryKey: byId,
    indexes: { bell_schedule_id: (r) => r.bell_schedule_id },
  },
  period: { primaryKey: byId, indexes: {} },
  cycle_day: { primaryKey: byId, indexes: {} },
  courses: {
    primaryKey: byId,
    indexes: { dcid: (r) => r.dcid, course_number: (r) => r.course_number },
  },
  teachers: { primaryKey: byId, indexes: { dcid: (r) => r.dcid, schoolid: (r) => r.schoolid } },
  sections: {
    primaryKey: byId,
    indexes: { dcid: (r) => r.dcid, schoolid: (r) => r.schoolid },
  },
  section_meeting: { primaryKey: byId, indexes: { sectionid: (r) => r.sectionid } },
  cc: { primaryKey: byId, indexes: { studentid: (r) => r.studentid } },
  attendance_code: {
    primaryKey: byId,
    indexes: { 'schoolid|yearid': (r) => compositeKey(r.schoolid, r.yearid) },
  },
  attendance_preferences: {
    primaryKey: byId,
    indexes: { 'schoolid|yearid': (r) => compositeKey(r.schoolid, r.yearid) },
  },
  attendance: {
    primaryKey: byId,
    indexes: {
      dcid: (r) => r.dcid,
      studentid: (r) => r.studentid,
      'studentid|att_date': (r) => compositeKey(r.studentid, r.att_date),
    },
  },
  attendance_time: { primaryKey: byId, indexes: { attendanceid: (r) => r.attendanceid } },
};

/** Every table of the district, indexed. */
export type DistrictTables = { [T in TableName]: IndexedTable<RowOf<T>> };

/** Indexes a district's rows (the arrays are adopted, not copied). */
export function indexDistrictTables(data: DistrictData): DistrictTables {
  const build = <T extends TableName>(name: T): IndexedTable<RowOf<T>> =>
    new IndexedTable<RowOf<T>>(name, data[name] as RowOf<T>[], TABLE_SPECS[name]);
  return {
    schools: build('schools'),
    terms: build('terms'),
    students: build('students'),
    reenrollments: build('reenrollments'),
    calendar_day: build('calendar_day'),
    bell_schedule: build('bell_schedule'),
    bell_schedule_items: build('bell_schedule_items'),
    period: build('period'),
    cycle_day: build('cycle_day'),
    courses: build('courses'),
    teachers: build('teachers'),
    sections: build('sections'),
    section_meeting: build('section_meeting'),
    cc: build('cc'),
    attendance_code: build('attendance_code'),
    attendance_preferences: build('attendance_preferences'),
    attendance: build('attendance'),
    attendance_time: build('attendance_time'),
  };
}
