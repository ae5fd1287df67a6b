import { describe, expect, it } from 'vitest';
import { authenticatedPlugin, createHarness } from './platform-harness.ts';

type App = ReturnType<typeof createHarness>['app'];

async function addRules(
  app: App,
  rules: unknown,
  contentType = 'application/json',
): Promise<Response> {
  return app.request('/__sim/faults', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof rules === 'string' ? rules : JSON.stringify(rules),
  });
}

describe('/__sim/faults and injectFaults', () => {
  it('plays "500, 500, then normal" and reports the hits', async () => {
    const { app } = createHarness();
    const created = await addRules(app, {
      method: 'GET',
      path: '/ws/v1/time',
      sequence: [500, 500, 'pass'],
    });
    expect(created.status).toBe(201);
    const statuses: number[] = [];
    for (let index = 0; index < 4; index += 1)
      statuses.push((await app.request('/ws/v1/time')).status);
    expect(statuses).toEqual([500, 500, 200, 200]);
    const listed = (await (await app.request('/__sim/faults')).json()) as {
      rules: { hits: number; exhausted: boolean }[];
    };
    expect(listed.rules[0]).toMatchObject({ hits: 3, exhausted: true });
  });

  it('answers an injected status with a PowerSchool-style body, or the body and headers given', async () => {
    const { app } = createHarness();
    await addRules(app, [
      { path: '/ws/v1/time', action: { type: 'status', status: 503 }, times: 1 },
      {
        path: '/ws/v1/time',
        action: {
          type: 'status',
          status: 502,
          body: '<html>proxy</html>',
          headers: { 'content-type': 'text/html' },
        },
        times: 1,
      },
    ]);
    const first = await app.request('/ws/v1/time');
    expect(first.status).toBe(503);
    expect(await first.json()).toEqual({ message: 'Service Unavailable' });
    const second = await app.request('/ws/v1/time');
    expect(second.status).toBe(502);
    expect(second.headers.get('content-type')).toBe('text/html');
    expect(await second.text()).toBe('<html>proxy</html>');
  });

  it('rate-limits with 429, Retry-After and the wait in the message', async () => {
    const { app } = createHarness();
    await addRules(app, { path: '/ws/**', action: { type: 'rate_limit', retryAfterSeconds: 3 } });
    const response = await app.request('/ws/v1/time');
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(((await response.json()) as { message: string }).message).toMatch(/wait 3 seconds/);
  });

  it('resets the connection: in-process the answer is a network error', async () => {
    const { app } = createHarness();
    await addRules(app, { path: '/ws/v1/time', action: { type: 'reset' } });
    const response = await app.request('/ws/v1/time');
    expect(response.type).toBe('error');
    expect(response.status).toBe(0);
  });

  it('hangs until the client gives up, and releaseHung() frees what is left', async () => {
    const { app, platform } = createHarness();
    await addRules(app, { path: '/ws/v1/time', action: { type: 'hang' } });
    const abort = new AbortController();
    const pending = app.request(new Request('http://sim/ws/v1/time', { signal: abort.signal }));
    await expect.poll(() => platform.faults.hungCount).toBe(1);
    abort.abort();
    expect((await pending).type).toBe('error');
    const second = app.request('/ws/v1/time');
    await expect.poll(() => platform.faults.hungCount).toBe(1);
    expect(platform.faults.releaseHung()).toBe(1);
    expect((await second).type).toBe('error');
  });

  it('revokes the token presented, so the request and later ones get 401', async () => {
    const { app } = createHarness();
    const plugin = await authenticatedPlugin(app);
    await addRules(app, {
      path: '/ws/v1/district/school',
      action: { type: 'revoke_token' },
      times: 1,
    });
    const headers = { authorization: `Bearer ${plugin.token}` };
    expect((await app.request('/ws/v1/district/school', { headers })).status).toBe(401);
    expect((await app.request('/ws/schema/table/students', { headers })).status).toBe(401);
  });

  it('adds latency and then answers normally, noting the fault in the journal', async () => {
    const { app } = createHarness();
    await addRules(app, {
      id: 'slow',
      path: '/ws/v1/time',
      action: { type: 'latency', ms: [1, 5] },
    });
    expect((await app.request('/ws/v1/time')).status).toBe(200);
    const journal = (await (await app.request('/__sim/journal')).json()) as {
      entries: { fault?: string }[];
    };
    expect(journal.entries[0]?.fault).toBe('slow:latency');
  });

  it('never faults /__sim/* control routes', async () => {
    const { app } = createHarness();
    await addRules(app, { path: '**', action: { type: 'status', status: 500 } });
    expect((await app.request('/__sim/faults')).status).toBe(200);
    expect((await app.request('/__sim/clock')).status).toBe(200);
    expect((await app.request('/ws/v1/time')).status).toBe(500);
  });

  it('accepts rules in the compact text form, one a line', async () => {
    const { app } = createHarness();
    const response = await addRules(
      app,
      '# comment\nGET /ws/v1/time: 503,ok\n* /ws/** latency=1 p=0.5\n',
      'text/plain',
    );
    expect(response.status).toBe(201);
    const { rules } = (await response.json()) as { rules: { method: string; path: string }[] };
    expect(rules.map((rule) => `${rule.method} ${rule.path}`)).toEqual([
      'GET /ws/v1/time',
      '* /ws/**',
    ]);
  });

  it('deletes one rule by id and all rules, 404 for an unknown id', async () => {
    const { app } = createHarness();
    await addRules(app, [
      { id: 'a', path: '/x', action: { type: 'reset' } },
      { id: 'b', path: '/y', action: { type: 'reset' } },
    ]);
    expect((await app.request('/__sim/faults/a', { method: 'DELETE' })).status).toBe(200);
    const missing = await app.request('/__sim/faults/a', { method: 'DELETE' });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { message: string }).message).toMatch(/Rule ids: b\./);
    expect(await (await app.request('/__sim/faults', { method: 'DELETE' })).json()).toEqual({
      removed: 1,
    });
  });

  it.each([
    {
      name: 'bad JSON',
      body: '{"path":',
      contentType: 'application/json',
      status: 400,
      message: /Invalid JSON in request body/,
    },
    {
      name: 'a form body',
      body: 'path=/x',
      contentType: 'application/x-www-form-urlencoded',
      status: 415,
      message: /application\/json/,
    },
    {
      name: 'an empty list',
      body: '[]',
      contentType: 'application/json',
      status: 400,
      message: /empty/,
    },
    {
      name: 'an unknown action',
      body: '{"path":"/x","action":{"type":"explode"}}',
      contentType: 'application/json',
      status: 400,
      message: /action\.type.*A rule is/,
    },
    {
      name: 'a bad text rule',
      body: '/x explode',
      contentType: 'text/plain',
      status: 400,
      message: /"explode" is not an action/,
    },
    {
      name: 'a huge body',
      body: `{"path":"${'x'.repeat(300_000)}"}`,
      contentType: 'application/json',
      status: 413,
      message: /too large: fault rules may be at most 256 KiB/,
    },
  ])(
    'answers $status to $name, saying what is valid, and keeps serving',
    async ({ body, contentType, status, message }) => {
      const { app } = createHarness();
      const response = await addRules(app, body, contentType);
      expect(response.status).toBe(status);
      expect(((await response.json()) as { message: string }).message).toMatch(message);
      expect((await app.request('/__sim/faults')).status).toBe(200);
    },
  );
});
