/**
 * The simulator reads JSON bodies straight from Node's request stream and checks a declared
 * Content-Length from the header alone (the fix figure 1 measured). In-process app.request()
 * tests cannot reach that path; these go through a real socket.
 */
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUERY_NAMES } from '../../plugin/contract.ts';
import { fetchToken } from '../../bench/sim-http.ts';
import { MAX_API_BODY_BYTES } from '../../simulator/http/request-body.ts';
import { DEMO_FACTS, startSimulator, type RunningSimulator } from '../../simulator/index.ts';

let sim: RunningSimulator;

/** A Daily record the demo accepts (Ava Thompson at 101, this year's tardy code). */
const DEMO_DAILY_RECORD = {
  studentid: String(DEMO_FACTS.students.daily.id),
  att_date: DEMO_FACTS.dates.inSession,
  schoolid: '101',
  yearid: '36',
  att_mode_code: 'ATT_ModeDaily',
  attendance_codeid: String(DEMO_FACTS.codes[101].current.tardy),
};

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
      const token = await fetchToken(sim.url, sim.plugin!.clientId, sim.plugin!.clientSecret);
      const oversized = JSON.stringify({ name: 'x'.repeat(MAX_API_BODY_BYTES + 10) });
      const { status, json } = await post('/ws/attendance/daily_time', shape(oversized), {
        authorization: `Bearer ${token}`,
      });
      expect(status).toBe(413);
      expect((json as { message: string }).message).toMatch(
        /^Request body too large: an attendance write may be at most 1 MiB \(1048576 bytes\)\./,
      );
    },
  );

  it("answers 400 in PowerSchool's shape for malformed JSON read from the socket", async () => {
    const { status, json } = await post('/__sim/snapshot', '{"name":');
    expect(status).toBe(400);
    expect((json as { message: string }).message).toMatch(/^Invalid JSON in request body: /);
  });

  it('refuses a reset that declares 600 MB from the header alone, and resets nothing', async () => {
    const token = await fetchToken(sim.url, sim.plugin!.clientId, sim.plugin!.clientSecret);
    const written = await request(`${sim.url}/ws/attendance/daily_time`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        name: 'attendance',
        record: [{ name: 'attendance', tables: { attendance: DEMO_DAILY_RECORD } }],
      }),
    });
    expect(written.statusCode).toBe(200);
    await written.body.dump();
    const { port } = new URL(sim.url);
    const head = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          'POST /__sim/reset HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 600000000\r\n\r\n   ',
        );
      });
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('\r\n\r\n')) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on('error', reject);
    });
    expect(head).toMatch(/^HTTP\/1\.1 413 /);
    expect(sim.district.summary().attendance).toBe(1);
  });

  it('keeps serving GET requests, which have no body to limit', async () => {
    const response = await request(`${sim.url}/ws/v1/metadata`);
    expect(response.statusCode).toBe(200);
    expect(await response.body.json()).toMatchObject({
      metadata: { district_timezone: 'America/New_York' },
    });
  });
});
