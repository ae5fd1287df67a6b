/**
 * The demo district: three schools, one per attendance recording method (101 Daily, 102 Time,
 * 103 Meeting), school years 2025-26 (yearid 35) and 2026-27 (yearid 36), and a cast of students
 * whose records cause each documented PowerSchool error from data. Deterministic: no randomness.
 * The named students, dates and ids the tests and support scenarios use are in demo-facts.ts.
 */
import type { DistrictData, StudentRow } from '../district/schema.ts';
import { DistrictBuilder, type BuiltSchool } from './district-builder.ts';
import { ELEMENTARY, HIGH, MIDDLE, YEARS, type SchoolKind } from './school-templates.ts';

const [LAST_YEAR, THIS_YEAR] = YEARS as [(typeof YEARS)[0], (typeof YEARS)[0]];
/** exitdate is the day after the last day attended (reference 5). */
const AFTER_THIS_YEAR = '2027-06-12';
const AFTER_LAST_YEAR = '2026-06-13';

type SchoolKey = 'elementary' | 'middle' | 'high';

/** A student of the cast: current stint plus the stints that came before it. */
interface CastMember {
  first: string;
  last: string;
  grade: number;
  school: SchoolKey;
  entrydate?: string;
  exitdate?: string;
  enroll_status?: number;
  /** Earlier stints; default: the whole last year at the school that fits grade - 1. */
  earlier?: { school: SchoolKey; entrydate: string; exitdate: string; grade: number }[];
  /** Course numbers of this year's classes dropped, and the drop date. */
  drops?: { course: string; on: string }[];
  /** STUDENTS.STUDENT_NUMBER when it must not be the next of the sequence. */
  studentNumber?: number;
}

/**
 * The named students first (their ids are quoted in DEMO_FACTS), then classmates. Order matters:
 * ids are handed out in this order.
 */
const CAST: readonly CastMember[] = [
  { first: 'Ava', last: 'Thompson', grade: 3, school: 'elementary' },
  { first: 'Liam', last: 'Carter', grade: 7, school: 'middle' },
  { first: 'Sofia', last: 'Ramirez', grade: 10, school: 'high' },
  // Withdrew (transferred out): last day attended Friday 10/2/2026.
  {
    first: 'Noah',
    last: 'Bennett',
    grade: 4,
    school: 'elementary',
    exitdate: '2026-10-03',
    enroll_status: 2,
  },
  // New to the district mid-year.
  { first: 'Mia', last: 'Patel', grade: 9, school: 'high', entrydate: '2026-11-02', earlier: [] },
  // Moved up from the middle school: last year's stint is at 102.
  { first: 'Ethan', last: 'Brooks', grade: 9, school: 'high' },
  // Left in February 2026 and came back in March: two stints last year.
  {
    first: 'Chloe',
    last: 'Nguyen',
    grade: 7,
    school: 'middle',
    earlier: [
      { school: 'middle', entrydate: '2025-08-18', exitdate: '2026-02-14', grade: 6 },
      { school: 'middle', entrydate: '2026-03-02', exitdate: AFTER_LAST_YEAR, grade: 6 },
    ],
  },
  // Dropped World History (period 4) on 9/1/2026: period 4 is a free period.
  {
    first: 'Lucas',
    last: 'Kim',
    grade: 11,
    school: 'high',
    drops: [{ course: 'HIST', on: '2026-09-01' }],
  },
  { first: 'Olivia', last: 'Johnson', grade: 0, school: 'elementary' },
  { first: 'Mason', last: 'Lee', grade: 1, school: 'elementary' },
  // Her Student Number is Ava Thompson's DCID: a SIS sync that maps Student Number where the
  // DCID belongs writes Harper's check-ins onto Ava (the guide's wrong-student danger).
  { first: 'Harper', last: 'Wilson', grade: 2, school: 'elementary', studentNumber: 5001 },
  { first: 'Elijah', last: 'Davis', grade: 5, school: 'elementary' },
  { first: 'Amelia', last: 'Martinez', grade: 6, school: 'middle' },
  { first: 'James', last: 'Anderson', grade: 8, school: 'middle' },
  { first: 'Isabella', last: 'Garcia', grade: 6, school: 'middle' },
  { first: 'Benjamin', last: 'Robinson', grade: 12, school: 'high' },
  { first: 'Charlotte', last: 'Clark', grade: 10, school: 'high' },
  { first: 'Henry', last: 'Lewis', grade: 11, school: 'high' },
  { first: 'Evelyn', last: 'Walker', grade: 12, school: 'high' },
];

