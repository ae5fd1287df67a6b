/**
 * The read-only interactions: every request the connector depends on, in the order that lets
 * each one take its school, student and date from earlier answers. Facts: reference sections 2
 * and 3; the PowerQueries come from plugin/contract.ts.
 */
import { CORE_DCID_ID_MAP_QUERY, QUERY_NAMES } from '../plugin/contract.ts';
import { todayInZone } from './district-date.ts';
import type { FactStore, WriteMode } from './facts.ts';
import { defineInteraction, type Interaction } from './interaction.ts';
import { chooseSchoolYearTerm, oneItemQuirkProblem } from './inspect-helpers.ts';
import { pluginQueryInteractions, queryPath } from './query-interactions.ts';
import { dcidIdMapResultSchema } from './query-schemas.ts';
import {
  accessTokenSchema,
  anonymousMetadataSchema,
  asList,
  pluginMetadataSchema,
  psErrorBodySchema,
  serverTimeSchema,
  unauthorizedBodySchema,
  v1CountSchema,
  v1SchoolsSchema,
  v1StudentsSchema,
  v1TermsSchema,
} from './schemas.ts';
import { writeInteractions } from './write-interactions.ts';

/** A query name no server declares: five dotted parts, so only its absence can fail it. */
export const UNKNOWN_QUERY_NAME = 'com.navigate360.attendance.contract.no_such_query';

function learnToday(zone: string, facts: FactStore): void {
  facts.learn('districtTimezone', zone);
  facts.learn('attDate', todayInZone(zone));
}

const authAndDistrict: Interaction[] = [
  defineInteraction({
    name: 'metadata-anonymous',
    title: 'metadata answers without a token',
    method: 'GET',
    auth: 'none',
    path: '/ws/v1/metadata',
    expectStatus: 200,
    schema: anonymousMetadataSchema,
    inspect: (body, facts) => learnToday(body.metadata.district_timezone, facts),
  }),
  defineInteraction({
    name: 'server-time',
    title: 'time answers without a token',
    method: 'GET',
    auth: 'none',
    path: '/ws/v1/time',
    expectStatus: 200,
    schema: serverTimeSchema,
  }),
  defineInteraction({
    name: 'access-token',
    title: 'client credentials give a bearer token',
    method: 'POST',
    auth: 'basic',
    path: '/oauth/access_token',
    body: () => ({ form: { grant_type: 'client_credentials' } }),
    expectStatus: 200,
    schema: accessTokenSchema,
    yieldsToken: true,
  }),
  defineInteraction({
    name: 'metadata-plugin',
    title: 'metadata names the plugin when a token is sent',
    method: 'GET',
    auth: 'bearer',
    path: '/ws/v1/metadata',
    expectStatus: 200,
    schema: pluginMetadataSchema,
  }),
  defineInteraction({
    name: 'school-count',
    title: 'school count',
    method: 'GET',
    auth: 'bearer',
    path: '/ws/v1/district/school/count',
    expectStatus: 200,
    schema: v1CountSchema,
  }),
  defineInteraction({
    name: 'schools',
    title: 'schools of the district',
    method: 'GET',
    auth: 'bearer',
    path: '/ws/v1/district/school',
    expectStatus: 200,
    schema: v1SchoolsSchema,
    inspect: (body, facts) => {
      const schools = asList(body.schools.school);
      const first = schools[0];
      if (first) {
        facts.learn('schoolDcid', first.id);
        facts.learn('schoolNumber', String(first.school_number));
      }
      return oneItemQuirkProblem(body.schools.school, 'school');
    },
  }),
  defineInteraction({
    name: 'school-terms',
    title: 'terms of the first school',
    method: 'GET',
    auth: 'bearer',
    needs: ['schoolDcid', 'attDate'],
    path: ({ schoolDcid }) => `/ws/v1/school/${schoolDcid}/term`,
    expectStatus: 200,
    schema: v1TermsSchema,
    inspect: (body, facts, { attDate }) => {
      const term = chooseSchoolYearTerm(asList(body.terms.term), attDate);
      // yearid = first calendar year of the school year - 1990 (reference section 5).
      if (term) facts.learn('yearid', Number(term.start_year) - 1990);
      return oneItemQuirkProblem(body.terms.term, 'term');
    },
  }),
  defineInteraction({
    name: 'students-page',
    title: 'one page of one student (a one-item collection is an object)',
    method: 'GET',
    auth: 'bearer',
    path: '/ws/v1/district/student?pagesize=1',
    expectStatus: 200,
    schema: v1StudentsSchema,
    inspect: (body, facts) => {
      const first = asList(body.students.student)[0];
      if (first) facts.learn('studentDcid', first.id);
      return oneItemQuirkProblem(body.students.student, 'student');
    },
  }),
  defineInteraction({
    name: 'dcid-id-map',
    title: "PowerSchool's core query turns a DCID into STUDENTS.ID",
    method: 'POST',
    auth: 'bearer',
    needs: ['studentDcid'],
    path: queryPath(CORE_DCID_ID_MAP_QUERY),
    body: ({ studentDcid }) => ({ json: { students_dcid: [studentDcid] } }),
    expectStatus: 200,
    schema: dcidIdMapResultSchema,
    inspect: (body, facts, { studentDcid }) => {
      const match = (body.record ?? []).find((row) => Number(row.dcid) === studentDcid);
      if (!match) return [`record: no row with dcid ${studentDcid}, the DCID that was sent`];
      facts.learn('studentId', Number(match.id));
      return [];
    },
  }),
];

const refusals: Interaction[] = [
  defineInteraction({
    name: 'unknown-query',
    title: 'an unknown PowerQuery is a 404',
    method: 'POST',
    auth: 'bearer',
    path: queryPath(UNKNOWN_QUERY_NAME),
    body: () => ({ json: {} }),
    expectStatus: 404,
    schema: psErrorBodySchema,
  }),
  defineInteraction({
    name: 'query-missing-argument',
    title: 'a PowerQuery without its required argument is a 400',
    method: 'POST',
    auth: 'bearer',
    path: queryPath(QUERY_NAMES.studentsByDcid),
    body: () => ({ json: {} }),
    expectStatus: 400,
    schema: psErrorBodySchema,
  }),
  defineInteraction({
    name: 'wrong-token',
    title: 'a wrong bearer token is a 401',
    method: 'GET',
    auth: 'wrong-bearer',
    path: '/ws/v1/district/school',
    expectStatus: 401,
    schema: unauthorizedBodySchema,
  }),
];

/** Every read-only interaction, in run order. */
export function readInteractions(): Interaction[] {
  return [...authAndDistrict, ...pluginQueryInteractions(), ...refusals];
}

/**
 * The suite: the read-only interactions, then, when a write mode is given (--allow-writes), the
 * write check for that mode.
 */
export function contractInteractions(options: { writeMode?: WriteMode } = {}): Interaction[] {
  const writes = options.writeMode ? writeInteractions(options.writeMode) : [];
  return [...readInteractions(), ...writes];
}
