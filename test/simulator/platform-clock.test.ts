import { describe, expect, it } from 'vitest';
import { createHarness } from './platform-harness.ts';

type App = ReturnType<typeof createHarness>['app'];

async function change(
  app: App,
  method: 'PUT' | 'POST',
  body: string,
  contentType = 'application/json',
): Promise<Response> {
  return app.request('/__sim/clock', { method, headers: { 'content-type': contentType }, body });
}

describe('/__sim/clock', () => {
  it('describes the clock: now, frozen, offsetMs', async () => {
    const { app } = createHarness();
    expect(await (await app.request('/__sim/clock')).json()).toEqual({
      now: '2025-10-03T14:00:00.000Z',
      frozen: true,
      offsetMs: 0,
    });
  });

  it('pins the clock to an instant given with an offset (PUT)', async () => {
    const { app, platform } = createHarness();
    const response = await change(app, 'PUT', JSON.stringify({ now: '2025-10-03T09:47:00-05:00' }));
    expect(await response.json()).toMatchObject({ now: '2025-10-03T14:47:00.000Z', frozen: true });
    expect(platform.clock.now().toISOString()).toBe('2025-10-03T14:47:00.000Z');
  });

  it('lets a set clock run (frozen: false) from the instant given', async () => {
    const { app } = createHarness();
    const body = (await (
      await change(app, 'POST', JSON.stringify({ now: '2030-01-01T00:00:00Z', frozen: false }))
    ).json()) as {
      frozen: boolean;
      offsetMs: number;
    };
    expect(body.frozen).toBe(false);
    expect(body.offsetMs).toBeGreaterThan(0);
  });

  it('advances by seconds (POST) and goes back with a negative number', async () => {
    const { app } = createHarness();
    await change(app, 'POST', JSON.stringify({ advanceSeconds: 3600 }));
    const back = await change(app, 'POST', JSON.stringify({ advanceSeconds: -1800 }));
    expect(((await back.json()) as { now: string }).now).toBe('2025-10-03T14:30:00.000Z');
  });

  it('returns to real time on DELETE', async () => {
    const { app } = createHarness();
    const body = (await (await app.request('/__sim/clock', { method: 'DELETE' })).json()) as {
      now: string;
      frozen: boolean;
      offsetMs: number;
    };
    expect(body.frozen).toBe(false);
    expect(body.offsetMs).toBe(0);
    expect(Math.abs(Date.parse(body.now) - Date.now())).toBeLessThan(60_000);
  });

  it.each([
    { name: 'bad JSON', body: '{"now":', status: 400, message: /Invalid JSON in request body/ },
    {
      name: 'a date without a time',
      body: '{"now":"2025-10-03"}',
      status: 400,
      message: /ISO-8601 instant/,
    },
    {
      name: 'text that is no date',
      body: '{"now":"tomorrow"}',
      status: 400,
      message: /ISO-8601 instant/,
    },
    {
      name: 'advanceSeconds as text',
      body: '{"advanceSeconds":"60"}',
      status: 400,
      message: /advanceSeconds/,
    },
    {
      name: 'both forms at once',
      body: '{"now":"2025-10-03T00:00:00Z","advanceSeconds":1}',
      status: 400,
      message: /clock change/,
    },
    { name: 'an empty object', body: '{}', status: 400, message: /clock change/ },
    {
      name: 'a form body',
      body: 'now=x',
      status: 415,
      message: /application\/json/,
      contentType: 'application/x-www-form-urlencoded',
    },
  ])(
    'answers $status to $name and leaves the clock alone',
    async ({ body, status, message, contentType }) => {
      const { app } = createHarness();
      const response = await change(app, 'PUT', body, contentType);
      expect(response.status).toBe(status);
      expect(((await response.json()) as { message: string }).message).toMatch(message);
      expect(((await (await app.request('/__sim/clock')).json()) as { now: string }).now).toBe(
        '2025-10-03T14:00:00.000Z',
      );
    },
  );
});
