/**
 * v1 students: the district's (`/ws/v1/district/student`, `/count`), the search form
 * (`/ws/v1/student?q=`, PSU PS_API_NOTES.md and TL README), a school's
 * (`/ws/v1/school/{id}/student`, `/count`, PSU and GH README) and one by DCID
 * (`/ws/v1/student/{id}`). Lists carry `@expansions` and `@extensions` beside `student` (PSU,
 * GH tests); one student carries them among its fields (PSU).
 */
import type { Context } from 'hono';
import type { District } from '../district/district.ts';
import type { StudentRow } from '../district/schema.ts';
import { MAX_PAGE_SIZES, pageOf, readPaging, v1Paging } from './paging.ts';
import { notFound, schoolOf, wholeId, type MountV1 } from './v1-lookups.ts';
import { searchStudents } from './v1-search.ts';
import { oneOrList } from './v1-shapes.ts';
import { STUDENT_EXPANSIONS_TEXT, readStudentExpansions, v1Student } from './v1-student-shape.ts';

/** Inferred: the simulated district has no schema extensions to advertise. */
const STUDENT_EXTENSIONS_TEXT = '';

/** One page of students as the list routes answer it. */
function studentPage(c: Context, district: District, students: readonly StudentRow[]): object {
  const expansions = readStudentExpansions(c.req.query('expansions'));
  const paging = readPaging(c.req.query(), v1Paging(MAX_PAGE_SIZES.student_max_page_size));
  const page = pageOf(students, paging).map((student) => v1Student(district, student, expansions));
  return {
    students: {
      '@expansions': STUDENT_EXPANSIONS_TEXT,
      '@extensions': STUDENT_EXTENSIONS_TEXT,
      student: oneOrList(page),
    },
  };
}

/** Student lists, counts and one student by DCID. */
export function addStudentRoutes(route: MountV1, district: District): void {
  const districtStudents = (c: Context): readonly StudentRow[] =>
    searchStudents(district, c.req.query('q'));
  const schoolStudents = (c: Context): readonly StudentRow[] =>
    searchStudents(district, c.req.query('q'), schoolOf(c, district).school_number);

  route('GET', '/ws/v1/district/student', (c) =>
    c.json(studentPage(c, district, districtStudents(c))),
  );
  route('GET', '/ws/v1/district/student/count', (c) =>
    c.json({ resource: { count: districtStudents(c).length } }),
  );
  route('GET', '/ws/v1/student', (c) => c.json(studentPage(c, district, districtStudents(c))));
  route('GET', '/ws/v1/school/:id/student', (c) =>
    c.json(studentPage(c, district, schoolStudents(c))),
  );
  route('GET', '/ws/v1/school/:id/student/count', (c) =>
    c.json({ resource: { count: schoolStudents(c).length } }),
  );
  // A q on one student is ignored (PSM sends ?q=local_id==0 to get a query string started).
  route('GET', '/ws/v1/student/:id', (c) => {
    const student = district.studentByDcid(wholeId(c.req.param('id'), 'student'));
    if (!student) {
      throw notFound(`student with id ${c.req.param('id')} (v1 student ids are STUDENTS.DCID)`);
    }
    const expansions = readStudentExpansions(c.req.query('expansions'));
    return c.json({
      student: {
        '@expansions': STUDENT_EXPANSIONS_TEXT,
        '@extensions': STUDENT_EXTENSIONS_TEXT,
        ...v1Student(district, student, expansions),
      },
    });
  });
}
