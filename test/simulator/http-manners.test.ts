/**
 * HTTP manners a client's HTTP library relies on: 405 with Allow for a known path and another
 * method (404 only for unknown paths), WWW-Authenticate on every 401, the rate-limit answer in
 * PowerSchool's words, a route index at / and /__sim, and a limit on control routes that take no
 * body.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { demoSimulator, type DemoSimulator } from './district-harness.ts';

let sim: DemoSimulator;
beforeAll(async () => {
  sim = await demoSimulator();
});

describe('405 and 404', () => {
  it.each([
    ['GET', '/ws/attendance/daily_time', 'POST'],
    ['PUT', '/ws/v1/student/5001', 'GET, HEAD'],
    ['DELETE', '/ws/schema/table/students', 'GET, HEAD'],
    ['GET', '/ws/schema/query/com.pearson.core.student.student_dcid_id_map', 'POST'],
    ['PATCH', '/__sim/clock', 'GET, HEAD, PUT, POST, DELETE'],
    ['GET', '/oauth/access_token', 'POST'],
  ])('%s %s is 405 with Allow: %s', async (method, path, allow) => {
    const response = await sim.call(method, path);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe(allow);
    expect(((await response.json()) as { message: string }).message).toMatch(
      /^Method Not Allowed: /,
    );
  });

  it('answers 404, not 405, for a path the server does not have', async () => {
    const response = await sim.call('GET', '/ws/v2/everything');
    expect(response.status).toBe(404);
    expect(response.headers.get('allow')).toBeNull();
  });

  it('asks for the token before saying the method is wrong', async () => {
    expect((await sim.call('GET', '/ws/attendance/daily_time', { token: null })).status).toBe(401);
  });
});

describe('WWW-Authenticate on 401', () => {
  it('names the Bearer scheme when no token is sent', async () => {
    const response = await sim.call('GET', '/ws/v1/district', { token: null });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="PowerSchool"');
  });

  it('says invalid_token, as PowerSchool does for an expired token, for a wrong one', async () => {
    const response = await sim.call('GET', '/ws/v1/district', { token: 'not-a-token' });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(
      /^Bearer error="invalid_token",realm="PowerSchool",error_description="/,
    );
  });

  it('names the Basic scheme on a token request with wrong credentials', async () => {
    const response = await sim.call('POST', '/oauth/access_token', {
      token: null,
      headers: {
        authorization: `Basic ${Buffer.from('nobody:wrong').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Basic realm="PowerSchool"');
  });
});

describe('rate limiting', () => {
  it('answers 429 with Retry-After and PowerSchool\'s "wait ... before making another request"', async () => {
    const limited = await demoSimulator();
    limited.platform.faults.add({
      path: '/ws/**',
      action: { type: 'rate_limit', retryAfterSeconds: 3 },
    });
    const response = await limited.call('GET', '/ws/v1/district');
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(await response.json()).toEqual({
      message: 'Too many requests. Please wait 3 seconds before making another request.',
    });
  });
});

describe('route index', () => {
  it.each(['/', '/__sim'])('GET %s lists every route with its source', async (path) => {
    const { status, body } = await sim.json('GET', path, { token: null });
    expect(status).toBe(200);
    expect(body.openapi).toBe('/__sim/openapi.json');
    expect(body.routes).toContainEqual(
      expect.objectContaining({ method: 'POST', path: '/ws/attendance/daily_time' }),
    );
    expect(body.routes.every((route: { source: string }) => route.source.length > 5)).toBe(true);
  });
});

describe('control routes that take no body', () => {
  it('refuse a body over 1 KiB with 413 and change nothing', async () => {
    const fresh = await demoSimulator();
    const response = await fresh.call('POST', `/__sim/plugins/${fresh.plugin.id}/disable`, {
      token: null,
      body: JSON.stringify({ padding: 'x'.repeat(5000) }),
      headers: { 'content-length': '5015' },
    });
    expect(response.status).toBe(413);
    expect(fresh.platform.registry.get(fresh.plugin.id)?.enabled).toBe(true);
  });

  it('accept an empty JSON object, as clients often send', async () => {
    const fresh = await demoSimulator();
    const response = await fresh.call('POST', `/__sim/plugins/${fresh.plugin.id}/disable`, {
      token: null,
      body: {},
    });
    expect(response.status).toBe(200);
  });
});
