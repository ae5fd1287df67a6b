import { describe, expect, it } from 'vitest';
import {
  PowerSchoolError,
  createPowerSchoolClient,
  formatPowerSchoolError,
  type HttpAttempt,
} from '../../connector/index.ts';
import {
  BASE_URL,
  instantRetry,
  manualClock,
  mockPowerSchool,
  replyToken,
} from './support/mock-powerschool.ts';

const SCHOOLS = '/ws/v1/district/school';

function clientFor(
  agent: ReturnType<typeof mockPowerSchool>['agent'],
  extra: Record<string, unknown> = {},
) {
  const retry = instantRetry();
  const attempts: HttpAttempt[] = [];
  const client = createPowerSchoolClient({
    baseUrl: BASE_URL,
    clientId: 'client-id',
    clientSecret: 'client-secret',
    dispatcher: agent,
    retry,
    onAttempt: (attempt) => attempts.push(attempt),
    ...extra,
  });
  return { client, waits: retry.waits, attempts };
}

const getSchools = { method: 'GET' as const, path: SCHOOLS };

describe('PowerSchool transport: retries', () => {
  it.each([500, 502, 503, 504, 429, 408])(
    'retries a %i answer and succeeds when the server recovers',
    async (status) => {
      const { agent, pool } = mockPowerSchool();
      replyToken(pool);
      pool.intercept({ path: SCHOOLS, method: 'GET' }).reply(status, { message: 'busy' });
      pool.intercept({ path: SCHOOLS, method: 'GET' }).reply(200, { schools: { school: [] } });
      const { client, waits, attempts } = clientFor(agent);
      const response = await client.request(getSchools);
      expect(response.status).toBe(200);
      expect(waits).toHaveLength(1);
      expect(attempts.filter((a) => a.url.endsWith(SCHOOLS)).map((a) => a.status)).toEqual([
        status,
        200,
      ]);
    },
  );

  it.each([400, 403, 404, 409])(
    'fails at once on a business %i answer without retrying',
    async (status) => {
      const { agent, pool } = mockPowerSchool();
      replyToken(pool);
      pool.intercept({ path: SCHOOLS, method: 'GET' }).reply(status, { message: 'no' });
      const { client, waits } = clientFor(agent);
      const error = await client.request(getSchools).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PowerSchoolError);
      expect((error as PowerSchoolError).status).toBe(status);
      expect((error as PowerSchoolError).attempts).toBe(1);
      expect(waits).toEqual([]);
    },
  );

  it('gives up after the retry limit and reports every attempt', async () => {
    const { agent, pool } = mockPowerSchool();
    replyToken(pool);
    pool.intercept({ path: SCHOOLS, method: 'GET' }).reply(503, { message: 'down' }).times(3);
    const retry = { ...instantRetry(), retries: 2 };
    const { client, attempts } = clientFor(agent, { retry });
    const error = (await client.request(getSchools).catch((e: unknown) => e)) as PowerSchoolError;
    expect(error.code).toBe('server_error');
    expect(error.attempts).toBe(3);
    expect(attempts.filter((a) => a.status === 503)).toHaveLength(3);
    expect(retry.waits).toHaveLength(2);
    expect(attempts.at(-1)?.retryInMs).toBeUndefined();
  });

  it('backs off exponentially with jitter, capped', async () => {
    const { agent, pool } = mockPowerSchool();
    replyToken(pool);
    pool.intercept({ path: SCHOOLS, method: 'GET' }).reply(500, {}).times(5);
    const retry = {
      ...instantRetry(),
      retries: 4,
      baseDelayMs: 100,
      maxDelayMs: 300,
      random: () => 1,
    };
    const { client } = clientFor(agent, { retry });
    await client.request(getSchools).catch(() => undefined);
    // steps 100, 200, 400->300 cap, 300; equal jitter with random()=1 gives the full step
    expect(retry.waits).toEqual([100, 200, 300, 300]);
  });

  it('honours Retry-After in seconds on 429', async () => {
    const { agent, pool } = mockPowerSchool();
    replyToken(pool);
    pool
      .intercept({ path: SCHOOLS, method: 'GET' })
      .reply(429, { message: 'wait 7 seconds' }, { headers: { 'retry-after': '7' } });
    pool.intercept({ path: SCHOOLS, method: 'GET' }).reply(200, {});
    const { client, waits } = clientFor(agent);
    await client.request(getSchools);
    expect(waits).toEqual([7000]);
  });

  it('honours Retry-After as an HTTP date, measured on the injected clock', async () => {
    const { agent, pool } = mockPowerSchool();
    replyToken(pool);
    const clock = manualClock('2026-03-09T13:00:00Z');
    pool
      .intercept({ path: SCHOOLS, method: 'GET' })
      .reply(503, {}, { headers: { 'retry-after': 'Mon, 09 Mar 2026 13:00:12 GMT' } });
    pool.intercept({ path: SCHOOLS, method: 'GET' }).reply(200, {});
    const { client, waits } = clientFor(agent, { clock });
    await client.request(getSchools);
    expect(waits).toEqual([12_000]);
  });

  it('caps a very long Retry-After', async () => {
    const { agent, pool } = mockPowerSchool();
    replyToken(pool);
    pool
      .intercept({ path: SCHOOLS, method: 'GET' })
      .reply(429, {}, { headers: { 'retry-after': '86400' } });
    pool.intercept({ path: SCHOOLS, method: 'GET' }).reply(200, {});
    const retry = { ...instantRetry(), maxRetryAfterMs: 30_000 };
    const { client } = clientFor(agent, { retry });
    await client.request(getSchools);
    expect(retry.waits).toEqual([30_000]);
  });

  it('retries a connection reset', async () => {
    const { agent, pool } = mockPowerSchool();
    replyToken(pool);
    pool
      .intercept({ path: SCHOOLS, method: 'GET' })
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    pool.intercept({ path: SCHOOLS, method: 'GET' }).reply(200, {});
    const { client, attempts } = clientFor(agent);
    await client.request(getSchools);
    expect(attempts.filter((a) => a.url.endsWith(SCHOOLS)).map((a) => a.outcome)).toEqual([
      'network',
      'ok',
    ]);
  });

  it('times out a request that does not answer and retries it', async () => {
    const { agent, pool } = mockPowerSchool();
    replyToken(pool);
    pool.intercept({ path: SCHOOLS, method: 'GET' }).reply(200, {}).delay(2_000);
    pool.intercept({ path: SCHOOLS, method: 'GET' }).reply(200, { schools: {} });
    const { client, attempts } = clientFor(agent, { timeoutMs: 30 });
    const response = await client.request(getSchools);
    expect(response.body).toEqual({ schools: {} });
    expect(attempts.filter((a) => a.url.endsWith(SCHOOLS)).map((a) => a.outcome)).toEqual([
      'timeout',
      'ok',
    ]);
  });

  it('reports a timeout after the last attempt with code "timeout"', async () => {
    const { agent, pool } = mockPowerSchool();
    replyToken(pool);
    pool.intercept({ path: SCHOOLS, method: 'GET' }).reply(200, {}).delay(2_000).times(2);
    const { client } = clientFor(agent, {
      timeoutMs: 20,
      retry: { ...instantRetry(), retries: 1 },
    });
    const error = (await client.request(getSchools).catch((e: unknown) => e)) as PowerSchoolError;
    expect(error.code).toBe('timeout');
    expect(formatPowerSchoolError(error)).toBe(
      `Connection error: \`GET ${BASE_URL}${SCHOOLS}\` did not answer in time: no answer within 20 ms (after 2 attempts)`,
    );
  });
});

