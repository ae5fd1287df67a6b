import { describe, expect, it } from 'vitest';
import { authenticatedPlugin, createHarness } from './platform-harness.ts';

interface Entries {
  entries: {
    method: string;
    path: string;
    query: string;
    status: number;
    pluginId?: number;
    at: string;
  }[];
  size: number;
  capacity: number;
}

describe('journalRequests and /__sim/journal', () => {
  it('records method, path, status and plugin, newest first, and never the secret or token', async () => {
    const { app } = createHarness();
    const plugin = await authenticatedPlugin(app);
    await app.request(`/ws/schema/table/students?projection=dcid&access_token=${plugin.token}`, {
      headers: { authorization: `Bearer ${plugin.token}` },
    });
    const journal = (await (await app.request('/__sim/journal')).json()) as Entries;
    expect(journal.entries.map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toEqual(
      ['GET /ws/schema/table/students 200', 'POST /oauth/access_token 200'],
    );
    expect(journal.entries[0]).toMatchObject({
      pluginId: plugin.id,
      query: 'projection=dcid&access_token=***',
    });
    expect(journal.entries[0]?.at).toBe('2025-10-03T14:00:00.000Z');
    const text = JSON.stringify(journal);
    expect(text).not.toContain(plugin.clientSecret);
    expect(text).not.toContain(plugin.token);
  });

  it('does not journal /__sim control routes', async () => {
    const { app } = createHarness();
    await app.request('/__sim/clock');
    await app.request('/__sim/faults');
    expect(((await (await app.request('/__sim/journal')).json()) as Entries).entries).toEqual([]);
  });

  it.each([
    { query: 'status=4xx', paths: ['/ws/schema/table/students', '/ws/v1/district/school'] },
    { query: 'status=401', paths: ['/ws/schema/table/students', '/ws/v1/district/school'] },
    { query: 'path=schema', paths: ['/ws/schema/table/students'] },
    { query: 'path=/ws/v1/*', paths: ['/ws/v1/time'] },
    { query: 'path=/ws/**&status=2xx', paths: ['/ws/v1/time'] },
    { query: 'limit=1', paths: ['/ws/schema/table/students'] },
  ])('filters with ?$query (newest first)', async ({ query, paths }) => {
    const { app } = createHarness();
    await app.request('/ws/v1/time');
    await app.request('/ws/v1/district/school');
    await app.request('/ws/schema/table/students');
    const journal = (await (await app.request(`/__sim/journal?${query}`)).json()) as Entries;
    expect(journal.entries.map((entry) => entry.path)).toEqual(paths);
  });

  it.each([
    { query: 'status=abc', message: /status "abc" is not a status filter/ },
    { query: 'limit=0', message: /limit "0" is not valid: give a whole number from 1 to 1000/ },
    { query: 'limit=x', message: /limit "x" is not valid/ },
  ])('answers 400 to ?$query saying what is valid', async ({ query, message }) => {
    const { app } = createHarness();
    const response = await app.request(`/__sim/journal?${query}`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(message);
  });

  it('keeps only journalSize entries and clears on DELETE', async () => {
    const { app } = createHarness({ journalSize: 2 });
    for (let index = 0; index < 5; index += 1) await app.request('/ws/v1/time');
    const full = (await (await app.request('/__sim/journal')).json()) as Entries;
    expect(full).toMatchObject({ size: 2, capacity: 2 });
    expect(await (await app.request('/__sim/journal', { method: 'DELETE' })).json()).toEqual({
      cleared: 2,
    });
    expect(((await (await app.request('/__sim/journal')).json()) as Entries).entries).toEqual([]);
  });
});
