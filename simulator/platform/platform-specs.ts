/**
 * The platform's routes in the route table: the OAuth token endpoint and the /__sim control
 * routes for plugins, faults, the journal and the clock (simulator-platform.md).
 */
import { z } from 'zod';
import { V1_ACCESS_LEVELS } from '../../plugin/definition.ts';
import { oauthErrorAnswer } from '../http/answers.ts';
import type { RouteSpec } from '../http/route-spec.ts';

const tokenAnswer = z.strictObject({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.string().regex(/^\d+$/),
});

const TOKEN: Omit<RouteSpec, 'path'> = {
  method: 'POST',
  area: 'oauth',
  auth: 'basic',
  summary:
    'client_credentials token for an enabled <oauth/> plugin; the same token until it expires',
  source:
    'reference section 2 (GH src/Request.php, PSU PS_API_NOTES.md); error bodies inferred (RFC 6749)',
  body: {
    mediaTypes: ['application/x-www-form-urlencoded'],
    schema: z.object({ grant_type: z.literal('client_credentials') }),
    description: 'grant_type=client_credentials, with Authorization: Basic base64(id:secret)',
  },
  answers: {
    200: { description: 'The token; expires_in is a string of seconds.', schema: tokenAnswer },
    400: { description: 'Not a form body, or no/other grant_type.', schema: oauthErrorAnswer },
    401: {
      description: 'Wrong or missing client credentials, or the plugin is disabled.',
      schema: oauthErrorAnswer,
      headers: { 'WWW-Authenticate': 'Basic realm="PowerSchool" (inferred, RFC 6749 5.2)' },
    },
  },
};

/** POST /oauth/access_token, with and without the trailing slash clients use. */
export const OAUTH_ROUTES: readonly RouteSpec[] = [
  { ...TOKEN, path: '/oauth/access_token' },
  { ...TOKEN, path: '/oauth/access_token/' },
];

const v1Level = z.enum(V1_ACCESS_LEVELS).nullable();

const pluginAnswer = z.strictObject({
  id: z.number().int(),
  name: z.string(),
  version: z.string(),
  description: z.string(),
  enabled: z.boolean(),
  installedAt: z.string(),
  oauth: z.boolean(),
  accessLevelV1Api: v1Level,
  clientId: z.string().nullable(),
  accessRequest: z.array(
    z.strictObject({
      table: z.string(),
      field: z.string(),
      access: z.enum(['ViewOnly', 'FullAccess']),
    }),
  ),
  queries: z.array(z.string()),
});

const dataProviderAnswer = z.strictObject({
  pluginId: z.number().int(),
  clientId: z.string(),
  clientSecret: z.string(),
  accessLevelV1Api: v1Level,
});

const faultRuleAnswer = z.looseObject({
  id: z.string(),
  method: z.string(),
  path: z.string(),
  matched: z.number().int(),
  hits: z.number().int(),
  exhausted: z.boolean(),
});

const journalEntryAnswer = z.strictObject({
  at: z.string(),
  method: z.string(),
  path: z.string(),
  query: z.string(),
  status: z.number().int(),
  durationMs: z.number(),
  pluginId: z.number().int().optional(),
  fault: z.string().optional(),
});

const clockAnswer = z.strictObject({
  now: z.string(),
  frozen: z.boolean(),
  offsetMs: z.number(),
});

/** A control route: no token, never faulted, never journaled. */
function control(
  method: RouteSpec['method'],
  path: string,
  summary: string,
  answers: RouteSpec['answers'],
  body?: RouteSpec['body'],
): RouteSpec {
  return {
    method,
    path,
    area: 'control',
    auth: 'control',
    summary,
    source: 'pswb control route (simulator-platform.md)',
    answers,
    ...(body ? { body } : {}),
  };
}

const ok = (description: string, schema: z.ZodType): RouteSpec['answers'] => ({
  200: { description, schema },
});

const pluginsAnswer = z.strictObject({ plugins: z.array(pluginAnswer) });

