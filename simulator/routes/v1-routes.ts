/**
 * /ws/v1: metadata and time (open, no token), then district, schools, terms and students behind
 * the bearer token and the 25.2.0.0 v1 access-level gate (reference sections 2-3).
 */
import { Hono } from 'hono';
import { psError } from '../http/errors.ts';
import type { District } from '../district/district.ts';
import { QueryParseError, clauseMatcher, parseQ } from '../district/q-parser.ts';
import type { StudentRow } from '../district/schema.ts';
import {
  identifyPlugin,
  requireBearer,
  requireV1Access,
  type Platform,
  type PlatformEnv,
} from '../platform/index.ts';
import { routeMounter, type RouteHandler } from '../http/route-spec.ts';
import { MAX_PAGE_SIZES, pageOf, readPaging, v1Paging } from './paging.ts';
import { V1_ROUTES } from './v1-specs.ts';
import {
  V1_STUDENT_EXPANSIONS,
  V1_STUDENT_FIELDS,
  v1Collection,
  v1School,
  v1Student,
  v1Term,
} from './v1-shapes.ts';

const notFound = (what: string): Error => psError(404, `Not Found: no ${what}.`);

function wholeId(raw: string, what: string): number {
  if (!/^\d+$/.test(raw)) throw notFound(`${what} with id "${raw}"`);
  return Number(raw);
}

/** The wall-clock time in the district's zone with its UTC offset, e.g. 2026-10-14T09:47:00-04:00. */
function districtLocalTime(instant: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'longOffset',
    })
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  const offset =
    parts.timeZoneName === 'GMT' ? '+00:00' : String(parts.timeZoneName).replace('GMT', '');
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
}

/** Students matching a v1 `q` (inferred field mapping in v1-shapes.ts); `id==` and `local_id==` use indexes. */
function searchStudents(district: District, q: string | undefined): readonly StudentRow[] {
  const students = district.table('students');
  if (q === undefined) return students.all();
  let matchers: ((student: StudentRow) => boolean)[];
  let clauses;
  try {
    clauses = parseQ(q);
    matchers = clauses.map((clause) => {
      const field = V1_STUDENT_FIELDS[clause.field];
      if (!field) {
        throw new QueryParseError(
          `Invalid q: ${clause.field} is not a searchable student field; use one of ${Object.keys(V1_STUDENT_FIELDS).join(', ')}.`,
        );
      }
      const test = clauseMatcher(clause, field.numeric);
      return (student: StudentRow) => test(student[field.column]);
    });
  } catch (error) {
    if (error instanceof QueryParseError)
      throw psError(400, error.message, [
        { resource: 'student', field: 'q', code: 'InvalidQuery' },
      ]);
    throw error;
  }
  const exact = clauses.find(
    (c) =>
      c.operator === '==' && !c.value.includes('*') && (c.field === 'id' || c.field === 'local_id'),
  );
  const source = exact
    ? students.lookup(exact.field === 'id' ? 'dcid' : 'student_number', exact.value)
    : students.all();
  return source.filter((student) => matchers.every((matches) => matches(student)));
}

/** Mounts a declared /ws/v1 route. */
type MountV1 = (method: 'GET', path: string, ...handlers: RouteHandler<PlatformEnv>[]) => void;

/** The /ws/v1 sub-app (mount at /ws/v1). */
export function v1Routes(platform: Platform, district: District): Hono<PlatformEnv> {
  const app = new Hono<PlatformEnv>();
  const route = routeMounter(app, '/ws/v1', V1_ROUTES);
  addOpenRoutes(route, platform, district);
  app.use('*', requireBearer(platform), requireV1Access(platform));
  addSchoolRoutes(route, district);
  addStudentRoutes(route, district);
  return app;
}

/** metadata and time: no token needed (reference section 2). */
function addOpenRoutes(route: MountV1, platform: Platform, district: District): void {
  route('GET', '/ws/v1/metadata', (c) => {
    const plugin = identifyPlugin(platform, c.req.header('authorization'));
    return c.json({
      metadata: {
        ...(plugin ? { plugin_id: plugin.id } : {}),
        powerschool_version: platform.psVersion,
        district_timezone: district.info.timezone,
        ...MAX_PAGE_SIZES,
      },
    });
  });
  // Inferred shape: no public source shows /ws/v1/time's body.
  route('GET', '/ws/v1/time', (c) => {
    const now = platform.clock.now();
    return c.json({
      time: {
        current_time: now.toISOString(),
        district_time: districtLocalTime(now, district.info.timezone),
      },
    });
  });
}

