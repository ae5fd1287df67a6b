/**
 * The /ws/v1 routes in the route table, with the schema of each answer (API-REF
 * powerschool-api-v1.md; what is inferred says so).
 */
import { z } from 'zod';
import { oneOrMany, v1CountAnswer } from '../http/answers.ts';
import type { RouteParameter, RouteSpec } from '../http/route-spec.ts';
import { MAX_PAGE_SIZES } from './paging.ts';

const pageSizes = Object.fromEntries(
  Object.keys(MAX_PAGE_SIZES).map((key) => [key, z.number().int()]),
) as Record<keyof typeof MAX_PAGE_SIZES, z.ZodNumber>;

const metadataAnswer = z.strictObject({
  metadata: z.strictObject({
    plugin_id: z.number().int().optional(),
    powerschool_version: z.string(),
    district_timezone: z.string(),
    ...pageSizes,
  }),
});

const timeAnswer = z.strictObject({
  time: z.strictObject({ current_time: z.string(), district_time: z.string() }),
});

const districtAnswer = z.strictObject({
  district: z.strictObject({ name: z.string(), district_number: z.string() }),
});

/** A school in /ws/v1/district/school (API-REF district_school). */
export const v1SchoolAnswer = z.strictObject({
  id: z.number().int(),
  name: z.string(),
  school_number: z.string(),
  low_grade: z.number().int(),
  high_grade: z.number().int(),
});

/** A term (API-REF term: ids and start_year as strings). */
export const v1TermAnswer = z.strictObject({
  id: z.string(),
  school_id: z.string(),
  start_year: z.string(),
  portion: z.number().int(),
  start_date: z.string(),
  end_date: z.string(),
  abbreviation: z.string(),
  name: z.string(),
});

/** A v1 section (API-REF section). */
export const v1SectionAnswer = z.strictObject({
  id: z.number().int(),
  school_id: z.number().int(),
  course_id: z.number().int().optional(),
  staff_id: z.number().int().optional(),
  term_id: z.number().int().optional(),
  section_number: z.string(),
  expression: z.string(),
});

/** A v1 course (API-REF course). */
export const v1CourseAnswer = z.strictObject({
  id: z.number().int(),
  course_number: z.string(),
  course_name: z.string(),
});

/** A v1 staff member (API-REF staff). */
export const v1StaffAnswer = z.strictObject({
  id: z.number().int(),
  local_id: z.string(),
  users_dcid: z.number().int(),
  name: z.strictObject({
    first_name: z.string(),
    middle_name: z.string().optional(),
    last_name: z.string(),
  }),
  emails: z.strictObject({ work_email: z.string() }).optional(),
  school_affiliations: z.array(
    z.strictObject({
      school_affiliation: z.strictObject({
        school_id: z.number().int(),
        type: z.number().int(),
        status: z.number().int(),
      }),
    }),
  ),
});

/** PSU's recorded school_enrollment expansion. */
const schoolEnrollment = z.strictObject({
  enroll_status: z.enum(['A', 'P', 'T', 'G', 'H', 'I']),
  enroll_status_description: z.string(),
  enroll_status_code: z.number().int(),
  grade_level: z.number().int(),
  entry_date: z.string(),
  exit_date: z.string(),
  school_number: z.number().int(),
  school_id: z.number().int().optional(),
});

const demographics = z.strictObject({
  gender: z.string().optional(),
  birth_date: z.string().optional(),
  projected_graduation_year: z.number().int().optional(),
});

/** An expansion the district holds nothing for is the empty string (PSU). */
const empty = z.literal('');

/** A student in a v1 list or alone (PSU's recorded answers). */
export const v1StudentAnswer = z.strictObject({
  id: z.number().int(),
  local_id: z.number().int(),
  student_username: z.string().optional(),
  state_province_id: z.string().optional(),
  name: z.strictObject({
    first_name: z.string(),
    middle_name: z.string().optional(),
    last_name: z.string(),
  }),
  demographics: z.union([demographics, empty]).optional(),
  school_enrollment: schoolEnrollment.optional(),
  ...Object.fromEntries(
    [
      'addresses',
      'alerts',
      'phones',
      'ethnicity_race',
      'contact',
      'contact_info',
      'initial_enrollment',
      'schedule_setup',
      'fees',
      'lunch',
      'counselors',
      'global_id',
    ].map((name) => [name, empty.optional()]),
  ),
});

const studentsAnswer = z.strictObject({
  students: z.strictObject({
    '@expansions': z.string(),
    '@extensions': z.string(),
    student: oneOrMany(v1StudentAnswer),
  }),
});

const paging: Record<string, RouteParameter> = {
  page: { description: 'Page number, from 1 (default 1).' },
  pagesize: { description: 'Items per page; at most the maximum, which is also the default.' },
};

const API_REF = 'API-REF plugins/powerschool-api-v1.md';
const PSU_NOTES = 'PSU PS_API_NOTES.md';

const search = (fields: string): RouteParameter => ({
  description: `Search criteria (field==value;...) on ${fields}.`,
});
const studentQuery: Record<string, RouteParameter> = {
  ...paging,
  q: search(
    'id, local_id, student_username, name.first_name, name.last_name, school_enrollment.enroll_status_code, school_enrollment.enroll_status, school_enrollment.entry_date, state_province_id',
  ),
  expansions: { description: 'Comma-separated expansions (@expansions lists them).' },
  extensions: { description: 'Comma-separated extensions; unknown ones are ignored.' },
};

