import { beforeAll, describe, expect, it } from 'vitest';
import { FactStore } from '../../contract/facts.ts';
import type { Fixture } from '../../contract/fixtures.ts';
import { formatIssues } from '../../contract/format-issues.ts';
import { contractInteractions } from '../../contract/interactions.ts';
import type { Interaction } from '../../contract/interaction.ts';
import { QUERIES } from '../../plugin/contract.ts';
import { recordedFixtureSets, shippedFixtures } from './fixture-server.ts';

const ALL_INTERACTIONS = [
  ...contractInteractions({ writeMode: 'daily' }),
  ...contractInteractions({ writeMode: 'meeting' }),
];
const BY_NAME = new Map<string, Interaction>(ALL_INTERACTIONS.map((item) => [item.name, item]));

function interactionOf(fixture: Fixture): Interaction {
  const interaction = BY_NAME.get(fixture.interaction);
  if (!interaction) throw new Error(`fixture for unknown interaction ${fixture.interaction}`);
  return interaction;
}

/** The problems the fixture's interaction schema finds in a body ([] when it passes). */
function problemsOf(fixture: Fixture): string[] {
  const parsed = interactionOf(fixture).schema.safeParse(fixture.response.body, {
    reportInput: true,
  });
  return parsed.success ? [] : formatIssues(parsed.error);
}

let fixtures: Map<string, Fixture>;
beforeAll(async () => {
  fixtures = await shippedFixtures();
});

function fixture(name: string): Fixture {
  const found = fixtures.get(name);
  if (!found) throw new Error(`no shipped fixture ${name}`);
  return structuredClone(found);
}

describe('recorded fixtures (fixtures/recorded/*/)', () => {
  it('each pass their interaction schema with the status it expects', async () => {
    for (const { folder, fixtures: recorded } of await recordedFixtureSets()) {
      for (const item of recorded) {
        const where = `${folder}/${item.interaction}`;
        expect({ where, problems: problemsOf(item) }).toEqual({ where, problems: [] });
        expect(item.response.status, where).toBe(interactionOf(item).expectStatus);
      }
    }
  });
});

describe('shipped fixtures', () => {
  it('cover every interaction of the suite, write checks included', () => {
    const missing = [...BY_NAME.keys()].filter((name) => !fixtures.has(name));
    expect(missing).toEqual([]);
  });

  it('say they come from the reference, not from a recorded server', () => {
    for (const item of fixtures.values()) {
      expect(item.source, item.interaction).toMatch(/powerschool-reference\.md/);
      expect(item.source, item.interaction).toMatch(/Not recorded from a server/);
    }
  });

  it('each pass their interaction schema with the status it expects', () => {
    for (const item of fixtures.values()) {
      expect({ name: item.interaction, problems: problemsOf(item) }).toEqual({
        name: item.interaction,
        problems: [],
      });
      expect(item.response.status, item.interaction).toBe(interactionOf(item).expectStatus);
    }
  });

  it('the suite posts to every PowerQuery the plugin declares', () => {
    const facts = new FactStore({ schoolDcid: 6, studentDcid: 4321, testStudentDcid: 4321 });
    const queried = ALL_INTERACTIONS.map((item) => item.path(facts));
    for (const query of QUERIES) {
      expect(queried).toContain(`/ws/schema/query/${query.name}`);
    }
  });
});

type Mutation = {
  case: string;
  fixture: string;
  // Mutations reach deep into untyped fixture JSON; typing every path would hide the intent.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  mutate: (body: Record<string, any>) => void;
  problem: string;
};

describe('schemas reject a mutated fixture', () => {
  const mutations: Mutation[] = [
    {
      case: 'expires_in as a number',
      fixture: 'access-token',
      mutate: (body) => (body.expires_in = 1814654),
      problem: 'expires_in: expected string, got number',
    },
    {
      case: 'expires_in that is not whole seconds',
      fixture: 'access-token',
      mutate: (body) => (body.expires_in = '30 days'),
      problem: 'expires_in: expected a string of whole seconds',
    },
    {
      case: 'token_type other than Bearer',
      fixture: 'access-token',
      mutate: (body) => (body.token_type = 'bearer'),
      problem: 'token_type: expected "Bearer", got "bearer"',
    },
    {
      case: 'metadata without district_timezone',
      fixture: 'metadata-anonymous',
      mutate: (body) => delete body.metadata.district_timezone,
      problem: 'metadata.district_timezone: missing (expected string)',
    },
    {
      case: 'metadata with a time zone that is not IANA',
      fixture: 'metadata-anonymous',
      mutate: (body) => (body.metadata.district_timezone = 'Central Time'),
      problem: 'metadata.district_timezone: expected an IANA time zone name',
    },
    {
      case: 'metadata with a version that is not one',
      fixture: 'metadata-anonymous',
      mutate: (body) => (body.metadata.powerschool_version = 'latest'),
      problem: 'metadata.powerschool_version: expected a PowerSchool version',
    },
    {
      case: 'metadata with a token but no plugin_id',
      fixture: 'metadata-plugin',
      mutate: (body) => delete body.metadata.plugin_id,
      problem: 'metadata.plugin_id: missing (expected number)',
    },
    {
      case: 'metadata not wrapped in {"metadata":..}',
      fixture: 'metadata-anonymous',
      mutate: (body) => Object.assign(body, body.metadata, { metadata: undefined }),
      problem: 'unexpected key(s) powerschool_version',
    },
    {
      case: 'a count not wrapped in {"resource":..}',
      fixture: 'school-count',
      mutate: (body) => Object.assign(body, { count: 2, resource: undefined }),
      problem: 'resource: missing (expected object)',
    },
    {
      case: 'a school id sent as a string',
      fixture: 'schools',
      mutate: (body) => (body.schools.school[1].id = '7'),
      problem: 'schools.school[1].id: expected number, got string',
    },
    {
      case: 'a term date that is not YYYY-MM-DD',
      fixture: 'school-terms',
      mutate: (body) => (body.terms.term[0].start_date = '08/18/2025'),
      problem: 'terms.term[0].start_date: expected a date as YYYY-MM-DD',
    },
    {
      case: 'a dcid map row without id',
      fixture: 'dcid-id-map',
      mutate: (body) => delete body.record[0].id,
      problem: 'record[0].id: missing (expected number or string)',
    },
    {
      case: 'a query row id that is not a whole number',
      fixture: 'query-students-by-dcid',
      mutate: (body) => (body.record[0].id = 'S-1234'),
      problem: 'record[0].id: expected a whole number',
    },
    {
      case: 'a period without its start time',
      fixture: 'query-student-periods',
      mutate: (body) => (body.record[1].start_time = null),
      problem: 'record[1].start_time: expected number or string, got null',
    },
    {
      case: 'a query result whose record is not a list',
      fixture: 'query-attendance-codes',
      mutate: (body) => (body.record = body.record[0]),
      problem: 'record: expected array, got object',
    },
    {
      case: 'a 4xx body without a message',
      fixture: 'unknown-query',
      mutate: (body) => (body.error = delete body.message),
      problem: 'message: missing (expected string)',
    },
  ];

  it.each(mutations)('$case', ({ fixture: name, mutate, problem }) => {
    const mutated = fixture(name);
    mutate(mutated.response.body as Record<string, unknown>);
    const problems = problemsOf(mutated);
    expect(problems.join('\n')).toContain(problem);
  });
});
