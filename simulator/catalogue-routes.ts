/**
 * GET /, GET /__sim (the route index) and GET /__sim/openapi.json, and the answer for a path
 * the server has with another method (405 + Allow) or not at all (404).
 */
import { Hono, type Context } from 'hono';
import { hasFeature, FEATURE_SINCE } from '../plugin/ps-version.ts';
import { buildOpenApiDocument } from './http/openapi.ts';
import { allowedMethods, routeMounter, specsAtPath } from './http/route-spec.ts';
import { CATALOGUE_ROUTES, ROUTE_TABLE, servedRoutes } from './route-table.ts';

/** The index and OpenAPI routes as a sub-app (mount at the root). */
export function catalogueRoutes(psVersion: string): Hono {
  const app = new Hono();
  const served = servedRoutes(psVersion);
  const index = {
    name: 'pswb PowerSchool simulator',
    powerschoolVersion: psVersion,
    openapi: '/__sim/openapi.json',
    coverage: 'docs/simulator-coverage.md',
    routes: served.map(({ method, path, area, summary, source }) => ({
      method,
      path,
      area,
      summary,
      source,
    })),
  };
  // Built once: the table does not change while the server runs.
  const document = buildOpenApiDocument(served, psVersion);
  const route = routeMounter(app, '', CATALOGUE_ROUTES);
  route('GET', '/', (c) => c.json(index));
  route('GET', '/__sim', (c) => c.json(index));
  route('GET', '/__sim/openapi.json', (c) => c.json(document));
  return app;
}

/**
 * The app's notFound: 405 with Allow for a path the server has under another method, 404
 * saying when a route arrived for one a later version has, else 404. Inferred: the bodies
 * (PowerSchool's error shape; its own 404 and 405 texts are not public).
 */
export function answerUnrouted(psVersion: string): (c: Context) => Response {
  const served = servedRoutes(psVersion);
  return function answerUnroutedRequest(c) {
    const { method, path } = c.req;
    const here = specsAtPath(served, path);
    if (here.length > 0) {
      const allow = allowedMethods(here);
      c.header('Allow', allow);
      return c.json(
        { message: `Method Not Allowed: ${method} ${path} is not allowed; use ${allow}.` },
        405,
      );
    }
    const later = specsAtPath(ROUTE_TABLE, path).find(
      (spec) => spec.feature && !hasFeature(psVersion, spec.feature),
    );
    if (later?.feature) {
      return c.json(
        {
          message: `Not Found: ${path} does not exist on PowerSchool ${psVersion}; it arrived in ${FEATURE_SINCE[later.feature]}.`,
        },
        404,
      );
    }
    return c.json(
      { message: `Not Found: ${method} ${path} is not a PowerSchool endpoint this server has.` },
      404,
    );
  };
}