const collection = (wrapper: string, item: string, answer: z.ZodType): z.ZodType =>
  z.strictObject({ [wrapper]: z.strictObject({ [item]: oneOrMany(answer) }) });

/** A school's list route and its /count (PSU: q and /count on each). */
function schoolList(
  resource: string,
  wrapper: string,
  answer: z.ZodType,
  order: string,
  fields: string,
): RouteSpec[] {
  const path = `/ws/v1/school/:id/${resource}`;
  const source = `${PSU_NOTES} GET /ws/v1/school/{school_id}/${resource} (${order}); ${API_REF} for the fields; q fields inferred`;
  return [
    v1(
      path,
      `a school's ${wrapper} (school id = SCHOOLS.DCID), searched with q`,
      collection(wrapper, resource, answer),
      {
        source,
        query: { ...paging, q: search(fields) },
      },
    ),
    v1(`${path}/count`, `how many ${wrapper} of a school match q`, v1CountAnswer, {
      source,
      query: { q: search(fields) },
    }),
  ];
}

function v1(
  path: string,
  summary: string,
  answer: z.ZodType,
  extra: Partial<RouteSpec> = {},
): RouteSpec {
  return {
    method: 'GET',
    path,
    area: 'v1',
    auth: 'bearer',
    summary,
    source: API_REF,
    answers: { 200: { description: summary, schema: answer } },
    ...extra,
  };
}

/** Every /ws/v1 route. */
export const V1_ROUTES: readonly RouteSpec[] = [
  v1('/ws/v1/metadata', 'server metadata and page size maxima (no token needed)', metadataAnswer, {
    auth: 'none',
    source: `${API_REF} GET /ws/v1/metadata; page size values inferred`,
  }),
  v1('/ws/v1/time', 'the server time (no token needed)', timeAnswer, {
    auth: 'none',
    source: 'inferred (PSU PS_API_NOTES.md lists the route; no public source shows its body)',
  }),
  v1('/ws/v1/district', 'the district', districtAnswer),
  v1(
    '/ws/v1/district/school',
    'schools of the district, searched with q, paged',
    collection('schools', 'school', v1SchoolAnswer),
    {
      query: { ...paging, q: search('id, name, school_number, low_grade, high_grade') },
      source: `${API_REF} GET /ws/v1/district/school; q on schools inferred`,
    },
  ),
  v1('/ws/v1/district/school/count', 'how many schools match q', v1CountAnswer, {
    query: { q: search('id, name, school_number, low_grade, high_grade') },
  }),
  v1(
    '/ws/v1/school/:id',
    'one school (id = SCHOOLS.DCID)',
    z.strictObject({ school: v1SchoolAnswer }),
    {
      source: `${PSU_NOTES} GET /ws/v1/school/{id}; fields as ${API_REF} district_school`,
    },
  ),
  ...schoolList(
    'term',
    'terms',
    v1TermAnswer,
    'sorted by portion and start_date',
    'id, start_year, portion, start_date, end_date, abbreviation, name',
  ),
  ...schoolList(
    'section',
    'sections',
    v1SectionAnswer,
    'sorted by section_id, course_id and term_id',
    'id, course_id, staff_id, term_id, section_number, expression',
  ),
  ...schoolList(
    'course',
    'courses',
    v1CourseAnswer,
    'sorted by course number',
    'id, course_number, course_name',
  ),
  ...schoolList(
    'staff',
    'staffs',
    v1StaffAnswer,
    'active staff, sorted by ID',
    'id, local_id, users_dcid, name.first_name, name.last_name',
  ),
  v1('/ws/v1/school/:id/student', "a school's students, searched with q, paged", studentsAnswer, {
    source: `${PSU_NOTES} GET /ws/v1/school/{school_id}/student; GH README (q on it)`,
    query: studentQuery,
  }),
  v1('/ws/v1/school/:id/student/count', "how many of a school's students match q", v1CountAnswer, {
    source: PSU_NOTES,
    query: { q: studentQuery.q! },
  }),
  v1('/ws/v1/term/:id', 'one term (id = TERMS.DCID)', z.strictObject({ term: v1TermAnswer })),
  v1('/ws/v1/district/student', 'students of the district matching q, paged', studentsAnswer, {
    source: `${API_REF} GET /ws/v1/district/student; ${PSU_NOTES} for the searchable fields; PSU pre_built_get.rb for the recorded answer`,
    query: studentQuery,
  }),
  v1('/ws/v1/district/student/count', 'how many students match q', v1CountAnswer, {
    source: `${PSU_NOTES} (/ws/v1/district/student/count?q=...)`,
    query: { q: studentQuery.q! },
  }),
  v1('/ws/v1/student', 'the student search form: students matching q, paged', studentsAnswer, {
    source: `${PSU_NOTES} (GET /ws/v1/student with q); TL README (to('/ws/v1/student').q(...))`,
    query: studentQuery,
  }),
  v1(
    '/ws/v1/student/:id',
    'one student (id = STUDENTS.DCID) with the expansions asked for',
    z.strictObject({
      student: v1StudentAnswer.extend({ '@expansions': z.string(), '@extensions': z.string() }),
    }),
    {
      source: `${API_REF} GET /ws/v1/student/{id}; PSU pre_built_get.rb (the recorded answer)`,
      query: {
        expansions: studentQuery.expansions!,
        extensions: studentQuery.extensions!,
      },
    },
  ),
];
