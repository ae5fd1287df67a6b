import { describe, expect, it } from 'vitest';
import { buildBundle } from '../../plugin/bundle.ts';
import { defaultPluginDefinition } from '../../plugin/definition.ts';
import { renderPluginXml } from '../../plugin/plugin-xml.ts';
import { exportBundle, permissionMappings } from '../plugin/real-world-fixtures.ts';
import { createHarness, installEnabledPlugin, uploadBundle } from './platform-harness.ts';

type App = ReturnType<typeof createHarness>['app'];

async function json(response: Response | Promise<Response>): Promise<Record<string, unknown>> {
  return (await (await response).json()) as Record<string, unknown>;
}

async function post(app: App, path: string): Promise<Response> {
  return app.request(path, { method: 'POST' });
}

describe('/__sim/plugins: install', () => {
  it('installs our zip bundle disabled, without credentials, and lists it', async () => {
    const { app } = createHarness();
    const response = await uploadBundle(app, '25.3.0');
    expect(response.status).toBe(201);
    const plugin = await json(response);
    expect(plugin).toMatchObject({
      id: 1,
      name: 'Navigate360 Attendance Access',
      enabled: false,
      oauth: true,
      clientId: null,
      accessLevelV1Api: 'FULL',
    });
    expect(plugin.queries).toContain('com.navigate360.attendance.student.students_by_dcid');
    const list = await json(app.request('/__sim/plugins'));
    expect((list.plugins as { id: number }[]).map((p) => p.id)).toEqual([1]);
  });

  it('installs a bare plugin.xml (application/xml)', async () => {
    const { app } = createHarness();
    const xml = renderPluginXml({ ...defaultPluginDefinition(), name: 'Bare XML Plugin' });
    const response = await app.request('/__sim/plugins', {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: xml,
    });
    expect(response.status).toBe(201);
    expect(await json(response)).toMatchObject({ name: 'Bare XML Plugin', queries: [] });
  });

  it('refuses a bundle that breaks the installer rules with 400 listing every violation', async () => {
    const { app } = createHarness();
    const xml = renderPluginXml({
      ...defaultPluginDefinition(),
      name: '',
      version: 'x'.repeat(30),
    });
    const response = await app.request('/__sim/plugins', {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: xml,
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      message: string;
      errors: { field: string; message: string }[];
    };
    expect(body.message).toMatch(/not installed: \d+ problems found/);
    expect(body.errors.length).toBeGreaterThanOrEqual(2);
    expect(body.errors.every((error) => error.field && error.message)).toBe(true);
  });

  it('installs a real-world bundle that has only warnings and notes (reverse-domain names, no ORDER BY, publisher first)', async () => {
    const { app } = createHarness();
    const response = await app.request('/__sim/plugins', {
      method: 'POST',
      headers: { 'content-type': 'application/zip' },
      body: exportBundle(),
    });
    expect(response.status).toBe(201);
    expect(await json(response)).toMatchObject({
      name: 'District Homeroom Export',
      enabled: false,
    });
  });

  it('answers a permission mapping to a non-query path as PowerSchool does: not installed', async () => {
    const { app } = createHarness();
    const body = exportBundle([
      {
        name: 'permissions_root/cpm.permission_mappings.xml',
        data: permissionMappings('/ws/cpm/tree'),
      },
    ]);
    const response = await app.request('/__sim/plugins', {
      method: 'POST',
      headers: { 'content-type': 'application/zip' },
      body,
    });
    expect(response.status).toBe(400);
    const { errors } = (await response.json()) as { errors: { field: string; message: string }[] };
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(
      /^Plugins can only permission map named queries, not \/ws\/cpm\/tree/,
    );
  });

  it("applies the server version's installer rules: a 25.3 bundle is refused on 24.11.0.0", async () => {
    const { app } = createHarness({ psVersion: '24.11.0.0' });
    const response = await uploadBundle(app, '25.3.0');
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { field: string; message: string }[] };
    expect(JSON.stringify(body.errors)).toMatch(/accessLevelV1Api/);
  });

  it('refuses a second plugin with the same name with 409 saying to delete the first', async () => {
    const { app } = createHarness();
    await uploadBundle(app, '25.3.0');
    const response = await uploadBundle(app, '25.3.0');
    expect(response.status).toBe(409);
    const body = (await response.json()) as { errors: { message: string }[] };
    expect(body.errors[0]?.message).toMatch(/already installed \(id 1\); delete it first/);
  });

  it.each([
    {
      name: 'a JSON content type',
      headers: { 'content-type': 'application/json' },
      body: '{}',
      status: 415,
    },
    { name: 'no content type', headers: {}, body: new Uint8Array([1, 2, 3]), status: 415 },
    {
      name: 'an empty body',
      headers: { 'content-type': 'application/zip' },
      body: new Uint8Array(),
      status: 400,
    },
    {
      name: 'bytes that are neither zip nor XML',
      headers: { 'content-type': 'application/zip' },
      body: 'hello',
      status: 400,
    },
    {
      name: 'a body over the upload limit',
      headers: { 'content-type': 'application/zip' },
      body: new Uint8Array(21 * 1024 * 1024),
      status: 413,
    },
  ])('answers $status for $name and keeps serving', async ({ headers, body, status }) => {
    const { app } = createHarness();
    const response = await app.request('/__sim/plugins', {
      method: 'POST',
      headers: headers as Record<string, string>,
      body,
    });
    expect(response.status).toBe(status);
    expect(typeof ((await response.json()) as { message: unknown }).message).toBe('string');
    expect((await uploadBundle(app, '25.3.0')).status).toBe(201);
  });
});

