/**
 * Referential integrity of a district: unique keys, and every reference pointing at a row that
 * exists (a CC's section, a code's school, a calendar day's bell schedule...). Also the facts the
 * attendance validation relies on: every year term has an attendance recording method.
 */
import type { SeedProblem } from './seed-problem.ts';
import { TABLE_NAMES, type DistrictData, type TableName } from './schema.ts';

type Rows = readonly Record<string, unknown>[];

/** Collects problems for one table's rows. */
class ProblemList {
  readonly problems: SeedProblem[] = [];

  add(table: TableName | 'district', index: number, column: string, message: string): void {
    this.problems.push({ path: `${table}[${index}].${column}`, message });
  }

  /** Each value of `column` must be unique in the table. */
  unique(
    table: TableName,
    rows: Rows,
    column: string | ((row: Record<string, unknown>) => string),
    label = String(column),
  ): void {
    const seen = new Map<unknown, number>();
    rows.forEach((row, index) => {
      const key = typeof column === 'function' ? column(row) : row[column];
      const first = seen.get(key);
      if (first === undefined) seen.set(key, index);
      else
        this.add(
          table,
          index,
          typeof column === 'function' ? label : column,
          `${JSON.stringify(key)} is already used by ${table}[${first}]; ${label} must be unique`,
        );
    });
  }

  /** Each row's `column` must be a key in `valid` (`allowZero`: 0 means "none"). */
  references(
    table: TableName,
    rows: Rows,
    column: string,
    valid: Set<unknown>,
    target: string,
    { allowZero = false, absolute = false } = {},
  ): void {
    rows.forEach((row, index) => {
      const raw = row[column];
      const value = absolute && typeof raw === 'number' ? Math.abs(raw) : raw;
      if (allowZero && value === 0) return;
      if (!valid.has(value))
        this.add(
          table,
          index,
          column,
          `${JSON.stringify(raw)} is no ${target}${allowZero ? ' (use 0 for none)' : ''}`,
        );
    });
  }
}

const keysOf = (rows: Rows, column: string): Set<unknown> =>
  new Set(rows.map((row) => row[column]));

/** Tables whose `id` is unique (terms reuse ids across schools: checked per school below). */
const UNIQUE_ID_TABLES = TABLE_NAMES.filter((table) => table !== 'terms');

/** Composite keys that must be unique: table, label, key. */
const UNIQUE_KEYS: [TableName, string, (row: Record<string, unknown>) => string][] = [
  ['terms', 'id within a school', (row) => `${String(row.schoolid)}/${String(row.id)}`],
  [
    'calendar_day',
    'date_value within a school',
    (row) => `${String(row.schoolid)}/${String(row.date_value)}`,
  ],
  [
    'attendance_preferences',
    'schoolid + yearid + att_mode',
    (row) => `${String(row.schoolid)}/${String(row.yearid)}/${String(row.att_mode)}`,
  ],
  ['courses', 'course_number', (row) => String(row.course_number)],
];

/** Tables whose schoolid is a SCHOOLS.SCHOOL_NUMBER and whose studentid is a STUDENTS.ID. */
const SCHOOL_TABLES: TableName[] = [
  'terms',
  'students',
  'reenrollments',
  'calendar_day',
  'bell_schedule',
  'period',
  'cycle_day',
  'teachers',
  'sections',
  'cc',
  'attendance_code',
  'attendance_preferences',
  'attendance',
];
const STUDENT_TABLES: TableName[] = ['reenrollments', 'cc', 'attendance', 'attendance_time'];

/** Other references: table, column, target table, target column, options. */
const REFERENCES: [
  TableName,
  string,
  TableName,
  string,
  { allowZero?: boolean; absolute?: boolean },
][] = [
  ['calendar_day', 'bell_schedule_id', 'bell_schedule', 'id', { allowZero: true }],
  ['calendar_day', 'cycle_day_id', 'cycle_day', 'id', { allowZero: true }],
  ['bell_schedule_items', 'bell_schedule_id', 'bell_schedule', 'id', {}],
  ['bell_schedule_items', 'period_id', 'period', 'id', {}],
  ['section_meeting', 'sectionid', 'sections', 'id', {}],
  ['sections', 'teacher', 'teachers', 'id', { allowZero: true }],
  ['cc', 'sectionid', 'sections', 'id', { absolute: true }],
  ['attendance', 'attendance_codeid', 'attendance_code', 'id', {}],
  ['attendance_time', 'attendanceid', 'attendance', 'id', {}],
];

/** Every integrity problem of a district (empty when it is consistent). */
export function findIntegrityProblems(data: DistrictData): SeedProblem[] {
  const list = new ProblemList();
  const t = data as unknown as Record<TableName, Rows>;
  for (const table of UNIQUE_ID_TABLES) list.unique(table, t[table], 'id');
  for (const table of ['schools', 'terms', 'students', 'courses', 'teachers'] as const)
    list.unique(table, t[table], 'dcid');
  list.unique('schools', t.schools, 'school_number');
  list.unique('students', t.students, 'student_number');
  for (const [table, label, key] of UNIQUE_KEYS) list.unique(table, t[table], key, label);
  const schoolNumbers = keysOf(t.schools, 'school_number');
  for (const table of SCHOOL_TABLES)
    list.references(table, t[table], 'schoolid', schoolNumbers, 'schools.school_number');
  const studentIds = keysOf(t.students, 'id');
  for (const table of STUDENT_TABLES)
    list.references(table, t[table], 'studentid', studentIds, 'students.id');
  for (const [table, column, target, targetColumn, options] of REFERENCES) {
    const suffix = options.absolute ? ' (negative when dropped)' : '';
    list.references(
      table,
      t[table],
      column,
      keysOf(t[target], targetColumn),
      `${target}.${targetColumn}${suffix}`,
      options,
    );
  }
  checkTermsAndDates(list, data);
  return list.problems;
}

/** Term references, date order, and one recording method per year term. */
function checkTermsAndDates(list: ProblemList, data: DistrictData): void {
  const termKeys = new Set(data.terms.map((term) => `${term.schoolid}/${term.id}`));
  data.sections.forEach((section, index) => {
    if (!termKeys.has(`${section.schoolid}/${section.termid}`))
      list.add(
        'sections',
        index,
        'termid',
        `${section.termid} is no terms.id of school ${section.schoolid}`,
      );
  });
  data.cc.forEach((cc, index) => {
    if (!termKeys.has(`${cc.schoolid}/${Math.abs(cc.termid)}`))
      list.add(
        'cc',
        index,
        'termid',
        `${cc.termid} is no terms.id of school ${cc.schoolid} (negative when dropped)`,
      );
  });
  data.terms.forEach((term, index) => {
    if (term.lastday < term.firstday)
      list.add('terms', index, 'lastday', `${term.lastday} is before firstday ${term.firstday}`);
  });
  for (const table of ['students', 'reenrollments'] as const) {
    data[table].forEach((stint, index) => {
      if (stint.exitdate < stint.entrydate)
        list.add(
          table,
          index,
          'exitdate',
          `${stint.exitdate} is before entrydate ${stint.entrydate}`,
        );
    });
  }
  const modes = new Set(
    data.attendance_preferences.map((pref) => `${pref.schoolid}/${pref.yearid}`),
  );
  data.terms.forEach((term, index) => {
    if (term.isyearrec === 1 && !modes.has(`${term.schoolid}/${term.yearid}`)) {
      list.add(
        'terms',
        index,
        'yearid',
        `school ${term.schoolid} has no attendance_preferences row for yearid ${term.yearid}; add one with its att_mode`,
      );
    }
  });
}