describe('PowerSchool transport: token', () => {
  it('asks for a token with Basic auth and reuses it until it expires', async () => {
    const { agent, pool } = mockPowerSchool();
    const basic = `Basic ${Buffer.from('client-id:client-secret').toString('base64')}`;
    pool
      .intercept({
        path: '/oauth/access_token',
        method: 'POST',
        headers: { authorization: basic },
        body: 'grant_type=client_credentials',
      })
      .reply(200, { access_token: 'first', token_type: 'Bearer', expires_in: '600' });
    pool
      .intercept({ path: SCHOOLS, method: 'GET', headers: { authorization: 'Bearer first' } })
      .reply(200, {})
      .times(2);
    replyToken(pool, 'second', '600');
    pool
      .intercept({ path: SCHOOLS, method: 'GET', headers: { authorization: 'Bearer second' } })
      .reply(200, {});
    const clock = manualClock();
    const { client } = clientFor(agent, { clock });
    await client.request(getSchools);
    await client.request(getSchools);
    expect(client.stats().tokenRequests).toBe(1);
    clock.advance(600_000); // expired (minus the refresh margin)
    await client.request(getSchools);
    expect(client.stats().tokenRequests).toBe(2);
  });

  it('re-authenticates once when a resource answers 401, then succeeds', async () => {
    const { agent, pool } = mockPowerSchool();
    replyToken(pool, 'stale');
    pool
      .intercept({ path: SCHOOLS, method: 'GET', headers: { authorization: 'Bearer stale' } })
      .reply(401, { message: 'expired' });
    replyToken(pool, 'fresh');
    pool
      .intercept({ path: SCHOOLS, method: 'GET', headers: { authorization: 'Bearer fresh' } })
      .reply(200, { ok: true });
    const { client } = clientFor(agent);
    const response = await client.request(getSchools);
    expect(response.body).toEqual({ ok: true });
    expect(client.stats().tokenRequests).toBe(2);
  });

  it('gives up with 401 when the fresh token is refused too', async () => {
    const { agent, pool } = mockPowerSchool();
    replyToken(pool, 'a');
    replyToken(pool, 'b');
    pool.intercept({ path: SCHOOLS, method: 'GET' }).reply(401, { message: 'no' }).times(2);
    const { client } = clientFor(agent);
    const error = (await client.request(getSchools).catch((e: unknown) => e)) as PowerSchoolError;
    expect(error.code).toBe('unauthorized');
    expect(client.stats().tokenRequests).toBe(2);
  });

  it('fetches one token for many concurrent calls', async () => {
    const { agent, pool } = mockPowerSchool();
    replyToken(pool);
    pool.intercept({ path: SCHOOLS, method: 'GET' }).reply(200, {}).times(5);
    const { client } = clientFor(agent);
    await Promise.all(Array.from({ length: 5 }, () => client.request(getSchools)));
    expect(client.stats().tokenRequests).toBe(1);
  });

  it('never records the token answer body in the attempt journal', async () => {
    const { agent, pool } = mockPowerSchool();
    replyToken(pool, 'secret-token-value');
    pool.intercept({ path: SCHOOLS, method: 'GET' }).reply(200, {});
    const { client, attempts } = clientFor(agent);
    await client.request(getSchools);
    expect(JSON.stringify(attempts)).not.toContain('secret-token-value');
    expect(JSON.stringify(attempts)).not.toContain('client-secret');
  });
});

