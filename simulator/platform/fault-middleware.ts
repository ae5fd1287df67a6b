/**
 * injectFaults: carries out the fault rules that match a request before any route sees it.
 * Control routes (/__sim/*) are never faulted, so a test can always clean up.
 */
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Context, MiddlewareHandler, Next } from 'hono';
import type { ContentfulStatusCode, StatusCode } from 'hono/utils/http-status';
import { bearerToken } from './auth.ts';
import type { AppliedFault } from './fault-engine.ts';
import type { FaultAction } from './fault-rules.ts';
import type { Platform, PlatformEnv } from './platform.ts';

/** Reason phrases for the default body of an injected status. */
const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Statuses whose responses must not carry a body. */
const BODILESS = new Set([204, 205, 304]);

/** Applies matching fault rules (skips /__sim/*); runs after journalRequests, before routes. */
export function injectFaults(platform: Platform): MiddlewareHandler<PlatformEnv> {
  // Not async: with no rule acting, the request goes on without a promise of this layer.
  return function applyFaultRules(c, next) {
    const path = c.req.path;
    if (path.startsWith('/__sim/') || path === '/__sim') return next();
    const applied = platform.faults.evaluate(c.req.method, path);
    if (applied.length === 0) return next();
    return applyFaults(platform, c, next, applied);
  };
}

async function applyFaults(
  platform: Platform,
  c: Context<PlatformEnv>,
  next: Next,
  applied: AppliedFault[],
): Promise<Response | void> {
  c.set('simFault', applied.map((fault) => `${fault.ruleId}:${fault.action.type}`).join(','));
  for (const fault of applied) {
    const answer = await carryOut(platform, c, fault);
    if (answer) return answer;
  }
  return next();
}

/** Does one fault; returns the response when the fault answers the request itself. */
async function carryOut(
  platform: Platform,
  c: Context<PlatformEnv>,
  fault: AppliedFault,
): Promise<Response | undefined> {
  const { action } = fault;
  switch (action.type) {
    case 'latency':
      // Real time on purpose: latency tests the client's timeouts, not the simulated calendar.
      await sleep(fault.delayMs ?? 0);
      return undefined;
    case 'revoke_token':
      revokeTokens(platform, c.req.header('authorization'));
      return undefined;
    case 'status':
      return statusResponse(action);
    case 'rate_limit':
      return rateLimitResponse(action.retryAfterSeconds);
    case 'reset':
      return resetConnection(c);
    case 'hang':
      await platform.faults.hold(c.req.raw.signal);
      return resetConnection(c);
    default:
      return assertNever(action);
  }
}

/** The token presented is revoked; with none, every token is (a server-side revocation). */
function revokeTokens(platform: Platform, authorization: string | undefined): void {
  const token = bearerToken(authorization);
  if (!token) return platform.tokens.revokeAll();
  const pluginId = platform.tokens.verify(token);
  if (pluginId !== undefined) platform.tokens.revokePlugin(pluginId);
}

function statusResponse(action: Extract<FaultAction, { type: 'status' }>): Response {
  const status = action.status as StatusCode;
  const headers = new Headers(action.headers);
  if (BODILESS.has(status)) return new Response(null, { status, headers });
  const body = action.body ?? { message: REASONS[status] ?? `HTTP ${status}` };
  if (typeof body === 'string') {
    if (!headers.has('content-type')) headers.set('content-type', 'text/plain; charset=UTF-8');
    return new Response(body, { status: status as ContentfulStatusCode, headers });
  }
  if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  return new Response(JSON.stringify(body), { status, headers });
}

/**
 * 429 + Retry-After. PSDOCS (configure-global-api-and-sif-settings) says the refusal indicates
 * "too many requests and to wait for a certain number of seconds before making another
 * request"; the text follows those words, the status code is inferred.
 */
function rateLimitResponse(retryAfterSeconds: number): Response {
  const body = {
    message: `Too many requests. Please wait ${retryAfterSeconds} seconds before making another request.`,
  };
  return new Response(JSON.stringify(body), {
    status: 429,
    headers: { 'content-type': 'application/json', 'retry-after': String(retryAfterSeconds) },
  });
}

/** Tells @hono/node-server the response was dealt with (here: the socket is gone). */
const ALREADY_SENT_HEADER = 'x-hono-already-sent';

/**
 * Drops the connection: on a real server the socket is destroyed (the client sees ECONNRESET or
 * "socket hang up"); in-process (app.request) there is no socket, so the answer is a network
 * error Response (type "error", status 0), which is how fetch models a reset. The journal
 * records status 0 either way.
 */
function resetConnection(c: Context<PlatformEnv>): Response {
  c.set('simDropped', true);
  const incoming = (c.env as { incoming?: { socket?: Socket } } | undefined)?.incoming;
  if (!incoming?.socket) return Response.error();
  incoming.socket.destroy();
  return new Response(null, { headers: { [ALREADY_SENT_HEADER]: 'true' } });
}

function assertNever(action: never): never {
  throw new Error(`Unknown fault action: ${JSON.stringify(action)}`);
}
