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

const schoolEnrollment = z.strictObject({
  status_code: z.number().int(),
  enroll_status: z.string(),
  enroll_status_description: z.string(),
  grade_level: z.string(),
  entry_date: z.string(),
  exit_date: z.string(),
  school_number: z.number().int(),
  school_id: z.number().int().optional(),
});

/** A student in a v1 list or alone. */
export const v1StudentAnswer = z.strictObject({
  id: z.number().int(),
  local_id: z.number().int(),
  name: z.strictObject({
    first_name: z.string(),
    middle_name: z.string().optional(),
    last_name: z.string(),
  }),
  school_enrollment: schoolEnrollment.optional(),
});

const paging: Record<string, RouteParameter> = {
  page: { description: 'Page number, from 1 (default 1).' },
  pagesize: { description: 'Items per page; at most the maximum, which is also the default.' },
};

const API_REF = 'API-REF plugins/powerschool-api-v1.md';

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
    'schools of the district, paged',
    z.strictObject({ schools: z.strictObject({ school: oneOrMany(v1SchoolAnswer) }) }),
    { query: paging },
  ),
  v1('/ws/v1/district/school/count', 'how many schools', v1CountAnswer),
  v1(
    '/ws/v1/school/:id/term',
    "a school's terms (school id = SCHOOLS.DCID)",
    z.strictObject({ terms: z.strictObject({ term: oneOrMany(v1TermAnswer) }) }),
    { query: paging },
  ),
  v1('/ws/v1/school/:id/term/count', 'how many terms a school has', v1CountAnswer),
  v1('/ws/v1/term/:id', 'one term (id = TERMS.DCID)', z.strictObject({ term: v1TermAnswer })),
  v1(
    '/ws/v1/district/student',
    'students of the district matching q, paged',
    z.strictObject({
      students: z.strictObject({
        '@expansions': z.string(),
        student: oneOrMany(v1StudentAnswer),
      }),
    }),
    {
      query: {
        ...paging,
        q: { description: 'Search criteria (field==value;...).' },
        expansions: { description: 'Comma-separated expansions.' },
      },
    },
  ),
  v1('/ws/v1/district/student/count', 'how many students match q', v1CountAnswer, {
    query: { q: { description: 'Search criteria.' } },
  }),
  v1(
    '/ws/v1/student/:id',
    'one student (id = STUDENTS.DCID)',
    z.strictObject({ student: v1StudentAnswer.extend({ '@expansions': z.string() }) }),
    { query: { expansions: { description: 'Comma-separated expansions.' } } },
  ),
];