/** The district, its schools and their terms. */
function addSchoolRoutes(route: MountV1, district: District): void {
  route('GET', '/ws/v1/district', (c) =>
    c.json({
      district: { name: district.info.name, district_number: district.info.district_number },
    }),
  );
  route('GET', '/ws/v1/district/school', (c) => {
    const paging = readPaging(c.req.query(), v1Paging(MAX_PAGE_SIZES.school_max_page_size));
    const schools = pageOf(district.table('schools').all(), paging).map(v1School);
    return c.json(v1Collection('schools', 'school', schools));
  });
  route('GET', '/ws/v1/district/school/count', (c) =>
    c.json({ resource: { count: district.table('schools').size } }),
  );
  route('GET', '/ws/v1/school/:id/term', (c) => {
    const school = district.schoolByDcid(wholeId(c.req.param('id') ?? '', 'school'));
    if (!school)
      throw notFound(`school with id ${c.req.param('id') ?? ''} (v1 school ids are SCHOOLS.DCID)`);
    const paging = readPaging(c.req.query(), v1Paging(MAX_PAGE_SIZES.term_max_page_size));
    const terms = [...district.termsOfSchool(school.school_number)].sort(
      (a, b) => a.firstday.localeCompare(b.firstday) || a.id - b.id,
    );
    return c.json(
      v1Collection(
        'terms',
        'term',
        pageOf(terms, paging).map((term) => v1Term(term, school)),
      ),
    );
  });
  route('GET', '/ws/v1/school/:id/term/count', (c) => {
    const school = district.schoolByDcid(wholeId(c.req.param('id') ?? '', 'school'));
    if (!school) throw notFound(`school with id ${c.req.param('id') ?? ''}`);
    return c.json({ resource: { count: district.termsOfSchool(school.school_number).length } });
  });
  route('GET', '/ws/v1/term/:id', (c) => {
    const term = district.table('terms').get(wholeId(c.req.param('id') ?? '', 'term'));
    const school = term && district.schoolByNumber(term.schoolid);
    if (!term || !school)
      throw notFound(`term with id ${c.req.param('id') ?? ''} (v1 term ids are TERMS.DCID)`);
    return c.json({ term: v1Term(term, school) });
  });
}

/** The expansions a v1 student request asks for (`expansions=a,b`). */
function readExpansions(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
}

/** Student search, count and lookup by DCID. */
function addStudentRoutes(route: MountV1, district: District): void {
  route('GET', '/ws/v1/district/student', (c) => {
    const query = c.req.query();
    const paging = readPaging(query, v1Paging(MAX_PAGE_SIZES.student_max_page_size));
    const expansions = readExpansions(query.expansions);
    const students = pageOf(searchStudents(district, query.q), paging).map((s) =>
      v1Student(district, s, expansions),
    );
    // API-REF district_students: "@expansions" sits beside "student", inside the collection.
    return c.json({
      students: {
        '@expansions': V1_STUDENT_EXPANSIONS.join(', '),
        student: students.length === 1 ? students[0] : students,
      },
    });
  });
  route('GET', '/ws/v1/district/student/count', (c) =>
    c.json({ resource: { count: searchStudents(district, c.req.query('q')).length } }),
  );
  route('GET', '/ws/v1/student/:id', (c) => {
    const student = district.studentByDcid(wholeId(c.req.param('id') ?? '', 'student'));
    if (!student)
      throw notFound(
        `student with id ${c.req.param('id') ?? ''} (v1 student ids are STUDENTS.DCID)`,
      );
    const expansions = readExpansions(c.req.query('expansions'));
    return c.json({
      student: {
        '@expansions': V1_STUDENT_EXPANSIONS.join(', '),
        ...v1Student(district, student, expansions),
      },
    });
  });
}
