/**
 * Bearer authentication and the 25.2.0.0 v1 access-level gate (reference section 2).
 * The 401 bodies for token problems are not public: `{"message": ...}` is inferred.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { hasFeature } from '../../plugin/ps-version.ts';
import { PsHttpError } from '../http/errors.ts';
import type { InstalledPlugin, SimEnv } from '../sim-env.ts';
import type { Platform } from './platform.ts';

/** The 25.2-era field report's exact 401 for a plugin whose v1 access level is NONE. */
export const V1_ACCESS_DENIED_BODY = {
  errorMessage: { message: 'Plugin is missing required accessLevelV1Api READ permission' },
} as const;

/**
 * WWW-Authenticate on a bearer 401, in the form a public client's test records for an expired
 * token (GH tests/PowerSchoolTest.php); the description for a missing token is inferred.
 */
export const BEARER_CHALLENGE = {
  missing: 'Bearer realm="PowerSchool"',
  invalid:
    'Bearer error="invalid_token",realm="PowerSchool",error_description="The access token is invalid or has expired"',
} as const;

/** /ws/v1 routes that answer without a token and are never gated (reference section 2). */
const OPEN_V1_PATHS: ReadonlySet<string> = new Set([
  '/ws/v1/metadata',
  '/ws/v1/metadata/',
  '/ws/v1/time',
  '/ws/v1/time/',
]);

/** The bearer token in an Authorization header, or undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}

/**
 * The enabled plugin behind an Authorization header, or undefined (no token, unknown, expired,
 * or its plugin disabled or deleted). For routes such as /ws/v1/metadata that answer either way.
 */
export function identifyPlugin(
  platform: Platform,
  authorization: string | undefined,
): InstalledPlugin | undefined {
  const token = bearerToken(authorization);
  if (!token) return undefined;
  const pluginId = platform.tokens.verify(token);
  if (pluginId === undefined) return undefined;
  const plugin = platform.registry.get(pluginId);
  return plugin?.enabled && plugin.definition.oauth ? plugin : undefined;
}

/** Requires a valid bearer token of an enabled plugin; sets c.get('plugin'), else 401. */
export function requireBearer(platform: Platform): MiddlewareHandler<SimEnv> {
  return function authenticateBearer(c, next) {
    authenticateRequest(platform, c);
    return next();
  };
}

/**
 * requireBearer's check, for a handler that runs it in line: the plugin behind the request's
 * bearer token (also set as c.get('plugin')), else a 401.
 */
export function authenticateRequest(platform: Platform, c: Context<SimEnv>): InstalledPlugin {
  const authorization = c.req.header('authorization');
  if (!bearerToken(authorization)) {
    throw new PsHttpError(
      401,
      {
        message:
          'Authentication required: send "Authorization: Bearer <access token>"; get a token from POST /oauth/access_token.',
      },
      { 'WWW-Authenticate': BEARER_CHALLENGE.missing },
    );
  }
  const plugin = identifyPlugin(platform, authorization);
  if (!plugin) {
    throw new PsHttpError(
      401,
      {
        message:
          'Invalid access token: it is unknown, expired or revoked, or its plugin is disabled or deleted. Get a new one from POST /oauth/access_token.',
      },
      { 'WWW-Authenticate': BEARER_CHALLENGE.invalid },
    );
  }
  c.set('plugin', plugin);
  return plugin;
}

/**
 * On 25.2.0.0+, refuses /ws/v1 calls (except metadata and time) from a plugin whose "Access
 * Level for v1 APIs" is NONE, with the field report's 401. READ and FULL pass: the simulator's
 * v1 routes are reads. Runs after requireBearer. Before 25.2.0.0 it lets every call through.
 */
export function requireV1Access(platform: Platform): MiddlewareHandler<SimEnv> {
  const gated = hasFeature(platform.psVersion, 'v1AccessLevel');
  return function checkV1AccessLevel(c, next) {
    if (gated && !OPEN_V1_PATHS.has(c.req.path)) {
      const plugin = c.get('plugin') as InstalledPlugin | undefined;
      if (!plugin) {
        throw new Error('requireV1Access runs after requireBearer: no plugin on this request.');
      }
      if (plugin.v1AccessLevel === 'NONE') {
        throw new PsHttpError(401, V1_ACCESS_DENIED_BODY, {
          'WWW-Authenticate': BEARER_CHALLENGE.missing,
        });
      }
    }
    return next();
  };
}
