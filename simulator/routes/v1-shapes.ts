/**
 * /ws/v1 resource shapes (API-REF powerschool-api-v1.md, reference section 3): a school's,
 * section's, course's and student's `id` is its DCID, a student's `local_id` its student_number,
 * a term's ids are DCIDs as strings. Empty values are left out, as PowerSchool leaves them out
 * (PSU pre_built_get.rb: a student without a middle name has no middle_name).
 */
import type { District } from '../district/district.ts';
import type { CourseRow, SchoolRow, SectionRow, TeacherRow, TermRow } from '../district/schema.ts';

/**
 * A v1 collection with v1's quirk: exactly one item comes back as an object, not an array
 * (GH Paginator.php, SwiftyPSCore). Inferred: none comes back as an empty array.
 */
export function oneOrList(items: readonly object[]): object | object[] {
  return items.length === 1 ? items[0]! : [...items];
}

/** `{wrapper: {item: ...}}`, the v1 list envelope. */
export function v1Collection(wrapper: string, item: string, items: readonly object[]): object {
  return { [wrapper]: { [item]: oneOrList(items) } };
}

/** A school (API-REF district_school). */
export function v1School(school: SchoolRow): object {
  return {
    id: school.dcid,
    name: school.name,
    school_number: String(school.school_number),
    low_grade: school.low_grade,
    high_grade: school.high_grade,
  };
}

/** A term (API-REF term: ids and start_year as strings). */
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

/**
 * A section (API-REF section: id SECTIONS.DCID, school_id SCHOOLS.DCID, course_id COURSES.DCID,
 * staff_id SCHOOLSTAFF.DCID, term_id TERMS.DCID). A course or teacher the district lacks is
 * left out.
 */
export function v1Section(district: District, section: SectionRow, school: SchoolRow): object {
  const course = district.table('courses').first('course_number', section.course_number);
  const teacher = section.teacher ? district.table('teachers').get(section.teacher) : undefined;
  const term = district.termOfSchool(section.schoolid, section.termid);
  return {
    id: section.dcid,
    school_id: school.dcid,
    ...(course ? { course_id: course.dcid } : {}),
    ...(teacher ? { staff_id: teacher.dcid } : {}),
    ...(term ? { term_id: term.dcid } : {}),
    section_number: section.section_number,
    expression: section.expression,
  };
}

/** A course (API-REF course). */
export function v1Course(course: CourseRow): object {
  return { id: course.dcid, course_number: course.course_number, course_name: course.course_name };
}

/** A staff member (API-REF staff; id is SCHOOLSTAFF.DCID, as a section's staff_id). */
export function v1Staff(teacher: TeacherRow, school: SchoolRow): object {
  return {
    id: teacher.dcid,
    local_id: teacher.teachernumber,
    users_dcid: teacher.users_dcid,
    name: {
      first_name: teacher.first_name,
      ...(teacher.middle_name ? { middle_name: teacher.middle_name } : {}),
      last_name: teacher.last_name,
    },
    ...(teacher.email_addr ? { emails: { work_email: teacher.email_addr } } : {}),
    school_affiliations: [
      { school_affiliation: { school_id: school.dcid, type: 1, status: teacher.status } },
    ],
  };
}
