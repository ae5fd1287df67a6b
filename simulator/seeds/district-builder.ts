/**
 * Builds a district's tables from templates with deterministic ids (one counter per table), so
 * the same calls always give the same data. The demo and large seeds both use it.
 */
import { addDays } from '../district/dates.ts';
import { expandExpression } from '../district/section-expression.ts';
import type {
  CcRow,
  DistrictData,
  DistrictInfo,
  SchoolRow,
  SectionRow,
  StudentRow,
  TableName,
} from '../district/schema.ts';
import { COURSE_NAMES, birthDateOf, genderOf, teacherName, usernameOf } from './people.ts';
import { RowSink } from './row-sink.ts';
import { addSchoolYear, type BuiltSchool, type BuiltSchoolYear } from './school-year.ts';
import {
  CYCLE_LETTERS,
  type CourseTemplate,
  type SchoolKind,
  type YearTemplate,
} from './school-templates.ts';

export type { BuiltSchool, BuiltSchoolYear };

/** Fields a caller gives for a new student; the builder adds ids and lastfirst. */
export interface NewStudent {
  first_name: string;
  last_name: string;
  middle_name?: string;
  grade_level: number;
  school: BuiltSchool;
  entrydate: string;
  exitdate: string;
  enroll_status?: number;
  /** Default: the next number of the district's sequence (260001, 260002, ...). */
  student_number?: number;
  /** Default: from the first name (people.ts). */
  gender?: string;
}

/** Accumulates rows table by table. */
export class DistrictBuilder {
  readonly #sink: RowSink;
  #nextStudentNumber = 260001;
  /** Each section's enrollment window (term firstday, day after lastday): enrolling searches nothing. */
  readonly #windowOfSection = new Map<number, { firstday: string; dayAfter: string }>();
  /** Course numbers already in COURSES. */
  readonly #courses = new Set<string>();
  /** The teacher of a course at a school ("school|course" -> TEACHERS.ID). */
  readonly #teacherOf = new Map<string, number>();

  constructor(info: DistrictInfo) {
    this.#sink = new RowSink(info);
  }

