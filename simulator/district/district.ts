/**
 * The simulated district: every table in memory with indexes, the lookups PowerSchool's
 * validations need (reference section 5) and the one kind of write the API allows (attendance).
 * Routes and PowerQueries read through it; lowdb persistence sits outside and is handed toJSON().
 */
import { compositeKey, type IndexedTable } from './indexed-table.ts';
import { indexDistrictTables, type DistrictTables } from './district-tables.ts';
import type {
  AttMode,
  AttendanceRow,
  AttendanceTimeRow,
  CalendarDayRow,
  DistrictData,
  DistrictInfo,
  RowOf,
  SchoolRow,
  StudentRow,
  TableName,
  TermRow,
} from './schema.ts';

/** The counts printed when the simulator starts and answered by /__sim/seed. */
export interface DistrictSummary {
  name: string;
  timezone: string;
  schools: number;
  students: number;
  sections: number;
  cc: number;
  codes: number;
  days: number;
  attendance: number;
}

/** An enrollment stint: the current one on STUDENTS or an earlier one on REENROLLMENTS. */
export interface EnrollmentStint {
  schoolid: number;
  entrydate: string;
  exitdate: string;
  grade_level: number;
}

/** The values of an attendance row before it has an id. */
export type AttendanceValues = Omit<AttendanceRow, 'id' | 'dcid'>;

/** Time details kept beside an attendance row (inferred: ATTENDANCE_TIME). */
export type AttendanceTimeValues = Pick<
  AttendanceTimeRow,
  'time_in' | 'time_out' | 'total_minutes'
>;

/** Outcome of a create-or-update (or of a Time record voided with 0 minutes). */
export interface SavedAttendance {
  action: 'INSERT' | 'UPDATE' | 'DELETE';
  row: AttendanceRow;
}

export interface DistrictOptions {
  /** Called after every change (write-behind persistence listens here). */
  onChange?: () => void;
}

/** A year term (isyearrec=1) whose firstday <= date <= lastday: the year of a date (reference 5). */
export function isYearTermOn(term: TermRow, date: string): boolean {
  return term.isyearrec === 1 && term.firstday <= date && date <= term.lastday;
}

/** The district service: tables, indexes, lookups and attendance writes. */
export class District {
  #info: DistrictInfo;
  #tables: DistrictTables;
  readonly #onChange: (() => void) | undefined;
  /** Highest dcid per table, found once on the first insert. */
  #maxDcid = new Map<string, number>();

  constructor(data: DistrictData, options: DistrictOptions = {}) {
    this.#info = data.district;
    this.#tables = indexDistrictTables(data);
    this.#onChange = options.onChange;
  }

  /** Replaces every table (reset and snapshot restore); the data is adopted, not copied. */
  load(data: DistrictData): void {
    this.#info = data.district;
    this.#tables = indexDistrictTables(data);
    this.#maxDcid = new Map();
    this.#onChange?.();
  }

  /** District settings: name, number, time zone. */
  get info(): DistrictInfo {
    return this.#info;
  }

  /** One table, for generic readers (schema-table engine, PowerQueries). */
  table<T extends TableName>(name: T): IndexedTable<RowOf<T>> {
    return this.#tables[name] as unknown as IndexedTable<RowOf<T>>;
  }

