import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../simulator/public.ts';

/** A token from the simulator, as any client gets one. */
async function token(sim: Simulator): Promise<Response> {
  const basic = Buffer.from(`${sim.credentials!.clientId}:${sim.credentials!.clientSecret}`);
  return fetch(`${sim.url}/oauth/access_token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${basic.toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
}

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ psVersion: '25.2.0.0', clock: '2026-10-14T13:00:00Z' });
});
afterAll(() => sim.stop());
beforeEach(() => sim.reset());

describe("pswb/simulator for a team's own test suite", () => {
  it('starts on a free port with the plugin installed and its credentials at hand', async () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.psVersion).toBe('25.2.0.0');
    const answer = await token(sim);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ token_type: 'Bearer' });
  });

  it('adds a fault in the compact form, and reset() takes it away', async () => {
    const [rule] = await sim.faults.add('POST /oauth/access_token: 503');
    expect(rule?.id).toBeDefined();
    expect((await token(sim)).status).toBe(503);
    await sim.reset();
    expect(await sim.faults.list()).toEqual([]);
    expect((await token(sim)).status).toBe(200);
  });

  it('journals requests without secrets, newest first', async () => {
    await token(sim);
    await fetch(`${sim.url}/ws/v1/metadata`);
    const entries = await sim.journal.entries();
    expect(entries.map((entry) => entry.path)).toEqual(['/ws/v1/metadata', '/oauth/access_token']);
    expect(JSON.stringify(entries)).not.toContain(sim.credentials!.clientSecret);
  });

  it('moves the clock that PowerSchool reports', async () => {
    await sim.clock.set('2026-11-02T15:00:00Z');
    await sim.clock.advance(60);
    const time = (await (await fetch(`${sim.url}/ws/v1/time`)).json()) as Record<string, unknown>;
    expect(JSON.stringify(time)).toContain('2026-11-02');
  });

  it('resets the district to its seed, or to a saved snapshot, after a test changed it', async () => {
    const seeded = sim.district.summary();
    const data = sim.district.toJSON();
    sim.district.load({ ...data, students: data.students.slice(1) });
    expect(sim.district.summary().students).toBe(seeded.students - 1);
    await sim.snapshot('one-less');
    await sim.reset();
    expect(sim.district.summary()).toEqual(seeded);
    await sim.reset({ snapshot: 'one-less' });
    expect(sim.district.summary().students).toBe(seeded.students - 1);
  });
});

describe('docs/testing-with-pswb.md', () => {
  it('shows, word for word, the consumer suite that runs as test/package/consumer-example.test.ts', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile(new URL('../../docs/testing-with-pswb.md', import.meta.url), 'utf8');
    const example = await readFile(new URL('./consumer-example.test.ts', import.meta.url), 'utf8');
    const block = /```ts\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(block).toBe(example);
  });
});