  /** The next id (and dcid) of a table. */
  #keys(table: TableName): { id: number; dcid: number } {
    return this.#sink.keys(table);
  }

  get #data(): DistrictData {
    return this.#sink.data;
  }

  /** Adds a school with its terms, calendar, bell schedule, periods, codes and preferences. */
  addSchool(
    fields: { school_number: number; name: string; abbreviation: string },
    kind: SchoolKind,
    years: readonly YearTemplate[],
  ): BuiltSchool {
    const row: SchoolRow = {
      ...this.#keys('schools'),
      ...fields,
      low_grade: kind.low_grade,
      high_grade: kind.high_grade,
    };
    this.#data.schools.push(row);
    const school: BuiltSchool = { row, kind, years: new Map() };
    for (const year of years)
      school.years.set(year.yearid, addSchoolYear(this.#sink, school, year));
    return school;
  }

  /** Adds a section of a course in a school year, with its SECTION_MEETING rows. */
  addSection(
    school: BuiltSchool,
    yearid: number,
    course: CourseTemplate,
    sectionNumber: number,
  ): SectionRow {
    const schoolYear = this.schoolYear(school, yearid);
    const term = course.term === 'year' ? schoolYear.yearTerm : schoolYear.semesters[course.term];
    this.#addCourse(course.course_number);
    const teacher = this.#teacherFor(school, course.course_number);
    const { id, dcid } = this.#keys('sections');
    const section: SectionRow = {
      id,
      dcid,
      schoolid: school.row.school_number,
      termid: term.id,
      course_number: course.course_number,
      section_number: String(sectionNumber),
      expression: course.expression,
      teacher,
    };
    this.#data.sections.push(section);
    this.#windowOfSection.set(section.id, {
      firstday: term.firstday,
      dayAfter: addDays(term.lastday, 1),
    });
    for (const meeting of expandExpression(course.expression, CYCLE_LETTERS)) {
      this.#data.section_meeting.push({
        id: this.#keys('section_meeting').id,
        sectionid: section.id,
        schoolid: section.schoolid,
        year_id: yearid,
        period_number: meeting.periodNumber,
        cycle_day_letter: meeting.cycleDayLetter,
      });
    }
    return section;
  }

  /** Adds a course to the district's catalogue the first time a section of it is made. */
  #addCourse(courseNumber: string): void {
    if (this.#courses.has(courseNumber)) return;
    this.#courses.add(courseNumber);
    this.#data.courses.push({
      ...this.#keys('courses'),
      course_number: courseNumber,
      course_name: COURSE_NAMES[courseNumber] ?? courseNumber,
      credit_hours: 1,
    });
  }

  /** One teacher per course and school, made when its first section is. */
  #teacherFor(school: BuiltSchool, courseNumber: string): number {
    const key = `${school.row.school_number}|${courseNumber}`;
    const known = this.#teacherOf.get(key);
    if (known !== undefined) return known;
    const { id, dcid } = this.#keys('teachers');
    const { first_name, last_name } = teacherName(this.#data.teachers.length);
    this.#data.teachers.push({
      id,
      dcid,
      users_dcid: 20000 + id,
      schoolid: school.row.school_number,
      teachernumber: `T${id}`,
      first_name,
      middle_name: '',
      last_name,
      email_addr: `${first_name}.${last_name}${id}@riverbend.example`.toLowerCase(),
      status: 1,
    });
    this.#teacherOf.set(key, id);
    return id;
  }

  /** The built year of a school; throws when the school has no such year. */
  schoolYear(school: BuiltSchool, yearid: number): BuiltSchoolYear {
    const schoolYear = school.years.get(yearid);
    if (!schoolYear) throw new Error(`school ${school.row.school_number} has no year ${yearid}`);
    return schoolYear;
  }

  /** Adds a student (current stint on STUDENTS). */
  addStudent(fields: NewStudent): StudentRow {
    const { school, middle_name = '', enroll_status = 0, gender, ...rest } = fields;
    // Explicit properties, no object spread: spread is ~20x slower and the large seed makes
    // hundreds of thousands of rows.
    const { id, dcid } = this.#keys('students');
    // The sequence advances even for a given number, so the students after it keep theirs.
    const nextNumber = this.#nextStudentNumber++;
    const studentNumber = rest.student_number ?? nextNumber;
    const student: StudentRow = {
      id,
      dcid,
      student_number: studentNumber,
      first_name: rest.first_name,
      middle_name,
      last_name: rest.last_name,
      lastfirst: `${rest.last_name}, ${rest.first_name}`,
      grade_level: rest.grade_level,
      schoolid: school.row.school_number,
      enroll_status,
      entrydate: rest.entrydate,
      exitdate: rest.exitdate,
      student_web_id: usernameOf(rest.first_name, rest.last_name, studentNumber),
      state_studentnumber: String(900_000_000 + id),
      gender: gender ?? genderOf(rest.first_name),
      dob: birthDateOf(rest.grade_level, id),
    };
    this.#data.students.push(student);
    return student;
  }

  /** Records an earlier stint of a student (REENROLLMENTS). */
  addReenrollment(
    student: StudentRow,
    school: BuiltSchool,
    entrydate: string,
    exitdate: string,
    grade_level: number,
  ): void {
    this.#data.reenrollments.push({
      ...this.#keys('reenrollments'),
      studentid: student.id,
      schoolid: school.row.school_number,
      entrydate,
      exitdate,
      grade_level,
    });
  }

  /** Enrolls a student in a section for the overlap of the section's term and the given dates. */
  enroll(
    student: StudentRow,
    section: SectionRow,
    stint: { entrydate: string; exitdate: string },
  ): CcRow | undefined {
    const window = this.#windowOfSection.get(section.id);
    if (!window) throw new Error(`section ${section.id} was not made by this builder`);
    const dateenrolled = stint.entrydate > window.firstday ? stint.entrydate : window.firstday;
    const dateleft = stint.exitdate < window.dayAfter ? stint.exitdate : window.dayAfter;
    if (dateenrolled >= dateleft) return undefined;
    const { id, dcid } = this.#keys('cc');
    const cc: CcRow = {
      id,
      dcid,
      studentid: student.id,
      sectionid: section.id,
      termid: section.termid,
      schoolid: section.schoolid,
      dateenrolled,
      dateleft,
    };
    this.#data.cc.push(cc);
    return cc;
  }

  /** Drops a class as PowerSchool does: dateleft set, sectionid and termid negated. */
  drop(cc: CcRow, onDate: string): void {
    cc.dateleft = onDate;
    cc.sectionid = -Math.abs(cc.sectionid);
    cc.termid = -Math.abs(cc.termid);
  }

  /** The finished district. */
  build(): DistrictData {
    return this.#data;
  }
}
