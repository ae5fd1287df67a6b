/**
 * The simulator reads JSON bodies straight from Node's request stream and checks a declared
 * Content-Length from the header alone (the fix figure 1 measured). In-process app.request()
 * tests cannot reach that path; these go through a real socket.
 */
import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUERY_NAMES } from '../../plugin/contract.ts';
import { fetchToken } from '../../bench/sim-http.ts';
import { MAX_API_BODY_BYTES } from '../../simulator/routes/request-body.ts';
import { DEMO_FACTS, startSimulator, type RunningSimulator } from '../../simulator/index.ts';

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, dataPath: null, randomSeed: 3, log: () => {} });
});
afterAll(async () => {
  await sim?.close();
});

/** A body sent with Transfer-Encoding: chunked (no Content-Length), in pieces. */
function chunked(text: string, pieces = 4): Readable {
  const size = Math.ceil(text.length / pieces);
  return Readable.from(
    Array.from({ length: pieces }, (_, i) => text.slice(i * size, (i + 1) * size)),
  );
}

async function post(
  path: string,
  body: string | Readable,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: unknown }> {
  const response = await request(`${sim.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await response.body.text();
  return { status: response.statusCode, json: text ? (JSON.parse(text) as unknown) : undefined };
}

describe('request bodies over a real socket', () => {
  it('answers a PowerQuery whose JSON body has a Content-Length', async () => {
    const token = await fetchToken(sim.url, sim.plugin!.clientId, sim.plugin!.clientSecret);
    const { status, json } = await post(
      `/ws/schema/query/${QUERY_NAMES.studentsByDcid}`,
      JSON.stringify({ students_dcid: [DEMO_FACTS.students.daily.dcid] }),
      { authorization: `Bearer ${token}` },
    );
    expect(status).toBe(200);
    expect(json).toMatchObject({
      record: [
        { id: String(DEMO_FACTS.students.daily.id), dcid: String(DEMO_FACTS.students.daily.dcid) },
      ],
    });
  });

  it('reads a chunked body (no Content-Length) whole', async () => {
    const { status, json } = await post(
      '/__sim/snapshot',
      chunked(JSON.stringify({ name: 'chunked-body' })),
    );
    expect(status).toBe(201);
    expect(json).toMatchObject({ name: 'chunked-body' });
  });

  it.each([
    ['a declared Content-Length', (text: string) => text],
    ['a chunked body', (text: string) => chunked(text, 8)],
  ])(
    'refuses a body over the limit with 413 and a PowerSchool-shaped message (%s)',
    async (_name, shape) => {
      const oversized = JSON.stringify({ name: 'x'.repeat(MAX_API_BODY_BYTES + 10) });
      const { status, json } = await post('/__sim/snapshot', shape(oversized));
      expect(status).toBe(413);
      expect(json).toEqual({
        message: `Request body too large: the limit is ${MAX_API_BODY_BYTES} bytes. Send fewer records per call.`,
      });
    },
  );

  it("answers 400 in PowerSchool's shape for malformed JSON read from the socket", async () => {
    const { status, json } = await post('/__sim/snapshot', '{"name":');
    expect(status).toBe(400);
    expect((json as { message: string }).message).toMatch(/^Invalid JSON in request body: /);
  });

  it('keeps serving GET requests, which have no body to limit', async () => {
    const response = await request(`${sim.url}/ws/v1/metadata`);
    expect(response.statusCode).toBe(200);
    expect(await response.body.json()).toMatchObject({
      metadata: { district_timezone: 'America/New_York' },
    });
  });
});
