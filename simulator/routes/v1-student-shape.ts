/**
 * A v1 student and its expansions. The list form and the `@expansions` text follow public
 * recordings of real answers (PSU pre_built_get.rb; GH tests/PowerSchoolTest.php): id (DCID),
 * local_id, student_username, name; `@expansions` lists every expansion, comma and space
 * separated; an expansion the district holds nothing for is the empty string (PSU: "addresses"
 * => ""). The simulated district holds data for demographics and school_enrollment only.
 */
import { psError } from '../http/errors.ts';
import type { District } from '../district/district.ts';
import type { StudentRow } from '../district/schema.ts';

/**
 * Every expansion of a v1 student, in the order PowerSchool lists them (PSU; GH adds global_id;
 * PSM's list adds counselors, placed before global_id: inferred).
 */
export const V1_STUDENT_EXPANSIONS = [
  'demographics',
  'addresses',
  'alerts',
  'phones',
  'school_enrollment',
  'ethnicity_race',
  'contact',
  'contact_info',
  'initial_enrollment',
  'schedule_setup',
  'fees',
  'lunch',
  'counselors',
  'global_id',
] as const;
export type V1StudentExpansion = (typeof V1_STUDENT_EXPANSIONS)[number];

/** The `@expansions` value of a student answer. */
export const STUDENT_EXPANSIONS_TEXT = V1_STUDENT_EXPANSIONS.join(', ');

/** Type guard for V1StudentExpansion. */
export function isStudentExpansion(value: string): value is V1StudentExpansion {
  return (V1_STUDENT_EXPANSIONS as readonly string[]).includes(value);
}

/**
 * The expansions asked for (`expansions=a,b`, any case). Inferred: an unknown one is a 400
 * naming the valid ones; unknown extensions are ignored (PSU: "Unknown extension requests are
 * ignored").
 */
export function readStudentExpansions(raw: string | undefined): Set<V1StudentExpansion> {
  const asked = new Set<V1StudentExpansion>();
  for (const name of (raw ?? '').split(',')) {
    const expansion = name.trim().toLowerCase();
    if (expansion === '') continue;
    if (!isStudentExpansion(expansion)) {
      throw psError(
        400,
        `Invalid expansion: ${name.trim()} is not an expansion of student. Valid expansions: ${STUDENT_EXPANSIONS_TEXT}.`,
        [{ resource: 'student', field: 'expansions', code: 'InvalidExpansion' }],
      );
    }
    asked.add(expansion);
  }
  return asked;
}

/** STUDENTS.ENROLL_STATUS -> v1's letter and description (API-REF district_student_school_enrollment). */
const ENROLL_STATUS: Record<number, [string, string]> = {
  0: ['A', 'Active'],
  [-1]: ['P', 'Pre-Registered'],
  2: ['T', 'Transferred-Out'],
  3: ['G', 'Graduated'],
  4: ['H', 'Historical'],
};

/** The enroll_status letter of a code (I for any code not listed). */
export function enrollStatusLetter(code: number): string {
  return ENROLL_STATUS[code]?.[0] ?? 'I';
}

/** The codes a letter stands for; I stands for every code not listed (`undefined` here). */
export function enrollStatusCodes(letter: string): number[] | undefined {
  const upper = letter.toUpperCase();
  if (upper === 'I') return undefined;
  const entry = Object.entries(ENROLL_STATUS).find(([, [code]]) => code === upper);
  if (!entry) {
    throw new Error(`"${letter}" is not an enroll_status; use A, P, T, G, H or I.`);
  }
  return [Number(entry[0])];
}

/** The known enroll_status codes (every other code is I, Inactive). */
export const KNOWN_ENROLL_CODES: readonly number[] = Object.keys(ENROLL_STATUS).map(Number);

/** The school year a date falls in starts that year from July, else the year before. */
function schoolYearStart(date: string): number {
  const year = Number(date.slice(0, 4));
  return Number(date.slice(5, 7)) >= 7 ? year : year - 1;
}

function demographics(student: StudentRow): object | '' {
  const graduation = schoolYearStart(student.entrydate) + 1 + (12 - student.grade_level);
  const shape = {
    ...(student.gender ? { gender: student.gender } : {}),
    ...(student.dob ? { birth_date: student.dob } : {}),
    ...(student.grade_level >= 0 ? { projected_graduation_year: graduation } : {}),
  };
  return Object.keys(shape).length ? shape : '';
}

/** PSU's recorded school_enrollment (enroll_status_code, grade_level a number). */
function schoolEnrollment(district: District, student: StudentRow): object {
  const [letter, description] = ENROLL_STATUS[student.enroll_status] ?? ['I', 'Inactive'];
  const school = district.schoolByNumber(student.schoolid);
  return {
    enroll_status: letter,
    enroll_status_description: description,
    enroll_status_code: student.enroll_status,
    grade_level: student.grade_level,
    entry_date: student.entrydate,
    exit_date: student.exitdate,
    school_number: student.schoolid,
    ...(school ? { school_id: school.dcid } : {}),
  };
}

/** A student with the expansions asked for (the others left out). */
export function v1Student(
  district: District,
  student: StudentRow,
  expansions: ReadonlySet<V1StudentExpansion>,
): Record<string, unknown> {
  const shape: Record<string, unknown> = {
    id: student.dcid,
    local_id: student.student_number,
  };
  if (student.student_web_id) shape.student_username = student.student_web_id;
  if (student.state_studentnumber) shape.state_province_id = student.state_studentnumber;
  shape.name = {
    first_name: student.first_name,
    ...(student.middle_name ? { middle_name: student.middle_name } : {}),
    last_name: student.last_name,
  };
  for (const expansion of V1_STUDENT_EXPANSIONS) {
    if (!expansions.has(expansion)) continue;
    if (expansion === 'demographics') shape.demographics = demographics(student);
    else if (expansion === 'school_enrollment') {
      shape.school_enrollment = schoolEnrollment(district, student);
    } else shape[expansion] = '';
  }
  return shape;
}