describe('/__sim/plugins: enable, disable, delete, Data Provider Configuration', () => {
  it('creates credentials on enable; only the Data Provider page shows the secret', async () => {
    const { app } = createHarness();
    const plugin = await installEnabledPlugin(app);
    expect(plugin.clientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(plugin.clientSecret).toMatch(/^[0-9a-f-]{36}$/);
    const listed = JSON.stringify(await json(app.request('/__sim/plugins')));
    const detail = JSON.stringify(await json(app.request(`/__sim/plugins/${plugin.id}`)));
    for (const text of [listed, detail]) {
      expect(text).toContain(plugin.clientId);
      expect(text).not.toContain(plugin.clientSecret);
    }
  });

  it('gives a reinstalled plugin a new id and new credentials', async () => {
    const { app } = createHarness();
    const first = await installEnabledPlugin(app);
    expect((await app.request(`/__sim/plugins/${first.id}`, { method: 'DELETE' })).status).toBe(
      200,
    );
    const second = await installEnabledPlugin(app);
    expect(second.id).not.toBe(first.id);
    expect(second.clientId).not.toBe(first.clientId);
    expect(second.clientSecret).not.toBe(first.clientSecret);
  });

  it('draws the same credentials from the same seed', async () => {
    const one = await installEnabledPlugin(createHarness({ seed: 9 }).app);
    const two = await installEnabledPlugin(createHarness({ seed: 9 }).app);
    const other = await installEnabledPlugin(createHarness({ seed: 10 }).app);
    expect(two.clientId).toBe(one.clientId);
    expect(other.clientId).not.toBe(one.clientId);
  });

  it('asks to enable a disabled plugin before showing its Data Provider page (409)', async () => {
    const { app } = createHarness();
    const plugin = await installEnabledPlugin(app);
    await post(app, `/__sim/plugins/${plugin.id}/disable`);
    const response = await app.request(`/__sim/plugins/${plugin.id}/data-provider`);
    expect(response.status).toBe(409);
    expect((await json(response)).message).toMatch(/disabled: enable it first/);
  });

  it('gives a plugin without <oauth/> no credentials and no Data Provider page', async () => {
    const { app } = createHarness();
    const xml = renderPluginXml({ ...defaultPluginDefinition(), name: 'No OAuth', oauth: null });
    const installed = await json(
      app.request('/__sim/plugins', {
        method: 'POST',
        headers: { 'content-type': 'application/xml' },
        body: xml,
      }),
    );
    const enabled = await json(post(app, `/__sim/plugins/${installed.id}/enable`));
    expect(enabled).toMatchObject({ enabled: true, oauth: false, clientId: null });
    const page = await app.request(`/__sim/plugins/${installed.id}/data-provider`);
    expect(page.status).toBe(409);
    expect((await json(page)).message).toMatch(/declares no <oauth\/>/);
  });

  it.each([
    { path: '/__sim/plugins/7', method: 'GET' },
    { path: '/__sim/plugins/7/enable', method: 'POST' },
    { path: '/__sim/plugins/7/disable', method: 'POST' },
    { path: '/__sim/plugins/7', method: 'DELETE' },
    { path: '/__sim/plugins/7/data-provider', method: 'GET' },
    { path: '/__sim/plugins/7/regenerate', method: 'POST' },
  ])('answers 404 naming the installed ids for $method $path', async ({ path, method }) => {
    const { app } = createHarness();
    await uploadBundle(app, '25.3.0');
    const response = await app.request(path, { method });
    expect(response.status).toBe(404);
    expect((await json(response)).message).toMatch(
      /No plugin with id 7 is installed\. Installed ids: 1\./,
    );
  });

  it('answers 404 for an id that is not a number', async () => {
    const { app } = createHarness();
    const response = await app.request('/__sim/plugins/abc');
    expect(response.status).toBe(404);
    expect((await json(response)).message).toMatch(/"abc" is not a plugin id/);
  });
});

describe('/__sim/plugins: version gates', () => {
  it('refuses regenerate before 21.11.2.0 (409), pointing to delete and reinstall', async () => {
    const { app } = createHarness({ psVersion: '21.11.1.0' });
    const installed = await json(
      app.request('/__sim/plugins', {
        method: 'POST',
        headers: { 'content-type': 'application/zip' },
        body: (await buildBundle({ psVersion: '23.10.0.0' })).bytes,
      }),
    );
    await post(app, `/__sim/plugins/${installed.id}/enable`);
    const response = await post(app, `/__sim/plugins/${installed.id}/regenerate`);
    expect(response.status).toBe(409);
    expect((await json(response)).message).toMatch(
      /came with 21\.11\.2\.0.*delete the plugin and install it again/,
    );
  });

  it('refuses to set the v1 access level before 25.2.0.0 and shows it as null', async () => {
    const { app } = createHarness({ psVersion: '24.11.0.0' });
    const plugin = await installEnabledPlugin(app, '24.11.0.0');
    expect(
      (await json(app.request(`/__sim/plugins/${plugin.id}/data-provider`))).accessLevelV1Api,
    ).toBeNull();
    const response = await app.request(`/__sim/plugins/${plugin.id}/data-provider`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accessLevelV1Api: 'FULL' }),
    });
    expect(response.status).toBe(409);
    expect((await json(response)).message).toMatch(/no "Access Level for v1 APIs" setting/);
  });

  it.each([
    { name: 'an unknown level', body: '{"accessLevelV1Api":"WRITE"}', status: 400 },
    { name: 'bad JSON', body: '{"accessLevelV1Api":', status: 400 },
    { name: 'an extra key', body: '{"accessLevelV1Api":"READ","x":1}', status: 400 },
  ])('answers $status to a Data Provider change with $name', async ({ body, status }) => {
    const { app } = createHarness();
    const plugin = await installEnabledPlugin(app);
    const response = await app.request(`/__sim/plugins/${plugin.id}/data-provider`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(status);
    expect(typeof (await json(response)).message).toBe('string');
  });

  it('lists the valid levels when one is unknown', async () => {
    const { app } = createHarness();
    const plugin = await installEnabledPlugin(app);
    const response = await app.request(`/__sim/plugins/${plugin.id}/data-provider`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"accessLevelV1Api":"WRITE"}',
    });
    expect((await json(response)).message).toMatch(/NONE.*READ.*FULL/);
  });
});