/** Builds the demo district (a fresh copy every call). */
export function buildDemoDistrict(): DistrictData {
  const builder = new DistrictBuilder({
    name: 'Riverbend Unified School District',
    district_number: '3601',
    timezone: 'America/New_York',
  });
  const schools: Record<SchoolKey, BuiltSchool> = {
    elementary: builder.addSchool(
      { school_number: 101, name: 'Maple Grove Elementary School', abbreviation: 'MGES' },
      ELEMENTARY,
      YEARS,
    ),
    middle: builder.addSchool(
      { school_number: 102, name: 'Riverside Middle School', abbreviation: 'RMS' },
      MIDDLE,
      YEARS,
    ),
    high: builder.addSchool(
      { school_number: 103, name: 'Lincoln High School', abbreviation: 'LHS' },
      HIGH,
      YEARS,
    ),
  };
  const sections = addSections(builder, schools);
  for (const member of CAST) addCastMember(builder, schools, sections, member);
  return builder.build();
}

/** Sections keyed by school number, yearid and course number (elementary: HR-<grade>). */
type SectionIndex = Map<string, ReturnType<DistrictBuilder['addSection']>>;

function addSections(
  builder: DistrictBuilder,
  schools: Record<SchoolKey, BuiltSchool>,
): SectionIndex {
  const index: SectionIndex = new Map();
  for (const school of Object.values(schools)) {
    for (const { yearid } of YEARS) {
      for (const course of school.kind.courses) {
        const grades = school.kind.kind === 'elementary' ? gradesOf(school.kind) : [undefined];
        for (const grade of grades) {
          const section = builder.addSection(school, yearid, course, (grade ?? 0) + 1);
          index.set(
            sectionKey(school.row.school_number, yearid, course.course_number, grade),
            section,
          );
        }
      }
    }
  }
  return index;
}

function gradesOf(kind: SchoolKind): number[] {
  return Array.from({ length: kind.high_grade - kind.low_grade + 1 }, (_, i) => kind.low_grade + i);
}

function sectionKey(schoolNumber: number, yearid: number, course: string, grade?: number): string {
  return grade === undefined
    ? `${schoolNumber}/${yearid}/${course}`
    : `${schoolNumber}/${yearid}/${course}-${grade}`;
}

/** The school a grade belongs to (for last year's default stint). */
function schoolForGrade(grade: number): SchoolKey | undefined {
  if (grade < 0) return undefined;
  return grade <= ELEMENTARY.high_grade
    ? 'elementary'
    : grade <= MIDDLE.high_grade
      ? 'middle'
      : 'high';
}

function addCastMember(
  builder: DistrictBuilder,
  schools: Record<SchoolKey, BuiltSchool>,
  sections: SectionIndex,
  member: CastMember,
): void {
  const stint = {
    entrydate: member.entrydate ?? THIS_YEAR.firstday,
    exitdate: member.exitdate ?? AFTER_THIS_YEAR,
  };
  const student = builder.addStudent({
    first_name: member.first,
    last_name: member.last,
    grade_level: member.grade,
    school: schools[member.school],
    ...stint,
    enroll_status: member.enroll_status ?? 0,
    ...(member.studentNumber !== undefined ? { student_number: member.studentNumber } : {}),
  });
  const thisYear = enrollInYear(
    builder,
    schools[member.school],
    sections,
    student,
    THIS_YEAR.yearid,
    member.grade,
    stint,
  );
  for (const drop of member.drops ?? []) {
    const cc = thisYear.find(
      (c) =>
        sections.get(sectionKey(student.schoolid, THIS_YEAR.yearid, drop.course))?.id ===
        c.sectionid,
    );
    if (cc) builder.drop(cc, drop.on);
  }
  const earlier = member.earlier ?? defaultLastYear(member.grade);
  for (const past of earlier) {
    builder.addReenrollment(
      student,
      schools[past.school],
      past.entrydate,
      past.exitdate,
      past.grade,
    );
    enrollInYear(
      builder,
      schools[past.school],
      sections,
      student,
      LAST_YEAR.yearid,
      past.grade,
      past,
    );
  }
}

/** Last year at the school that fits grade - 1 (none for kindergarten). */
function defaultLastYear(grade: number): NonNullable<CastMember['earlier']> {
  const school = schoolForGrade(grade - 1);
  return school
    ? [{ school, entrydate: LAST_YEAR.firstday, exitdate: AFTER_LAST_YEAR, grade: grade - 1 }]
    : [];
}

/** Enrolls the student in every course the school gives their grade that year. */
function enrollInYear(
  builder: DistrictBuilder,
  school: BuiltSchool,
  sections: SectionIndex,
  student: StudentRow,
  yearid: number,
  grade: number,
  stint: { entrydate: string; exitdate: string },
): NonNullable<ReturnType<DistrictBuilder['enroll']>>[] {
  const enrolled = [];
  for (const course of school.kind.courses) {
    const key = sectionKey(
      school.row.school_number,
      yearid,
      course.course_number,
      school.kind.kind === 'elementary' ? grade : undefined,
    );
    const section = sections.get(key);
    if (!section) continue;
    const cc = builder.enroll(student, section, stint);
    if (cc) enrolled.push(cc);
  }
  return enrolled;
}
