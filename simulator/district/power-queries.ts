/**
 * The plugin's PowerQueries (plugin/contract.ts QUERIES) and PowerSchool's core DCID -> ID map,
 * executed natively over the indexed tables instead of SQL. Each executor returns rows keyed by
 * `table.field` (the query's column attribute); the route maps them to the aliases of the query
 * definition the *installed* plugin declares, so an older bundle gets its own columns.
 */
import { CORE_DCID_ID_MAP_QUERY, QUERY_NAMES, type QueryArg } from '../../plugin/contract.ts';
import { compositeKey } from './indexed-table.ts';
import { isYearTermOn, type District } from './district.ts';
import { scheduledMeetings } from './student-schedule.ts';
import type { StudentRow } from './schema.ts';

/** Arguments after checking: primitives as text, arrays as lists of text. */
export type QueryArgs = Record<string, string | string[]>;

/** A result row: `table.field` -> value. */
export type QueryRow = Record<string, string | number | null>;

type Executor = (district: District, args: QueryArgs) => QueryRow[];

const asNumber = (value: string | string[] | undefined): number =>
  Number(Array.isArray(value) ? value[0] : value);
const asText = (value: string | string[] | undefined): string =>
  String(Array.isArray(value) ? value[0] : value);
const asList = (value: string | string[] | undefined): string[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];

function studentsByDcids(district: District, dcids: string[]): StudentRow[] {
  const found = new Map<number, StudentRow>();
  for (const dcid of dcids) {
    const student = district.studentByDcid(Number(dcid));
    if (student) found.set(student.dcid, student);
  }
  return [...found.values()].sort((a, b) => a.dcid - b.dcid);
}

const studentsByDcid: Executor = (district, args) =>
  studentsByDcids(district, asList(args.students_dcid)).map((s) => ({
    'students.id': s.id,
    'students.dcid': s.dcid,
    'students.student_number': s.student_number,
    'students.first_name': s.first_name,
    'students.last_name': s.last_name,
    'students.grade_level': s.grade_level,
    'students.schoolid': s.schoolid,
    'students.enroll_status': s.enroll_status,
  }));

/** Ordered as the SQL's ORDER BY cc.studentid, bsi.start_time, cc.id; each student once. */
const studentPeriods: Executor = (district, args) =>
  [...new Set(asList(args.students_id).map(Number))]
    .sort((a, b) => a - b)
    .flatMap((studentid) => scheduledMeetings(district, studentid, asText(args.att_date)))
    .map((m) => ({
      'cc.studentid': m.cc.studentid,
      'cc.id': m.cc.id,
      'cc.sectionid': m.cc.sectionid,
      'cc.schoolid': m.cc.schoolid,
      'sections.course_number': m.section.course_number,
      'sections.section_number': m.section.section_number,
      'period.id': m.period.id,
      'period.period_number': m.period.period_number,
      'period.abbreviation': m.period.abbreviation,
      'period.year_id': m.period.year_id,
      'bell_schedule_items.start_time': m.item.start_time,
      'bell_schedule_items.end_time': m.item.end_time,
      'calendar_day.id': m.calendarDay.id,
    }));

const attendanceCodes: Executor = (district, args) =>
  [
    ...district
      .table('attendance_code')
      .lookup('schoolid|yearid', compositeKey(asNumber(args.schoolid), asNumber(args.yearid))),
  ]
    .sort((a, b) => a.sortorder - b.sortorder || a.att_code.localeCompare(b.att_code))
    .map((code) => ({
      'attendance_code.id': code.id,
      'attendance_code.dcid': code.dcid,
      'attendance_code.schoolid': code.schoolid,
      'attendance_code.yearid': code.yearid,
      'attendance_code.att_code': code.att_code,
      'attendance_code.description': code.description,
      'attendance_code.presence_status_cd': code.presence_status_cd,
      'attendance_code.sortorder': code.sortorder,
    }));

const schoolDay: Executor = (district, args) => {
  const schoolid = asNumber(args.schoolid);
  const date = asText(args.att_date);
  const terms = district
    .termsOfSchool(schoolid)
    .filter((term) => isYearTermOn(term, date))
    .sort((a, b) => a.yearid - b.yearid);
  // LEFT JOIN calendar_day: a date with no calendar row still returns the year. The day and its
  // bell schedule depend on the school and date only, so they are looked up once for every term.
  const day = district.calendarDay(schoolid, date);
  const items = day
    ? district.table('bell_schedule_items').lookup('bell_schedule_id', day.bell_schedule_id)
    : [];
  const start = items.length ? Math.min(...items.map((i) => i.start_time)) : null;
  const end = items.length ? Math.max(...items.map((i) => i.end_time)) : null;
  return terms.map((term) => ({
    'terms.yearid': term.yearid,
    'terms.id': term.id,
    'terms.firstday': term.firstday,
    'terms.lastday': term.lastday,
    'calendar_day.id': day?.id ?? null,
    'calendar_day.insession': day?.insession ?? null,
    'calendar_day.bell_schedule_id': day?.bell_schedule_id ?? null,
    'bell_schedule_items.start_time': start,
    'bell_schedule_items.end_time': end,
  }));
};

/** Native executors by query name. */
const EXECUTORS: Record<string, Executor> = {
  [QUERY_NAMES.studentsByDcid]: studentsByDcid,
  [QUERY_NAMES.studentPeriods]: studentPeriods,
  [QUERY_NAMES.attendanceCodes]: attendanceCodes,
  [QUERY_NAMES.schoolDay]: schoolDay,
};

/** True when the simulator can execute the named query natively. */
export function hasNativeExecutor(name: string): boolean {
  return Object.hasOwn(EXECUTORS, name);
}

/** Names of the natively executed plugin queries. */
export function nativeQueryNames(): string[] {
  return Object.keys(EXECUTORS);
}

/** Runs a plugin query natively; rows keyed by `table.field`. */
export function executePowerQuery(district: District, name: string, args: QueryArgs): QueryRow[] {
  const executor = EXECUTORS[name];
  if (!executor) throw new Error(`no native executor for ${name}`);
  return executor(district, args);
}

/** The arguments the simulator checks for the core student_dcid_id_map (no plugin declares it). */
export const CORE_DCID_ID_MAP_ARGS: readonly QueryArg[] = [
  {
    name: 'students_dcid',
    type: 'array',
    required: false,
    description: '',
    column: 'STUDENTS.DCID',
  },
  { name: 'students_id', type: 'array', required: false, description: '', column: 'STUDENTS.ID' },
];

/**
 * Runs PowerSchool's core student_dcid_id_map (PSU): `students_dcid` -> records of id and dcid,
 * already keyed id / dcid. Public client code also sends `students_id` to map the other way; both
 * are accepted.
 */
export function executeCoreDcidIdMap(district: District, args: QueryArgs): QueryRow[] {
  const byDcid = studentsByDcids(district, asList(args.students_dcid));
  const byId = asList(args.students_id)
    .map((id) => district.studentById(Number(id)))
    .filter((student): student is StudentRow => student !== undefined);
  return [...new Map([...byDcid, ...byId].map((s) => [s.id, s])).values()].map((s) => ({
    id: s.id,
    dcid: s.dcid,
  }));
}

export { CORE_DCID_ID_MAP_QUERY };
