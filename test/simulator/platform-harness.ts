/**
 * A small simulator app built only from the platform's pieces, in the order app.ts mounts them,
 * with stand-in /ws routes that exercise authentication, the v1 gate and access checks.
 */
import { Hono } from 'hono';
import { buildBundle } from '../../plugin/bundle.ts';
import { SimClock } from '../../simulator/clock.ts';
import { renderPsError } from '../../simulator/http/errors.ts';
import { buildOpenApiDocument } from '../../simulator/http/openapi.ts';
import { servedRoutes } from '../../simulator/route-table.ts';
import { AnswerChecker, checkResponse } from './openapi-check.ts';
import {
  assertReadAccess,
  assertWriteAccess,
  clockRoutes,
  createPlatform,
  faultRoutes,
  identifyPlugin,
  injectFaults,
  journalRequests,
  journalRoutes,
  oauthRoutes,
  pluginControlRoutes,
  requireBearer,
  requireV1Access,
  type CreatePlatformOptions,
  type Platform,
  type PlatformEnv,
} from '../../simulator/platform/index.ts';

export const TEST_START = new Date('2025-10-03T14:00:00Z');

/** A platform on a frozen clock with a fixed seed, and the app around it. */
export function createHarness(options: Partial<CreatePlatformOptions> = {}): {
  platform: Platform;
  app: Hono<PlatformEnv>;
} {
  const clock = new SimClock();
  clock.set(TEST_START);
  const platform = createPlatform({ psVersion: '25.3.0', clock, seed: 1, ...options });
  return { platform, app: buildPlatformApp(platform) };
}

/** The platform's middleware and routes, plus stand-in PowerSchool routes. */
export function buildPlatformApp(platform: Platform): Hono<PlatformEnv> {
  const app = new Hono<PlatformEnv>();
  app.onError(renderPsError);
  // The platform's real routes (token, control) are held to the simulator's OpenAPI document;
  // the stand-in /ws routes below are this harness's own.
  const checker = new AnswerChecker(
    buildOpenApiDocument(
      servedRoutes(platform.psVersion),
      platform.psVersion,
    ) as ConstructorParameters<typeof AnswerChecker>[0],
  );
  app.use('*', async function checkAnswers(c, next) {
    await next();
    if (!c.req.path.startsWith('/ws/')) {
      await checkResponse(checker, c.req.method, c.req.url, c.res);
    }
  });
  app.use('*', journalRequests(platform));
  app.use('*', injectFaults(platform));
  app.route('/', oauthRoutes(platform));
  app.route('/__sim/plugins', pluginControlRoutes(platform));
  app.route('/__sim/faults', faultRoutes(platform));
  app.route('/__sim/journal', journalRoutes(platform));
  app.route('/__sim/clock', clockRoutes(platform));
  app.get('/ws/v1/metadata', (c) => {
    const plugin = identifyPlugin(platform, c.req.header('authorization'));
    return c.json({
      metadata: { plugin_id: plugin?.id ?? null, powerschool_version: platform.psVersion },
    });
  });
  app.get('/ws/v1/time', (c) => c.json({ time: platform.clock.now().toISOString() }));
  app.use('/ws/*', requireBearer(platform));
  app.use('/ws/v1/*', requireV1Access(platform));
  app.get('/ws/v1/district/school', (c) =>
    c.json({ schools: { school: { id: 1, name: 'Test' } } }),
  );
  app.get('/ws/schema/table/students', (c) => {
    const columns = (c.req.query('projection') ?? 'dcid').split(',').map((f) => `students.${f}`);
    assertReadAccess(c.var.plugin, columns, 'students');
    return c.json({ name: 'students', record: [] });
  });
  app.post('/ws/attendance/daily_time', (c) => {
    assertWriteAccess(c.var.plugin, 'attendance', ['studentid', 'att_date', 'attendance_codeid']);
    return c.json({ pluginId: c.var.plugin.id });
  });
  return app;
}

/** Builds our bundle for the platform's version and uploads it through the control route. */
export async function uploadBundle(
  app: Hono<PlatformEnv>,
  psVersion: string,
  bytes?: Uint8Array,
): Promise<Response> {
  const body = bytes ?? (await buildBundle({ psVersion })).bytes;
  return app.request('/__sim/plugins', {
    method: 'POST',
    headers: { 'content-type': 'application/zip' },
    body,
  });
}

/** Installs and enables our plugin; returns its id and Data Provider credentials. */
export async function installEnabledPlugin(
  app: Hono<PlatformEnv>,
  psVersion = '25.3.0',
): Promise<{ id: number; clientId: string; clientSecret: string }> {
  const installed = (await (await uploadBundle(app, psVersion)).json()) as { id: number };
  await app.request(`/__sim/plugins/${installed.id}/enable`, { method: 'POST' });
  const page = (await (
    await app.request(`/__sim/plugins/${installed.id}/data-provider`)
  ).json()) as {
    clientId: string;
    clientSecret: string;
  };
  return { id: installed.id, clientId: page.clientId, clientSecret: page.clientSecret };
}

/** The Basic header for a client id and secret. */
export function basicAuth(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
}

/** POSTs a client_credentials token request. */
export async function requestToken(
  app: Hono<PlatformEnv>,
  clientId: string,
  clientSecret: string,
  path = '/oauth/access_token',
): Promise<Response> {
  return app.request(path, {
    method: 'POST',
    headers: {
      authorization: basicAuth(clientId, clientSecret),
      'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
    },
    body: 'grant_type=client_credentials',
  });
}

/** Installs, enables and authenticates; returns the bearer token and plugin id. */
export async function authenticatedPlugin(
  app: Hono<PlatformEnv>,
  psVersion = '25.3.0',
): Promise<{ id: number; token: string; clientId: string; clientSecret: string }> {
  const plugin = await installEnabledPlugin(app, psVersion);
  const response = await requestToken(app, plugin.clientId, plugin.clientSecret);
  const { access_token: token } = (await response.json()) as { access_token: string };
  return { ...plugin, token };
}
