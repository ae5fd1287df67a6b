import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { startSimulator, type Simulator } from 'pswb/simulator';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ psVersion: '25.2.0.0', clock: '2026-10-14T13:00:00Z' });
});
afterAll(() => sim.stop());
// Back to the seed, with no faults and an empty journal, before every test.
beforeEach(() => sim.reset());

async function token(): Promise<Response> {
  const { clientId, clientSecret } = sim.credentials!;
  return fetch(`${sim.url}/oauth/access_token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
}

it('gets a token with the plugin credentials', async () => {
  expect((await token()).status).toBe(200);
});

it('retries when PowerSchool is briefly unavailable', async () => {
  // Compact fault form: method, path glob, then a sequence of answers.
  await sim.faults.add('POST /oauth/access_token: 503,ok');
  expect((await token()).status).toBe(503);
  expect((await token()).status).toBe(200);
});

it('sends no secret in what it logs', async () => {
  await token();
  const [entry] = await sim.journal.entries({ path: '/oauth/*' });
  expect(JSON.stringify(entry)).not.toContain(sim.credentials!.clientSecret);
});
