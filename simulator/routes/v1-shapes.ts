/**
 * /ws/v1 resource shapes (API-REF powerschool-api-v1.md, reference section 3): a school's and a
 * student's `id` is its DCID, a student's `local_id` its student_number; a term's ids are DCIDs.
 * Only the fields a writeback tool reads are produced.
 */
import type { District } from '../district/district.ts';
import type { SchoolRow, StudentRow, TermRow } from '../district/schema.ts';

/**
 * A v1 collection with v1's quirk: exactly one item comes back as an object, not an array
 * (GH Paginator.php, SwiftyPSCore). Inferred: none comes back as an empty array.
 */
export function v1Collection(wrapper: string, item: string, items: readonly object[]): object {
  return { [wrapper]: { [item]: items.length === 1 ? items[0] : items } };
}

/** A school in /ws/v1/district/school. */
export function v1School(school: SchoolRow): object {
  return {
    id: school.dcid,
    name: school.name,
    school_number: String(school.school_number),
    low_grade: school.low_grade,
    high_grade: school.high_grade,
  };
}

/** A term in /ws/v1/school/{id}/term and /ws/v1/term/{id} (API-REF types: ids as strings). */
export function v1Term(term: TermRow, school: SchoolRow): object {
  return {
    id: String(term.dcid),
    school_id: String(school.dcid),
    start_year: String(term.yearid + 1990),
    portion: term.portion,
    start_date: term.firstday,
    end_date: term.lastday,
    abbreviation: term.abbreviation,
    name: term.name,
  };
}

const ENROLL_STATUS: Record<number, [string, string]> = {
  0: ['A', 'Active'],
  [-1]: ['P', 'Pre-Registered'],
  2: ['T', 'Transferred-Out'],
  3: ['G', 'Graduated'],
  4: ['H', 'Historical'],
};

/** The v1 student expansions the simulator produces. */
export const V1_STUDENT_EXPANSIONS = ['school_enrollment'] as const;

/** A student in /ws/v1/district/student and /ws/v1/student/{id}. */
export function v1Student(
  district: District,
  student: StudentRow,
  expansions: readonly string[],
): object {
  const shape: Record<string, unknown> = {
    id: student.dcid,
    local_id: student.student_number,
    name: {
      first_name: student.first_name,
      middle_name: student.middle_name,
      last_name: student.last_name,
    },
  };
  if (expansions.includes('school_enrollment')) {
    const [code, description] = ENROLL_STATUS[student.enroll_status] ?? ['I', 'Inactive'];
    shape.school_enrollment = {
      status_code: student.enroll_status,
      enroll_status: code,
      enroll_status_description: description,
      grade_level: String(student.grade_level),
      entry_date: student.entrydate,
      exit_date: student.exitdate,
      school_number: student.schoolid,
      school_id: district.schoolByNumber(student.schoolid)?.dcid,
    };
  }
  return shape;
}

/** v1 student search fields (`q`) and the STUDENTS column each one reads. Inferred mapping. */
export const V1_STUDENT_FIELDS: Record<string, { column: keyof StudentRow; numeric: boolean }> = {
  id: { column: 'dcid', numeric: true },
  local_id: { column: 'student_number', numeric: true },
  'name.first_name': { column: 'first_name', numeric: false },
  'name.middle_name': { column: 'middle_name', numeric: false },
  'name.last_name': { column: 'last_name', numeric: false },
  'school_enrollment.grade_level': { column: 'grade_level', numeric: true },
  'school_enrollment.school_number': { column: 'schoolid', numeric: true },
  'school_enrollment.status_code': { column: 'enroll_status', numeric: true },
  'school_enrollment.entry_date': { column: 'entrydate', numeric: false },
  'school_enrollment.exit_date': { column: 'exitdate', numeric: false },
};