/** /__sim/plugins: Plugin Configuration as HTTP. */
const PLUGIN_ROUTES: readonly RouteSpec[] = [
  control(
    'GET',
    '/__sim/plugins',
    'installed plugins (no secrets)',
    ok('The plugins.', pluginsAnswer),
  ),
  control(
    'POST',
    '/__sim/plugins',
    'install a bundle (disabled), validated with the installer rules',
    { 201: { description: 'The installed plugin.', schema: pluginAnswer } },
    {
      mediaTypes: ['application/zip', 'application/xml'],
      schema: z.string(),
      description: 'The raw bytes of the plugin .zip or of plugin.xml (at most 20 MB).',
    },
  ),
  control('GET', '/__sim/plugins/:id', 'one plugin', ok('The plugin.', pluginAnswer)),
  control(
    'DELETE',
    '/__sim/plugins/:id',
    'delete a plugin (its tokens stop working)',
    ok('What was deleted.', z.strictObject({ deleted: z.number().int(), name: z.string() })),
  ),
  control(
    'POST',
    '/__sim/plugins/:id/enable',
    'enable (first enable creates credentials)',
    ok('The plugin.', pluginAnswer),
  ),
  control(
    'POST',
    '/__sim/plugins/:id/disable',
    'disable (revokes its tokens)',
    ok('The plugin.', pluginAnswer),
  ),
  control(
    'GET',
    '/__sim/plugins/:id/data-provider',
    'Data Provider Configuration: client id, secret, v1 access level',
    ok('The page.', dataProviderAnswer),
  ),
  control(
    'PUT',
    '/__sim/plugins/:id/data-provider',
    'change "Access Level for v1 APIs" (25.2.0.0+)',
    ok('The page.', dataProviderAnswer),
    {
      mediaTypes: ['application/json'],
      schema: z.strictObject({ accessLevelV1Api: z.enum(V1_ACCESS_LEVELS) }),
      description: 'The new level.',
    },
  ),
  control(
    'POST',
    '/__sim/plugins/:id/regenerate',
    'Regenerate Client ID and Secret (21.11.2.0+)',
    ok('The page with new credentials.', dataProviderAnswer),
  ),
];

const ruleListAnswer = z.strictObject({ rules: z.array(faultRuleAnswer) });

/** /__sim/faults, /__sim/journal, /__sim/clock. */
const SERVICE_ROUTES: readonly RouteSpec[] = [
  control(
    'GET',
    '/__sim/faults',
    'fault rules with their counters',
    ok('The rules.', z.strictObject({ rules: z.array(faultRuleAnswer), hung: z.number().int() })),
  ),
  control(
    'POST',
    '/__sim/faults',
    'add fault rules (JSON rule or list, or text/plain compact lines)',
    { 201: { description: 'The rules added.', schema: ruleListAnswer } },
    {
      mediaTypes: ['application/json', 'text/plain'],
      schema: z.union([
        z.looseObject({ path: z.string() }),
        z.array(z.looseObject({ path: z.string() })),
        z.string(),
      ]),
      description: 'One rule, a list of rules, or lines of the compact form.',
    },
  ),
  control(
    'DELETE',
    '/__sim/faults',
    'remove every rule',
    ok('How many.', z.strictObject({ removed: z.number().int() })),
  ),
  control(
    'DELETE',
    '/__sim/faults/:id',
    'remove one rule',
    ok('The rule removed.', z.strictObject({ removed: z.literal(1), id: z.string() })),
  ),
  control(
    'GET',
    '/__sim/journal',
    'the request journal, newest first, without secrets',
    ok(
      'The entries.',
      z.strictObject({
        entries: z.array(journalEntryAnswer),
        size: z.number().int(),
        capacity: z.number().int(),
      }),
    ),
  ),
  control(
    'DELETE',
    '/__sim/journal',
    'clear the journal',
    ok('How many.', z.strictObject({ cleared: z.number().int() })),
  ),
  control('GET', '/__sim/clock', 'the simulator clock', ok('The clock.', clockAnswer)),
  ...(['PUT', 'POST'] as const).map((method) =>
    control(method, '/__sim/clock', 'pin or advance the clock', ok('The clock.', clockAnswer), {
      mediaTypes: ['application/json'],
      schema: z.union([
        z.strictObject({ now: z.string(), frozen: z.boolean().optional() }),
        z.strictObject({ advanceSeconds: z.number() }),
      ]),
      description: '{"now": ISO instant, "frozen"?} or {"advanceSeconds": N}.',
    }),
  ),
  control('DELETE', '/__sim/clock', 'real time again', ok('The clock.', clockAnswer)),
];

/** Every control route of the platform. */
export const PLATFORM_CONTROL_ROUTES: readonly RouteSpec[] = [...PLUGIN_ROUTES, ...SERVICE_ROUTES];
