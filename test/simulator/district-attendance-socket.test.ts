/**
 * Attendance writes over a real socket: under @hono/node-server the body is read straight from
 * Node's request stream (the Content-Length body fix), a path app.request() tests do not reach.
 * These prove the answers over a socket are the ones in process.
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchToken } from '../../bench/sim-http.ts';
import { DEMO_FACTS as F, startSimulator, type RunningSimulator } from '../../simulator/index.ts';
import { attendanceBody, demoMeetingFields } from './district-harness.ts';

let sim: RunningSimulator;
let token: string;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, dataPath: null, randomSeed: 5, log: () => {} });
  token = await fetchToken(sim.url, sim.plugin!.clientId, sim.plugin!.clientSecret);
});
afterAll(async () => {
  await sim?.close();
});

const m = F.meetingRecord;
const meetingBody = JSON.stringify(attendanceBody(demoMeetingFields(F.dates.inSession)));

/** Headers as a flat name, value list, so a test can repeat one or spell it oddly. */
async function post(
  path: string,
  headers: string[],
  body = meetingBody,
): Promise<{ status: number; type: string | undefined; text: string }> {
  const response = await request(`${sim.url}${path}`, { method: 'POST', headers, body });
  const type = response.headers['content-type'];
  return {
    status: response.statusCode,
    type: Array.isArray(type) ? type.join(', ') : type,
    text: await response.body.text(),
  };
}

describe('attendance writes over a real socket', () => {
  it('answers a meeting write with the results envelope as JSON, its ref on the server', async () => {
    const first = await post('/ws/attendance/meeting_interval', [
      'Authorization',
      `Bearer ${token}`,
      'Content-TYPE',
      'application/json',
    ]);
    expect(first.status).toBe(200);
    expect(first.type).toBe('application/json');
    const row = sim.district.attendanceOn(m.studentId, F.dates.inSession)[0]!;
    const expected = {
      results: {
        insert_count: 1,
        update_count: 0,
        delete_count: 0,
        result: [
          {
            status: 'SUCCESS',
            action: 'INSERT',
            success_message: { id: row.id, ref: `${sim.url}/ws/schema/table/attendance/${row.id}` },
          },
        ],
      },
    };
    expect(first.text).toBe(JSON.stringify(expected));
    const again = await post('/ws/attendance/meeting_interval', [
      'authorization',
      `Bearer ${token}`,
      'content-type',
      'application/json',
    ]);
    expect(JSON.parse(again.text)).toMatchObject({
      results: { insert_count: 0, update_count: 1, result: [{ action: 'UPDATE' }] },
    });
  });

  it('refuses a repeated Authorization header as web Headers would (values joined: 401)', async () => {
    const { status, text } = await post('/ws/attendance/meeting_interval', [
      'authorization',
      `Bearer ${token}`,
      'authorization',
      `Bearer ${token}`,
      'content-type',
      'application/json',
    ]);
    expect(status).toBe(401);
    expect(text).toMatch(/Authentication required/);
  });

  it.each([
    {
      name: 'no token and a form body: 401 before 415',
      path: '/ws/attendance/meeting_interval',
      headers: (): string[] => ['content-type', 'application/x-www-form-urlencoded'],
      status: 401,
    },
    {
      name: 'a token and a form body: 415',
      path: '/ws/attendance/meeting_interval',
      headers: (): string[] => [
        'authorization',
        `Bearer ${token}`,
        'content-type',
        'application/x-www-form-urlencoded',
      ],
      status: 415,
    },
    {
      name: 'an unknown attendance path without a token: 401',
      path: '/ws/attendance/period_interval',
      headers: (): string[] => ['content-type', 'application/json'],
      status: 401,
    },
    {
      name: 'an unknown attendance path with a token and a text body: 404 (no route reads it)',
      path: '/ws/attendance/period_interval',
      headers: (): string[] => ['authorization', `Bearer ${token}`, 'content-type', 'text/plain'],
      status: 404,
    },
    {
      name: 'an unknown attendance path with a token and JSON: 404',
      path: '/ws/attendance/period_interval',
      headers: (): string[] => [
        'authorization',
        `Bearer ${token}`,
        'content-type',
        'application/json',
      ],
      status: 404,
    },
  ])('answers $name', async ({ path, headers, status }) => {
    expect((await post(path, headers())).status).toBe(status);
  });

  it('journals each write with its status and the plugin that sent it', async () => {
    await post('/ws/attendance/meeting_interval', [
      'authorization',
      `Bearer ${token}`,
      'content-type',
      'application/json',
    ]);
    await post('/ws/attendance/meeting_interval', ['content-type', 'application/json']);
    const [refused, written] = sim.platform.journal.list({ path: '/ws/attendance/', limit: 2 });
    expect(written).toMatchObject({ status: 200, pluginId: sim.plugin!.id });
    expect(refused).toMatchObject({ status: 401 });
    expect(refused).not.toHaveProperty('pluginId');
  });
});
