/**
 * The route table's entries: every route the simulator serves is declared once, with where its
 * behaviour comes from and the zod schema of each answer. The declarations mount the handlers,
 * build the OpenAPI document (/__sim/openapi.json), the route index (GET /, GET /__sim), the 405
 * answers with their Allow header, and docs/simulator-coverage.md (decision 023).
 */
import type { Env, Handler, Hono, MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import { hasFeature, type PsFeature } from '../../plugin/ps-version.ts';
import { refuseUnreadBody } from './request-body.ts';

/** HTTP methods the simulator's routes use. */
export const ROUTE_METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;
export type RouteMethod = (typeof ROUTE_METHODS)[number];

/** What part of the simulated server a route belongs to (the OpenAPI tags). */
export const ROUTE_AREAS = [
  'index',
  'oauth',
  'v1',
  'schema-table',
  'powerquery',
  'attendance',
  'control',
] as const;
export type RouteArea = (typeof ROUTE_AREAS)[number];

/** One documented answer of a route. */
export interface RouteAnswer {
  description: string;
  schema: z.ZodType;
  /** Headers the answer carries, by name: what each says. */
  headers?: Record<string, string>;
}

/** One query parameter a route reads. */
export interface RouteParameter {
  description: string;
  /** Default: a string. */
  schema?: z.ZodType;
}

/** One route: what it is, where its behaviour comes from, what it takes and answers. */
export interface RouteSpec {
  method: RouteMethod;
  /** The full path in Hono's form: /ws/v1/student/:id. */
  path: string;
  area: RouteArea;
  summary: string;
  /** Where the behaviour comes from: a public reference or client (with its path), or "inferred". */
  source: string;
  /** The route exists only on versions that have this feature (404 before). */
  feature?: PsFeature;
  /** Who may call it: no token, a bearer token, HTTP Basic client credentials, or control. */
  auth: 'none' | 'bearer' | 'basic' | 'control';
  query?: Record<string, RouteParameter>;
  body?: { mediaTypes: readonly string[]; schema: z.ZodType; description: string };
  /** Answers by status; every other status answers in one of the error shapes. */
  answers: Partial<Record<number, RouteAnswer>>;
}

/** The routes a server of `psVersion` has. */
export function routesOn(specs: readonly RouteSpec[], psVersion: string): RouteSpec[] {
  return specs.filter((spec) => !spec.feature || hasFeature(psVersion, spec.feature));
}

/**
 * Mounts a declared route on a sub-app mounted at `prefix` (its path is the spec's path after
 * the prefix), so the handler and the declaration cannot name different paths.
 */
export function mountRoute<E extends Env>(
  app: Hono<E>,
  prefix: string,
  spec: RouteSpec,
  ...handlers: RouteHandler<E>[]
): void {
  if (!spec.path.startsWith(prefix)) {
    throw new Error(`route ${spec.method} ${spec.path} is not under the sub-app prefix ${prefix}`);
  }
  // Hono's typed overloads cannot take a list of handlers of a union type; the call is the same.
  const on = app.on.bind(app) as unknown as (
    method: string,
    path: string,
    ...mounted: RouteHandler<E>[]
  ) => void;
  // A control route that changes state without reading a body still has a limit (decision 023).
  const guard =
    spec.auth === 'control' && !spec.body && spec.method !== 'GET'
      ? [refuseUnreadBody(`${spec.method} ${spec.path}`) as RouteHandler<E>]
      : [];
  on(spec.method, spec.path.slice(prefix.length) || '/', ...guard, ...handlers);
}

/** A handler or middleware mounted on a declared route. */
export type RouteHandler<E extends Env> = Handler<E> | MiddlewareHandler<E>;

/**
 * A mount function for one sub-app: `route('GET', '/__sim/plugins/:id', handler)` mounts the
 * handler on the table's entry for that method and path, and throws at start-up when the table
 * has none (a route cannot be served undeclared).
 */
export function routeMounter<E extends Env>(
  app: Hono<E>,
  prefix: string,
  specs: readonly RouteSpec[],
): (method: RouteMethod, path: string, ...handlers: RouteHandler<E>[]) => void {
  return (method, path, ...handlers) => {
    const spec = specs.find((entry) => entry.method === method && entry.path === path);
    if (!spec) throw new Error(`the route table has no entry for ${method} ${path}`);
    mountRoute(app, prefix, spec, ...handlers);
  };
}

/** A route's path as a regular expression (`:name` is one path segment). */
export function pathPattern(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) =>
      segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${source}/?$`);
}

/** The specs whose path matches a request path, whatever their method. */
export function specsAtPath(specs: readonly RouteSpec[], path: string): RouteSpec[] {
  return specs.filter((spec) => pathPattern(spec.path).test(path));
}

/** The Allow header for a path: its methods, with HEAD beside GET (Hono answers HEAD with GET). */
export function allowedMethods(specs: readonly RouteSpec[]): string {
  const methods = new Set<string>();
  for (const spec of specs) {
    methods.add(spec.method);
    if (spec.method === 'GET') methods.add('HEAD');
  }
  return [...methods].join(', ');
}
