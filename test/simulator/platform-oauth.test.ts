import { describe, expect, it } from 'vitest';
import {
  authenticatedPlugin,
  basicAuth,
  createHarness,
  installEnabledPlugin,
  requestToken,
} from './platform-harness.ts';

describe('POST /oauth/access_token', () => {
  it.each(['/oauth/access_token', '/oauth/access_token/'])(
    'answers %s with the reference shape: Bearer token, expires_in a string',
    async (path) => {
      const { app } = createHarness();
      const plugin = await installEnabledPlugin(app);
      const response = await requestToken(app, plugin.clientId, plugin.clientSecret, path);
      expect(response.status).toBe(200);
      const body = (await response.json()) as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
      expect(body.token_type).toBe('Bearer');
      expect(body.expires_in).toBe(String(30 * 24 * 3600));
      expect(body.access_token).toMatch(/^[0-9a-f-]{36}$/);
    },
  );

  it('returns the same token until it expires, with the time left, driven by the simulator clock', async () => {
    const { app } = createHarness();
    const plugin = await authenticatedPlugin(app);
    await app.request('/__sim/clock', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advanceSeconds: 86_400 }),
    });
    const again = (await (
      await requestToken(app, plugin.clientId, plugin.clientSecret)
    ).json()) as {
      access_token: string;
      expires_in: string;
    };
    expect(again.access_token).toBe(plugin.token);
    expect(again.expires_in).toBe(String(29 * 24 * 3600));
  });

  it('lets a token lapse when the clock passes its expiry: the old one gets 401, a new one works', async () => {
    const { app } = createHarness({ tokenLifetimeSeconds: 3600 });
    const plugin = await authenticatedPlugin(app);
    const bearer = (token: string): RequestInit => ({
      headers: { authorization: `Bearer ${token}` },
    });
    expect((await app.request('/ws/v1/district/school', bearer(plugin.token))).status).toBe(200);
    await app.request('/__sim/clock', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advanceSeconds: 3600 }),
    });
    expect((await app.request('/ws/v1/district/school', bearer(plugin.token))).status).toBe(401);
    const fresh = (await (
      await requestToken(app, plugin.clientId, plugin.clientSecret)
    ).json()) as {
      access_token: string;
    };
    expect(fresh.access_token).not.toBe(plugin.token);
    expect((await app.request('/ws/v1/district/school', bearer(fresh.access_token))).status).toBe(
      200,
    );
  });

  it.each([
    { name: 'a wrong secret', header: (id: string) => basicAuth(id, 'not-the-secret') },
    {
      name: 'an unknown client id',
      header: (_id: string, secret: string) => basicAuth('nobody', secret),
    },
    { name: 'no Authorization header', header: () => undefined },
    { name: 'a Bearer header instead of Basic', header: () => 'Bearer abc' },
    {
      name: 'Basic without a colon',
      header: () => `Basic ${Buffer.from('justid').toString('base64')}`,
    },
  ])('answers 401 invalid_client for $name', async ({ header }) => {
    const { app } = createHarness();
    const plugin = await installEnabledPlugin(app);
    const authorization = header(plugin.clientId, plugin.clientSecret);
    const response = await app.request('/oauth/access_token', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(authorization ? { authorization } : {}),
      },
      body: 'grant_type=client_credentials',
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_client' });
  });

  it.each([
    { name: 'disabled', action: (id: number) => [`/__sim/plugins/${id}/disable`, 'POST'] as const },
    { name: 'deleted', action: (id: number) => [`/__sim/plugins/${id}`, 'DELETE'] as const },
  ])(
    'answers 401 for the credentials of a $name plugin, and its token stops working',
    async ({ action }) => {
      const { app } = createHarness();
      const plugin = await authenticatedPlugin(app);
      const [path, method] = action(plugin.id);
      expect((await app.request(path, { method })).status).toBe(200);
      expect((await requestToken(app, plugin.clientId, plugin.clientSecret)).status).toBe(401);
      const call = await app.request('/ws/v1/district/school', {
        headers: { authorization: `Bearer ${plugin.token}` },
      });
      expect(call.status).toBe(401);
    },
  );

  it('keeps the credentials across disable and enable, with a new token after', async () => {
    const { app } = createHarness();
    const plugin = await authenticatedPlugin(app);
    await app.request(`/__sim/plugins/${plugin.id}/disable`, { method: 'POST' });
    await app.request(`/__sim/plugins/${plugin.id}/enable`, { method: 'POST' });
    const response = await requestToken(app, plugin.clientId, plugin.clientSecret);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { access_token: string }).access_token).not.toBe(
      plugin.token,
    );
  });

  it.each([
    {
      name: 'a JSON body',
      contentType: 'application/json',
      body: '{"grant_type":"client_credentials"}',
      error: 'invalid_request',
    },
    {
      name: 'no grant_type',
      contentType: 'application/x-www-form-urlencoded',
      body: 'scope=x',
      error: 'invalid_request',
    },
    {
      name: 'grant_type=password',
      contentType: 'application/x-www-form-urlencoded',
      body: 'grant_type=password',
      error: 'unsupported_grant_type',
    },
  ])('answers 400 $error for $name', async ({ contentType, body, error }) => {
    const { app } = createHarness();
    const plugin = await installEnabledPlugin(app);
    const response = await app.request('/oauth/access_token', {
      method: 'POST',
      headers: {
        authorization: basicAuth(plugin.clientId, plugin.clientSecret),
        'content-type': contentType,
      },
      body,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error });
  });

  it('refuses a huge body with 413 and keeps serving', async () => {
    const { app } = createHarness();
    const plugin = await installEnabledPlugin(app);
    const response = await app.request('/oauth/access_token', {
      method: 'POST',
      headers: {
        authorization: basicAuth(plugin.clientId, plugin.clientSecret),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: `grant_type=client_credentials&pad=${'x'.repeat(20_000)}`,
    });
    expect(response.status).toBe(413);
    expect((await requestToken(app, plugin.clientId, plugin.clientSecret)).status).toBe(200);
  });

  it('regenerated credentials replace the old ones and revoke the old token', async () => {
    const { app } = createHarness();
    const plugin = await authenticatedPlugin(app);
    const page = (await (
      await app.request(`/__sim/plugins/${plugin.id}/regenerate`, { method: 'POST' })
    ).json()) as {
      clientId: string;
      clientSecret: string;
    };
    expect(page.clientId).not.toBe(plugin.clientId);
    expect((await requestToken(app, plugin.clientId, plugin.clientSecret)).status).toBe(401);
    const old = await app.request('/ws/v1/district/school', {
      headers: { authorization: `Bearer ${plugin.token}` },
    });
    expect(old.status).toBe(401);
    expect((await requestToken(app, page.clientId, page.clientSecret)).status).toBe(200);
  });
});