  /** The whole district as plain data (live arrays: serialise or clone before keeping). */
  toJSON(): DistrictData {
    const data = { district: this.#info } as DistrictData;
    for (const [name, table] of Object.entries(this.#tables)) {
      (data as unknown as Record<string, unknown>)[name] = table.all();
    }
    return data;
  }

  /** Counts for the start-up summary. */
  summary(): DistrictSummary {
    const tables = this.#tables;
    return {
      name: this.#info.name,
      timezone: this.#info.timezone,
      schools: tables.schools.size,
      students: tables.students.size,
      sections: tables.sections.size,
      cc: tables.cc.size,
      codes: tables.attendance_code.size,
      days: tables.calendar_day.size,
      attendance: tables.attendance.size,
    };
  }

  /** The school whose SCHOOLS.SCHOOL_NUMBER this is (what other tables call schoolid). */
  schoolByNumber(schoolNumber: number): SchoolRow | undefined {
    return this.#tables.schools.first('school_number', schoolNumber);
  }

  /** The school with this SCHOOLS.DCID (v1's school id). */
  schoolByDcid(dcid: number): SchoolRow | undefined {
    return this.#tables.schools.first('dcid', dcid);
  }

  /** The student with this STUDENTS.ID. */
  studentById(id: number): StudentRow | undefined {
    return this.#tables.students.get(id);
  }

  /** The student with this STUDENTS.DCID. */
  studentByDcid(dcid: number): StudentRow | undefined {
    return this.#tables.students.first('dcid', dcid);
  }

  /** Every term of a school (by school number). */
  termsOfSchool(schoolid: number): readonly TermRow[] {
    return this.#tables.terms.lookup('schoolid', schoolid);
  }

  /** A school's term by TERMS.ID (ids repeat across schools: 3500 is every school's year). */
  termOfSchool(schoolid: number, termid: number): TermRow | undefined {
    return this.#tables.terms.first('schoolid|id', compositeKey(schoolid, termid));
  }

  /** The school's year term whose days hold the date (isYearTermOn). */
  yearTermOn(schoolid: number, date: string): TermRow | undefined {
    for (const term of this.termsOfSchool(schoolid)) {
      if (isYearTermOn(term, date)) return term;
    }
    return undefined;
  }

  /** The school's calendar day for a date. */
  calendarDay(schoolid: number, date: string): CalendarDayRow | undefined {
    return this.#tables.calendar_day.first('schoolid|date_value', compositeKey(schoolid, date));
  }

  /** True when the school enables this recording method for the year (checked on every write). */
  enablesMode(schoolid: number, yearid: number, mode: AttMode): boolean {
    const key = compositeKey(schoolid, yearid);
    for (const preference of this.#tables.attendance_preferences.lookup('schoolid|yearid', key)) {
      if (preference.att_mode === mode) return true;
    }
    return false;
  }

  /** The recording methods a school enables for a year (Attendance Preferences; one or more). */
  attendanceModes(schoolid: number, yearid: number): AttMode[] {
    const key = compositeKey(schoolid, yearid);
    return this.#tables.attendance_preferences
      .lookup('schoolid|yearid', key)
      .map((preference) => preference.att_mode);
  }

  /** The student's stints: the current one first, then REENROLLMENTS. */
  enrollmentStints(student: StudentRow): EnrollmentStint[] {
    const earlier = this.#tables.reenrollments.lookup('studentid', student.id);
    return [student, ...earlier].map(({ schoolid, entrydate, exitdate, grade_level }) => ({
      schoolid,
      entrydate,
      exitdate,
      grade_level,
    }));
  }

  /** Enrolled at the school on the date: entrydate <= date < exitdate in some stint there. */
  isEnrolled(student: StudentRow, schoolid: number, date: string): boolean {
    // Every write asks this: the stints are read in place, not copied as enrollmentStints does.
    if (isStintOn(student, schoolid, date)) return true;
    for (const stint of this.#tables.reenrollments.lookup('studentid', student.id)) {
      if (isStintOn(stint, schoolid, date)) return true;
    }
    return false;
  }

  /** Existing attendance rows of a student on a date. */
  attendanceOn(studentid: number, date: string): readonly AttendanceRow[] {
    return this.#tables.attendance.lookup('studentid|att_date', compositeKey(studentid, date));
  }

  /**
   * Create-or-update: Daily records are keyed by student + date, meeting and interval records by
   * student + date + period; the same key updates, never duplicates. Time records are several a
   * day: each one without a `dcid` is new, one naming a row by `dcid` updates it (API-REF: dcid
   * is "primarily used for updates to attendance records with the att_mode_code set to
   * ATT_ModeTime"), and 0 minutes on a named row voids it (inferred).
   */
  saveAttendance(
    values: AttendanceValues,
    time?: AttendanceTimeValues,
    dcid?: number,
  ): SavedAttendance {
    const named = dcid === undefined ? undefined : this.attendanceByDcid(dcid);
    if (named && values.att_mode_code === 'ATT_ModeTime' && values.total_minutes === 0) {
      this.#removeAttendance(named);
      this.#onChange?.();
      return { action: 'DELETE', row: named };
    }
    const existing = named ?? this.#sameKeyRow(values);
    const attendance = this.#tables.attendance;
    const row = existing
      ? attendance.update(existing, values)
      : attendance.insert({ ...values, ...this.#newKeys(attendance) });
    if (time) this.#saveAttendanceTime(row, time);
    this.#onChange?.();
    return { action: existing ? 'UPDATE' : 'INSERT', row };
  }

  /** Removes an attendance row by id (DELETE /ws/schema/table/attendance/{id}); false if none. */
  removeAttendance(id: number): boolean {
    const row = this.#tables.attendance.get(id);
    if (!row) return false;
    this.#removeAttendance(row);
    this.#onChange?.();
    return true;
  }

  /** An attendance row by its DCID (Time-mode updates may name the record by dcid). */
  attendanceByDcid(dcid: number): AttendanceRow | undefined {
    return this.#tables.attendance.first('dcid', dcid);
  }

  /**
   * The row a record updates: a Daily record the student's Daily row of the date, a meeting or
   * interval record the row of the same period; a Time record none (several a day).
   */
  #sameKeyRow(values: AttendanceValues): AttendanceRow | undefined {
    if (values.att_mode_code === 'ATT_ModeTime') return undefined;
    const daily = values.ccid === 0 && values.periodid === 0;
    for (const row of this.attendanceOn(values.studentid, values.att_date)) {
      const same = daily
        ? row.ccid === 0 && row.periodid === 0 && row.att_mode_code === values.att_mode_code
        : row.periodid === values.periodid && row.ccid !== 0;
      if (same) return row;
    }
    return undefined;
  }

  /** Takes an attendance row and its ATTENDANCE_TIME row out of the district. */
  #removeAttendance(row: AttendanceRow): void {
    const times = this.#tables.attendance_time;
    for (const time of [...times.lookup('attendanceid', row.id)]) times.remove(time);
    this.#tables.attendance.remove(row);
  }

  #saveAttendanceTime(row: AttendanceRow, time: AttendanceTimeValues): void {
    const table = this.#tables.attendance_time;
    const existing = table.first('attendanceid', row.id);
    // Written out, not spread from `time`: a spread copy is slow on a path every write takes.
    const values = {
      attendanceid: row.id,
      studentid: row.studentid,
      att_date: row.att_date,
      time_in: time.time_in,
      time_out: time.time_out,
      total_minutes: time.total_minutes,
    };
    if (existing) table.update(existing, values);
    else table.insert({ ...values, ...this.#newKeys(table) });
  }

  /** New id and dcid for a row: one past the highest in use (ids stay stable across restarts). */
  #newKeys<Row extends { dcid: number }>(table: IndexedTable<Row>): { id: number; dcid: number } {
    let maxDcid = this.#maxDcid.get(table.name);
    if (maxDcid === undefined) {
      maxDcid = 0;
      for (const row of table.all()) if (row.dcid > maxDcid) maxDcid = row.dcid;
    }
    this.#maxDcid.set(table.name, maxDcid + 1);
    return { id: table.maxPrimaryKey() + 1, dcid: maxDcid + 1 };
  }
}

/** The stint was at the school and covers the date: entrydate <= date < exitdate. */
function isStintOn(
  stint: Pick<EnrollmentStint, 'schoolid' | 'entrydate' | 'exitdate'>,
  schoolid: number,
  date: string,
): boolean {
  return stint.schoolid === schoolid && stint.entrydate <= date && date < stint.exitdate;
}
