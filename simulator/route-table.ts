/**
 * The route table: every route the simulator serves, in one list (decision 023). The sub-apps
 * mount their handlers from it, and it builds the OpenAPI document, the route index, the 405
 * answers and docs/simulator-coverage.md.
 */
import { z } from 'zod';
import { routesOn, type RouteSpec } from './http/route-spec.ts';
import { OAUTH_ROUTES, PLATFORM_CONTROL_ROUTES } from './platform/index.ts';
import { ATTENDANCE_ROUTES } from './routes/attendance-specs.ts';
import { SCHEMA_ROUTES } from './routes/schema-specs.ts';
import { STATE_ROUTES } from './routes/state-specs.ts';
import { V1_ROUTES } from './routes/v1-specs.ts';

/** One line of the route index. */
export const routeIndexEntry = z.strictObject({
  method: z.string(),
  path: z.string(),
  area: z.string(),
  summary: z.string(),
  source: z.string(),
});

/** GET / and GET /__sim: what this server is and every route it has. */
export const routeIndexAnswer = z.strictObject({
  name: z.string(),
  powerschoolVersion: z.string(),
  openapi: z.string(),
  coverage: z.string(),
  routes: z.array(routeIndexEntry),
});

function catalogue(path: string, summary: string, schema: z.ZodType): RouteSpec {
  return {
    method: 'GET',
    path,
    area: 'index',
    auth: 'none',
    summary,
    source: 'pswb (the simulator describes itself)',
    answers: { 200: { description: summary, schema } },
  };
}

/** The routes that describe the simulator itself. */
export const CATALOGUE_ROUTES: readonly RouteSpec[] = [
  catalogue('/', 'the route index', routeIndexAnswer),
  catalogue('/__sim', 'the route index', routeIndexAnswer),
  catalogue(
    '/__sim/openapi.json',
    'the OpenAPI 3.1 document of every route, built from the route table',
    z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }),
  ),
];

/** Every route of every version, in the order they are matched. */
export const ROUTE_TABLE: readonly RouteSpec[] = [
  ...CATALOGUE_ROUTES,
  ...OAUTH_ROUTES,
  ...V1_ROUTES,
  ...SCHEMA_ROUTES,
  ...ATTENDANCE_ROUTES,
  ...PLATFORM_CONTROL_ROUTES,
  ...STATE_ROUTES,
];

/** The routes a server of `psVersion` serves. */
export function servedRoutes(psVersion: string): RouteSpec[] {
  return routesOn(ROUTE_TABLE, psVersion);
}