describe('formatPowerSchoolError', () => {
  const base = { method: 'POST', url: `${BASE_URL}/ws/attendance/daily_time` };

  it("renders a 4xx in the guide's technical format, cutting the body at 120 characters", () => {
    const bodyText = JSON.stringify({
      message: "Record Not Saved. : 3501 doesn't match the term's year value: 3600.",
      errors: [{ resource: 'attendance', field: 'attendance_codeid', code: 'invalid' }],
    });
    const error = new PowerSchoolError({ ...base, code: 'bad_request', status: 400, bodyText });
    expect(bodyText.length).toBeGreaterThan(120);
    expect(formatPowerSchoolError(error)).toBe(
      `Client error: \`POST ${BASE_URL}/ws/attendance/daily_time\` resulted in a \`400 Bad Request\` response: ${bodyText.slice(0, 120)} (truncated...)`,
    );
    expect(error.bodyText).toBe(bodyText);
  });

  it('labels 5xx as "Server error" and keeps a short body whole', () => {
    const error = new PowerSchoolError({
      ...base,
      code: 'server_error',
      status: 503,
      bodyText: '{"message":"down"}',
    });
    expect(formatPowerSchoolError(error)).toBe(
      `Server error: \`POST ${BASE_URL}/ws/attendance/daily_time\` resulted in a \`503 Service Unavailable\` response: {"message":"down"}`,
    );
  });

  it('writes the ofetch-style message on the error itself', () => {
    const error = new PowerSchoolError({ ...base, code: 'unauthorized', status: 401 });
    expect(error.message).toBe(`[POST] "${BASE_URL}/ws/attendance/daily_time": 401 Unauthorized`);
    expect(error.name).toBe('PowerSchoolError');
  });
});
