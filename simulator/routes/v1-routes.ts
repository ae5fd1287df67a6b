/**
 * /ws/v1: metadata and time (open, no token), then the district, its schools and each school's
 * terms, sections, courses and staff behind the bearer token and the 25.2.0.0 v1 access-level
 * gate (reference sections 2-3). Students are in v1-student-routes.ts.
 */
import { Hono, type Context } from 'hono';
import { routeMounter } from '../http/route-spec.ts';
import type { District } from '../district/district.ts';
import {
  identifyPlugin,
  requireBearer,
  requireV1Access,
  type Platform,
  type PlatformEnv,
} from '../platform/index.ts';
import { MAX_PAGE_SIZES, pageOf, readPaging, v1Paging } from './paging.ts';
import { searchItems } from './v1-search.ts';
import { v1Collection, v1Course, v1School, v1Section, v1Staff, v1Term } from './v1-shapes.ts';
import { V1_ROUTES } from './v1-specs.ts';
import { notFound, schoolOf, wholeId, type MountV1 } from './v1-lookups.ts';
import { addStudentRoutes } from './v1-student-routes.ts';
import { districtLocalTime } from './district-time.ts';

/** The /ws/v1 sub-app (mount at /ws/v1). */
export function v1Routes(platform: Platform, district: District): Hono<PlatformEnv> {
  const app = new Hono<PlatformEnv>();
  const route = routeMounter(app, '/ws/v1', V1_ROUTES);
  addOpenRoutes(route, platform, district);
  app.use('*', requireBearer(platform), requireV1Access(platform));
  addSchoolRoutes(route, district);
  addSchoolResources(route, district);
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

/** How a listed resource is built, searched and paged. */
interface Listing {
  wrapper: string;
  item: string;
  max: number;
  fields: Record<string, 'number' | 'text'>;
  items: (c: Context) => object[];
}

/** Mounts a list route and its /count, both applying q (API-REF: q and /count per resource). */
function listRoute(route: MountV1, path: string, listing: Listing): void {
  const matching = (c: Context): object[] =>
    searchItems(listing.item, listing.items(c), c.req.query('q'), listing.fields);
  route('GET', path, (c) => {
    const paging = readPaging(c.req.query(), v1Paging(listing.max));
    return c.json(v1Collection(listing.wrapper, listing.item, pageOf(matching(c), paging)));
  });
  route('GET', `${path}/count`, (c) => c.json({ resource: { count: matching(c).length } }));
}

/** The district and its schools. */
function addSchoolRoutes(route: MountV1, district: District): void {
  route('GET', '/ws/v1/district', (c) =>
    c.json({
      district: { name: district.info.name, district_number: district.info.district_number },
    }),
  );
  listRoute(route, '/ws/v1/district/school', {
    wrapper: 'schools',
    item: 'school',
    max: MAX_PAGE_SIZES.school_max_page_size,
    fields: {
      id: 'number',
      name: 'text',
      school_number: 'number',
      low_grade: 'number',
      high_grade: 'number',
    },
    items: () => district.table('schools').all().map(v1School),
  });
  route('GET', '/ws/v1/school/:id', (c) => c.json({ school: v1School(schoolOf(c, district)) }));
  route('GET', '/ws/v1/term/:id', (c) => {
    const term = district.table('terms').get(wholeId(c.req.param('id'), 'term'));
    const school = term && district.schoolByNumber(term.schoolid);
    if (!term || !school)
      throw notFound(`term with id ${c.req.param('id')} (v1 term ids are TERMS.DCID)`);
    return c.json({ term: v1Term(term, school) });
  });
}

/** A school's terms, sections, courses and staff, in the order PSU's notes give for each. */
function addSchoolResources(route: MountV1, district: District): void {
  listRoute(route, '/ws/v1/school/:id/term', {
    wrapper: 'terms',
    item: 'term',
    max: MAX_PAGE_SIZES.term_max_page_size,
    fields: {
      id: 'number',
      start_year: 'number',
      portion: 'number',
      start_date: 'text',
      end_date: 'text',
      abbreviation: 'text',
      name: 'text',
    },
    items: (c) => {
      const school = schoolOf(c, district);
      // PSU: "The terms are sorted by portion and start_date."
      return [...district.termsOfSchool(school.school_number)]
        .sort(
          (a, b) =>
            a.portion - b.portion || a.firstday.localeCompare(b.firstday) || a.dcid - b.dcid,
        )
        .map((term) => v1Term(term, school));
    },
  });
  listRoute(route, '/ws/v1/school/:id/section', {
    wrapper: 'sections',
    item: 'section',
    max: MAX_PAGE_SIZES.section_max_page_size,
    fields: {
      id: 'number',
      course_id: 'number',
      staff_id: 'number',
      term_id: 'number',
      section_number: 'text',
      expression: 'text',
    },
    items: (c) => {
      const school = schoolOf(c, district);
      // PSU: "sorted by section_id, course_id and term_id": section ids are unique, so by id.
      return [...district.table('sections').lookup('schoolid', school.school_number)]
        .sort((a, b) => a.dcid - b.dcid)
        .map((section) => v1Section(district, section, school));
    },
  });
  listRoute(route, '/ws/v1/school/:id/course', {
    wrapper: 'courses',
    item: 'course',
    max: MAX_PAGE_SIZES.course_max_page_size,
    fields: { id: 'number', course_number: 'text', course_name: 'text' },
    items: (c) => {
      const school = schoolOf(c, district);
      const numbers = new Set(
        district
          .table('sections')
          .lookup('schoolid', school.school_number)
          .map((s) => s.course_number),
      );
      // PSU: "The courses are sorted by course number." Courses a school offers: its sections'.
      return [...numbers]
        .sort()
        .flatMap((number) => district.table('courses').lookup('course_number', number))
        .map(v1Course);
    },
  });
  listRoute(route, '/ws/v1/school/:id/staff', {
    wrapper: 'staffs',
    item: 'staff',
    max: MAX_PAGE_SIZES.staff_max_page_size,
    fields: {
      id: 'number',
      local_id: 'text',
      users_dcid: 'number',
      'name.first_name': 'text',
      'name.last_name': 'text',
    },
    items: (c) => {
      const school = schoolOf(c, district);
      // PSU: "limited to staff that have an active status. The staff is sorted by ID."
      return [...district.table('teachers').lookup('schoolid', school.school_number)]
        .filter((teacher) => teacher.status === 1)
        .sort((a, b) => a.dcid - b.dcid)
        .map((teacher) => v1Staff(teacher, school));
    },
  });
}
