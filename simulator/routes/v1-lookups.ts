/** Path ids of /ws/v1 routes and the rows they name (v1 ids are DCIDs; reference section 3). */
import type { Context } from 'hono';
import { psError } from '../http/errors.ts';
import type { RouteHandler } from '../http/route-spec.ts';
import type { District } from '../district/district.ts';
import type { SchoolRow } from '../district/schema.ts';
import type { PlatformEnv } from '../platform/index.ts';

/** Mounts a declared /ws/v1 route. */
export type MountV1 = (
  method: 'GET',
  path: string,
  ...handlers: RouteHandler<PlatformEnv>[]
) => void;

/** A 404 for an id no row has (inferred body: PowerSchool's is not public). */
export const notFound = (what: string): Error => psError(404, `Not Found: no ${what}.`);

/** A path id as a whole number, or a 404 naming what was looked for. */
export function wholeId(raw: string | undefined, what: string): number {
  if (!raw || !/^\d+$/.test(raw)) throw notFound(`${what} with id "${raw ?? ''}"`);
  return Number(raw);
}

/** The school of a /ws/v1/school/{id}/... path (id = SCHOOLS.DCID), or 404. */
export function schoolOf(c: Context, district: District): SchoolRow {
  const school = district.schoolByDcid(wholeId(c.req.param('id'), 'school'));
  if (!school) {
    throw notFound(`school with id ${c.req.param('id')} (v1 school ids are SCHOOLS.DCID)`);
  }
  return school;
}
