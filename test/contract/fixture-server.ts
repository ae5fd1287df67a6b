/** Test support: an undici MockAgent that answers the suite's requests from fixtures. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MockAgent } from 'undici';
import { readFixtures, type Fixture } from '../../contract/fixtures.ts';
import type { Interaction } from '../../contract/interaction.ts';

/** The shipped fixtures, made from the reference. */
export const FIXTURES_DIR = fileURLToPath(new URL('./fixtures/', import.meta.url));

/**
 * Where recordings from real servers go, one folder per recording (e.g. `district-25.3.0/`),
 * each checked against the same schemas as the shipped fixtures.
 */
export const RECORDED_DIR = join(FIXTURES_DIR, 'recorded');

/** Every recorded fixture set under fixtures/recorded/, by folder name ([] when none yet). */
export async function recordedFixtureSets(): Promise<{ folder: string; fixtures: Fixture[] }[]> {
  const entries = await readdir(RECORDED_DIR, { withFileTypes: true }).catch(() => []);
  const folders = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  return Promise.all(
    folders.sort().map(async (folder) => ({
      folder,
      fixtures: await readFixtures(join(RECORDED_DIR, folder)),
    })),
  );
}

/** The origin the mocked district answers on. */
export const MOCK_ORIGIN = 'https://district.example';

/** Credentials for mocked runs; tests assert these never reach the output. */
export const MOCK_CREDENTIALS = {
  clientId: 'c0ffee00-1111-4222-8333-444455556666',
  clientSecret: 'deadbeef-7777-4888-9999-aaaabbbbcccc',
};

/** Reads the shipped fixtures keyed by interaction name. */
export async function shippedFixtures(): Promise<Map<string, Fixture>> {
  const fixtures = await readFixtures(FIXTURES_DIR);
  return new Map(fixtures.map((fixture) => [fixture.interaction, fixture]));
}

/**
 * A MockAgent answering each interaction, in run order, with its fixture (each answer is used
 * once, so two interactions on one path get their own answers). `replace` swaps in other
 * fixtures, e.g. a mutated one.
 */
export function fixtureAgent(
  interactions: readonly Interaction[],
  fixtures: Map<string, Fixture>,
): MockAgent {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get(MOCK_ORIGIN);
  for (const interaction of interactions) {
    const fixture = fixtures.get(interaction.name);
    if (!fixture) continue;
    const { status, headers, body } = fixture.response;
    pool
      .intercept({ path: fixture.request.path, method: fixture.request.method })
      .reply(status, body === undefined ? '' : JSON.stringify(body), { headers });
  }
  return agent;
}

/** A deep copy of a fixture with its response body changed by `mutate`. */
export function withBody(
  fixture: Fixture,
  mutate: (body: Record<string, unknown>) => void,
): Fixture {
  const copy = structuredClone(fixture);
  mutate(copy.response.body as Record<string, unknown>);
  return copy;
}
