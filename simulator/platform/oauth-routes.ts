/**
 * POST /oauth/access_token (and with a trailing slash): client_credentials with HTTP Basic
 * client authentication, as PowerSchool clients call it (reference section 2).
 *
 * Inferred: PowerSchool's error bodies on this endpoint are not public. The simulator answers
 * them in OAuth 2.0's form (RFC 6749 section 5.2): 401 `{"error":"invalid_client",..}` for bad or
 * missing credentials and for a disabled or deleted plugin; 400 `{"error":"invalid_request"|
 * "unsupported_grant_type",..}` for a bad body.
 */
import { Hono, type Context } from 'hono';
import { PsHttpError, renderPsError } from '../http/errors.ts';
import { routeMounter } from '../http/route-spec.ts';
import type { Platform } from './platform.ts';
import { OAUTH_ROUTES } from './platform-specs.ts';
import { readBodyText, type BodyRules } from '../http/request-body.ts';

/** A token request is a few dozen bytes of form; anything near 8 KB is not one. */
const TOKEN_REQUEST_BODY: BodyRules = {
  what: 'the token request',
  maxBytes: 8 * 1024,
  accept: ['application/x-www-form-urlencoded'],
  hint: 'Send grant_type=client_credentials.',
  blankMeans: '',
  errorShape: 'oauth',
};

/** The OAuth token endpoint as a sub-app (mount at the root). */
export function oauthRoutes(platform: Platform): Hono {
  const app = new Hono();
  app.onError(renderPsError);
  const issueAccessToken = async (c: Context): Promise<Response> => {
    const plugin = authenticateClient(platform, c.req.header('authorization'));
    const grantType = await readGrantType(c);
    if (grantType !== 'client_credentials') {
      throw oauthError(
        400,
        'unsupported_grant_type',
        `grant_type "${grantType}" is not supported: use grant_type=client_credentials.`,
      );
    }
    c.header('Cache-Control', 'no-store');
    return c.json(platform.tokens.issue(plugin.id));
  };
  const route = routeMounter(app, '', OAUTH_ROUTES);
  route('POST', '/oauth/access_token', issueAccessToken);
  route('POST', '/oauth/access_token/', issueAccessToken);
  return app;
}

function authenticateClient(platform: Platform, authorization: string | undefined) {
  const credentials = parseBasicAuthorization(authorization);
  if (!credentials) {
    throw oauthError(
      401,
      'invalid_client',
      'Client authentication required: send "Authorization: Basic base64(client_id:client_secret)" with the Client ID and Client Secret from the plugin\'s Data Provider Configuration.',
    );
  }
  const plugin = platform.registry.authenticate(credentials.clientId, credentials.clientSecret);
  if (!plugin) {
    throw oauthError(
      401,
      'invalid_client',
      "Client authentication failed: the Client ID or Client Secret is wrong, or the plugin is disabled or deleted. Check the plugin's Data Provider Configuration.",
    );
  }
  return plugin;
}

/** client_id and client_secret from a Basic header (each form-urlencoded, RFC 6749 2.3.1). */
export function parseBasicAuthorization(
  authorization: string | undefined,
): { clientId: string; clientSecret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  try {
    return {
      clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      clientSecret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    };
  } catch {
    return undefined;
  }
}

async function readGrantType(c: Context): Promise<string> {
  const grantType = new URLSearchParams(await readBodyText(c, TOKEN_REQUEST_BODY)).get(
    'grant_type',
  );
  if (!grantType) {
    throw oauthError(
      400,
      'invalid_request',
      'The body has no grant_type: send grant_type=client_credentials.',
    );
  }
  return grantType;
}

/** RFC 6749 5.2: a 401 to a client that authenticated with Basic names the scheme (realm inferred). */
function oauthError(status: 400 | 401, error: string, description: string): PsHttpError {
  const headers: Record<string, string> =
    status === 401 ? { 'WWW-Authenticate': 'Basic realm="PowerSchool"' } : {};
  return new PsHttpError(status, { error, error_description: description }, headers);
}
