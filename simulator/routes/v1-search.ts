/**
 * `q` on /ws/v1 lists. Students are searched on the fields PowerSchool's searching page lists
 * (PSU PS_API_NOTES.md: student_username, local_id, name.last_name,
 * school_enrollment.enroll_status_code, school_enrollment.enroll_status, school_enrollment.
 * entry_date, state_province_id), plus id and name.first_name (PSU pre_built_get.rb and PSM
 * send them). enroll_status letters compare case-insensitively and stand for their codes, I for
 * every other code (PSU: "case-insensitive ... translated to an enroll_status_code prior to the
 * filter"). Field names compare in any case (PSM writes name.First_name). Other resources are
 * searched on the fields of their answer (inferred).
 */
import { psError } from '../http/errors.ts';
import type { District } from '../district/district.ts';
import { QueryParseError, clauseMatcher, parseQ, type QClause } from '../district/q-parser.ts';
import type { StudentRow } from '../district/schema.ts';
import { KNOWN_ENROLL_CODES, enrollStatusCodes } from './v1-student-shape.ts';

/** A searchable student field and the STUDENTS column it reads. */
const STUDENT_FIELDS: Record<string, { column: keyof StudentRow; numeric: boolean }> = {
  id: { column: 'dcid', numeric: true },
  local_id: { column: 'student_number', numeric: true },
  student_username: { column: 'student_web_id', numeric: false },
  state_province_id: { column: 'state_studentnumber', numeric: false },
  'name.first_name': { column: 'first_name', numeric: false },
  'name.last_name': { column: 'last_name', numeric: false },
  'school_enrollment.enroll_status_code': { column: 'enroll_status', numeric: true },
  'school_enrollment.entry_date': { column: 'entrydate', numeric: false },
};
const ENROLL_STATUS_FIELD = 'school_enrollment.enroll_status';

/** The searchable student fields, for messages and the coverage page. */
export const V1_STUDENT_SEARCH_FIELDS = [...Object.keys(STUDENT_FIELDS), ENROLL_STATUS_FIELD];

function invalidQ(resource: string, message: string): Error {
  return psError(400, message, [{ resource, field: 'q', code: 'InvalidQuery' }]);
}

/** Parses q (an empty or absent q filters nothing: inferred); 400 when malformed. */
export function readV1Q(resource: string, q: string | undefined): QClause[] {
  if (!q?.trim()) return [];
  try {
    return parseQ(q);
  } catch (error) {
    if (error instanceof QueryParseError) throw invalidQ(resource, error.message);
    throw error;
  }
}

/** enroll_status==A, ==(A,P), !=I: the letters turned into a test of the code. */
function enrollStatusMatcher(clause: QClause): (student: StudentRow) => boolean {
  if (clause.operator !== '==' && clause.operator !== '!=') {
    throw new QueryParseError(`Invalid q: ${ENROLL_STATUS_FIELD} takes == or != only.`);
  }
  const letters = clause.values ?? [clause.value];
  let tests: ((code: number) => boolean)[];
  try {
    tests = letters.map((letter) => {
      const codes = enrollStatusCodes(letter);
      return codes
        ? (code: number) => codes.includes(code)
        : (code: number) => !KNOWN_ENROLL_CODES.includes(code);
    });
  } catch (error) {
    throw new QueryParseError(`Invalid q: ${ENROLL_STATUS_FIELD} ${(error as Error).message}`);
  }
  const matches = (student: StudentRow): boolean =>
    tests.some((test) => test(student.enroll_status));
  return clause.operator === '==' ? matches : (student) => !matches(student);
}

function studentMatcher(clause: QClause): (student: StudentRow) => boolean {
  if (clause.field === ENROLL_STATUS_FIELD) return enrollStatusMatcher(clause);
  const field = STUDENT_FIELDS[clause.field];
  if (!field) {
    throw new QueryParseError(
      `Invalid q: ${clause.field} is not a searchable student field; use one of ${V1_STUDENT_SEARCH_FIELDS.join(', ')}.`,
    );
  }
  const test = clauseMatcher(clause, field.numeric);
  return (student) => test(student[field.column]);
}

/** Candidates from an index when q pins the DCID or the student number exactly. */
function indexedCandidates(
  district: District,
  clauses: QClause[],
): readonly StudentRow[] | undefined {
  const students = district.table('students');
  for (const clause of clauses) {
    if (clause.operator !== '==' || clause.values || clause.value.includes('*')) continue;
    if (!/^-?\d+$/.test(clause.value)) continue;
    if (clause.field === 'id') return students.lookup('dcid', clause.value);
    if (clause.field === 'local_id') return students.lookup('student_number', clause.value);
  }
  return undefined;
}

/** Students matching q, of one school (by school number) when given. */
export function searchStudents(
  district: District,
  q: string | undefined,
  schoolNumber?: number,
): readonly StudentRow[] {
  const clauses = readV1Q('student', q);
  let matchers: ((student: StudentRow) => boolean)[];
  try {
    matchers = clauses.map(studentMatcher);
  } catch (error) {
    if (error instanceof QueryParseError) throw invalidQ('student', error.message);
    throw error;
  }
  const students = district.table('students');
  const source =
    indexedCandidates(district, clauses) ??
    (schoolNumber === undefined ? students.all() : students.lookup('schoolid', schoolNumber));
  return source.filter(
    (student) =>
      (schoolNumber === undefined || student.schoolid === schoolNumber) &&
      matchers.every((matches) => matches(student)),
  );
}

/** The value at a dotted path of an answer object (`name.last_name`). */
function valueAt(item: object, path: string): unknown {
  let value: unknown = item;
  for (const key of path.split('.')) {
    value =
      typeof value === 'object' && value !== null
        ? (value as Record<string, unknown>)[key]
        : undefined;
  }
  return value;
}

/**
 * Items of a resource matching q on the given fields of their answer (inferred: the fields a
 * resource answers with are the ones it can be searched on; numbers compare as numbers).
 */
export function searchItems<T extends object>(
  resource: string,
  items: readonly T[],
  q: string | undefined,
  fields: Record<string, 'number' | 'text'>,
): T[] {
  const clauses = readV1Q(resource, q);
  try {
    const tests = clauses.map((clause) => {
      const kind = fields[clause.field];
      if (!kind) {
        throw new QueryParseError(
          `Invalid q: ${clause.field} is not a searchable ${resource} field; use one of ${Object.keys(fields).join(', ')}.`,
        );
      }
      const matches = clauseMatcher(clause, kind === 'number');
      return (item: T) => matches(valueAt(item, clause.field));
    });
    return items.filter((item) => tests.every((test) => test(item)));
  } catch (error) {
    if (error instanceof QueryParseError) throw invalidQ(resource, error.message);
    throw error;
  }
}
