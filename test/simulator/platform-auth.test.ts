import { describe, expect, it } from 'vitest';
import { authenticatedPlugin, createHarness } from './platform-harness.ts';

const V1_DENIED = {
  errorMessage: { message: 'Plugin is missing required accessLevelV1Api READ permission' },
};

async function setV1Level(
  app: ReturnType<typeof createHarness>['app'],
  id: number,
  level: string,
): Promise<Response> {
  return app.request(`/__sim/plugins/${id}/data-provider`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accessLevelV1Api: level }),
  });
}

describe('requireBearer', () => {
  it.each([
    {
      name: 'no Authorization header',
      authorization: undefined,
      message: /Authentication required/,
    },
    { name: 'an empty Bearer', authorization: 'Bearer ', message: /Authentication required/ },
    {
      name: 'an unknown token',
      authorization: 'Bearer 00000000-0000-4000-8000-000000000000',
      message: /Invalid access token/,
    },
    { name: 'Basic credentials', authorization: 'Basic YTpi', message: /Authentication required/ },
  ])('answers 401 for $name', async ({ authorization, message }) => {
    const { app } = createHarness();
    await authenticatedPlugin(app);
    const response = await app.request('/ws/schema/table/students', {
      headers: authorization === undefined ? {} : { authorization },
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { message: string }).message).toMatch(message);
  });

  it('sets the plugin for the route behind it', async () => {
    const { app } = createHarness();
    const plugin = await authenticatedPlugin(app);
    const response = await app.request('/ws/attendance/daily_time', {
      method: 'POST',
      headers: { authorization: `Bearer ${plugin.token}` },
    });
    expect(await response.json()).toEqual({ pluginId: plugin.id });
  });

  it('leaves /ws/v1/metadata and /ws/v1/time open, with plugin_id only when a token is sent', async () => {
    const { app } = createHarness();
    const plugin = await authenticatedPlugin(app);
    const anonymous = await app.request('/ws/v1/metadata');
    expect(anonymous.status).toBe(200);
    expect(
      ((await anonymous.json()) as { metadata: { plugin_id: unknown } }).metadata.plugin_id,
    ).toBeNull();
    const known = await app.request('/ws/v1/metadata', {
      headers: { authorization: `Bearer ${plugin.token}` },
    });
    expect(((await known.json()) as { metadata: { plugin_id: unknown } }).metadata.plugin_id).toBe(
      plugin.id,
    );
    expect((await app.request('/ws/v1/time')).status).toBe(200);
  });
});

describe('requireV1Access (25.2.0.0+)', () => {
  it.each(['25.2.0.0', '25.3.0'])(
    "on %s refuses /ws/v1 with the field report's 401 when the level is NONE",
    async (psVersion) => {
      const { app } = createHarness({ psVersion });
      const plugin = await authenticatedPlugin(app, psVersion);
      expect((await setV1Level(app, plugin.id, 'NONE')).status).toBe(200);
      const response = await app.request('/ws/v1/district/school', {
        headers: { authorization: `Bearer ${plugin.token}` },
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual(V1_DENIED);
    },
  );

  it.each(['READ', 'FULL'])('lets a plugin with level %s read /ws/v1', async (level) => {
    const { app } = createHarness();
    const plugin = await authenticatedPlugin(app);
    await setV1Level(app, plugin.id, level);
    const response = await app.request('/ws/v1/district/school', {
      headers: { authorization: `Bearer ${plugin.token}` },
    });
    expect(response.status).toBe(200);
  });

  it('keeps metadata open and leaves /ws/schema ungated when the level is NONE', async () => {
    const { app } = createHarness();
    const plugin = await authenticatedPlugin(app);
    await setV1Level(app, plugin.id, 'NONE');
    const headers = { authorization: `Bearer ${plugin.token}` };
    expect((await app.request('/ws/v1/metadata', { headers })).status).toBe(200);
    expect(
      (await app.request('/ws/schema/table/students?projection=dcid', { headers })).status,
    ).toBe(200);
  });

  it("starts from the bundle's accessLevelV1Api (FULL for our 25.2+ bundle)", async () => {
    const { app } = createHarness();
    const plugin = await authenticatedPlugin(app);
    const page = (await (
      await app.request(`/__sim/plugins/${plugin.id}/data-provider`)
    ).json()) as {
      accessLevelV1Api: string;
    };
    expect(page.accessLevelV1Api).toBe('FULL');
  });

  it('does not gate v1 before 25.2.0.0, where the setting does not exist', async () => {
    const { app, platform } = createHarness({ psVersion: '24.11.0.0' });
    const plugin = await authenticatedPlugin(app, '24.11.0.0');
    expect(platform.registry.get(plugin.id)?.v1AccessLevel).toBe('NONE');
    const response = await app.request('/ws/v1/district/school', {
      headers: { authorization: `Bearer ${plugin.token}` },
    });
    expect(response.status).toBe(200);
  });
});

describe('access checks behind authentication', () => {
  it('answers 403 NoAccess for a projected column the plugin did not request', async () => {
    const { app } = createHarness();
    const plugin = await authenticatedPlugin(app);
    const response = await app.request('/ws/schema/table/students?projection=dcid,ssn', {
      headers: { authorization: `Bearer ${plugin.token}` },
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      message: 'At least one column lacks sufficient permission',
      errors: [{ resource: 'students', field: 'students.ssn', code: 'NoAccess' }],
    });
  });
});
