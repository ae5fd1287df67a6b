/**
 * The large district: N students (default 100,000) over one school per 2,500 students, the same
 * structure as the demo (both years' terms, calendars, bell schedules, codes and recording
 * methods), with this year's sections and class enrollments. Deterministic: a fixed-seed PRNG.
 * Built for load and benchmark runs: no REENROLLMENTS and no last-year classes, to stay small.
 */
import type { DistrictData, StudentRow } from '../district/schema.ts';
import { mulberry32 } from '../platform/random.ts';
import { DistrictBuilder, type BuiltSchool } from './district-builder.ts';
import { ELEMENTARY, HIGH, MIDDLE, YEARS, type SchoolKind } from './school-templates.ts';

/** Default and bounds of `--students`. */
export const LARGE_DEFAULT_STUDENTS = 100_000;
export const LARGE_MAX_STUDENTS = 1_000_000;

const STUDENTS_PER_SCHOOL = 2_500;
const CLASS_SIZE = 30;
const THIS_YEAR = YEARS[1]!;
const AFTER_THIS_YEAR = '2027-06-12';
const KINDS: readonly SchoolKind[] = [ELEMENTARY, MIDDLE, HIGH];
const KIND_NAMES = {
  elementary: 'Elementary School',
  middle: 'Middle School',
  high: 'High School',
};

const PLACES = [
  'Oak Ridge',
  'Cedar Park',
  'Willow Creek',
  'Pine Hill',
  'Lakeview',
  'Brookside',
  'Summit',
  'Fairview',
  'Hillcrest',
  'Meadowbrook',
  'Stonebridge',
  'Riverside',
  'Clearwater',
  'Highland',
  'Sunnyvale',
  'Westfield',
  'Eastwood',
  'Northgate',
  'Southport',
  'Kingsley',
];
const FIRST_NAMES = [
  'Olivia',
  'Liam',
  'Emma',
  'Noah',
  'Ava',
  'Elijah',
  'Sophia',
  'James',
  'Isabella',
  'William',
  'Mia',
  'Benjamin',
  'Amelia',
  'Lucas',
  'Harper',
  'Henry',
  'Evelyn',
  'Alexander',
  'Abigail',
  'Daniel',
  'Emily',
  'Matthew',
  'Ella',
  'Jackson',
  'Aaliyah',
  'Mateo',
  'Camila',
  'Diego',
  'Priya',
  'Wei',
  'Fatima',
  'Omar',
  'Yuki',
  'Kofi',
  'Zara',
  'Ravi',
];
const LAST_NAMES = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernandez',
  'Lopez',
  'Gonzalez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Perez',
  'Thompson',
  'White',
  'Harris',
  'Sanchez',
  'Clark',
  'Ramirez',
  'Lewis',
  'Robinson',
  'Nguyen',
  'Patel',
  'Kim',
  'Chen',
  'Okafor',
  'Haddad',
];

export interface LargeDistrictOptions {
  students?: number;
  /** PRNG seed; the same seed and size always give the same district. */
  seed?: number;
}

/** Builds a district of `students` students; deterministic for a given seed. */
export function buildLargeDistrict(options: LargeDistrictOptions = {}): DistrictData {
  const total = options.students ?? LARGE_DEFAULT_STUDENTS;
  if (!Number.isInteger(total) || total < 1 || total > LARGE_MAX_STUDENTS) {
    throw new RangeError(
      `students must be a whole number from 1 to ${LARGE_MAX_STUDENTS}; got ${total}.`,
    );
  }
  const random = mulberry32(options.seed ?? 20_260_817);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const builder = new DistrictBuilder({
    name: 'Large Test District',
    district_number: '9901',
    timezone: 'America/New_York',
  });
  const schoolCount = Math.max(3, Math.ceil(total / STUDENTS_PER_SCHOOL));
  for (let index = 0; index < schoolCount; index += 1) {
    const kind = KINDS[index % KINDS.length]!;
    const school = builder.addSchool(
      {
        school_number: 101 + index,
        name: `${PLACES[index % PLACES.length]}${index >= PLACES.length ? ` ${Math.floor(index / PLACES.length) + 1}` : ''} ${KIND_NAMES[kind.kind]}`,
        abbreviation: `S${101 + index}`,
      },
      kind,
      YEARS,
    );
    const size = Math.floor(total / schoolCount) + (index < total % schoolCount ? 1 : 0);
    const students = Array.from({ length: size }, (_, position) => {
      const grade = kind.low_grade + (position % (kind.high_grade - kind.low_grade + 1));
      const first_name = pick(FIRST_NAMES);
      const last_name = pick(LAST_NAMES);
      const roll = random();
      // About 2% arrive mid-year and 2% leave: enrollment errors arise from data at scale too.
      const entrydate = roll < 0.02 ? '2026-11-02' : THIS_YEAR.firstday;
      const exitdate = roll > 0.98 ? '2026-12-01' : AFTER_THIS_YEAR;
      return builder.addStudent({
        first_name,
        last_name,
        grade_level: grade,
        school,
        entrydate,
        exitdate,
        enroll_status: exitdate === AFTER_THIS_YEAR ? 0 : 2,
      });
    });
    scheduleSchool(builder, school, students);
  }
  return builder.build();
}

/** Creates this year's sections (about 30 students each) and enrolls every student. */
function scheduleSchool(
  builder: DistrictBuilder,
  school: BuiltSchool,
  students: StudentRow[],
): void {
  const byGrade = school.kind.kind === 'elementary';
  const groups = new Map<number, StudentRow[]>();
  for (const student of students) {
    const key = byGrade ? student.grade_level : 0;
    const group = groups.get(key);
    if (group) group.push(student);
    else groups.set(key, [student]);
  }
  for (const course of school.kind.courses) {
    for (const [grade, group] of groups) {
      const count = Math.max(1, Math.ceil(group.length / CLASS_SIZE));
      const sections = Array.from({ length: count }, (_, index) =>
        builder.addSection(
          school,
          THIS_YEAR.yearid,
          course,
          byGrade ? grade * 100 + index + 1 : index + 1,
        ),
      );
      group.forEach((student, position) => {
        builder.enroll(student, sections[position % count]!, student);
      });
    }
  }
}
