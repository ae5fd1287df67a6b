/**
 * /ws/attendance: daily_time and meeting_interval (9.0.0+), batch_daily_time (25.3.0+; 404
 * before, the endpoint does not exist there). Order: bearer (401) -> content type (415) -> JSON
 * (400) -> FullAccess on the fields written (403) -> payload and data rules (400) -> save.
 */
import { Hono, type Context } from 'hono';
import {
  WRITABLE_ATTENDANCE_FIELDS,
  attendanceFieldMaps,
  setsOnlyGrantedColumns,
  writtenAttendanceColumns,
  type AttendanceEndpoint,
} from '../district/attendance-payload.ts';
import { attendanceResultsJson, writeAttendance } from '../district/attendance-writes.ts';
import type { District } from '../district/district.ts';
import {
  assertWriteAccess,
  authenticateRequest,
  fullAccessFields,
  type Platform,
  type PlatformEnv,
} from '../platform/index.ts';
import type { InstalledPlugin } from '../sim-env.ts';
import { routeMounter, routesOn } from '../http/route-spec.ts';
import { ATTENDANCE_ROUTES } from './attendance-specs.ts';
import {
  MAX_API_BODY_BYTES,
  assertContentType,
  readJsonBody,
  type BodyRules,
} from '../http/request-body.ts';

/** An attendance write: PowerSchool's `{"name":"attendance","record":[...]}` as JSON. */
const ATTENDANCE_BODY: BodyRules = {
  what: 'an attendance write',
  maxBytes: MAX_API_BODY_BYTES,
  accept: 'json',
  hint: 'Send {"name":"attendance","record":[{"name":"attendance","tables":{"attendance":{...}}}]}; fewer records per call when it is too large.',
};

/**
 * The server's own address, for the URIs in the results (`ref`): the request URL up to its
 * path. The URL is already normalised (by @hono/node-server or by Request), so slicing gives
 * what `new URL(url).origin` gives, without parsing it again on every write; a URL with user
 * info or another scheme is still parsed.
 */
function baseUrlOf(c: Context): string {
  const url = c.req.url;
  const authorityStart = url.indexOf('://') + 3;
  const pathStart = url.indexOf('/', authorityStart);
  const authorityEnd = pathStart === -1 ? url.length : pathStart;
  const plain = url.startsWith('http') && url.lastIndexOf('@', authorityEnd) < authorityStart;
  return plain ? url.slice(0, authorityEnd) : new URL(url).origin;
}

/** FullAccess on every ATTENDANCE column the body sets (403 otherwise, naming each one). */
function assertAttendanceWriteAccess(plugin: InstalledPlugin, body: unknown): void {
  const fieldMaps = attendanceFieldMaps(body);
  const granted = fullAccessFields(plugin, 'ATTENDANCE', WRITABLE_ATTENDANCE_FIELDS);
  if (setsOnlyGrantedColumns(fieldMaps, granted)) return;
  assertWriteAccess(plugin, 'ATTENDANCE', writtenAttendanceColumns(fieldMaps));
}

/** The /ws/attendance sub-app (mount at /ws/attendance). */
export function attendanceRoutes(platform: Platform, district: District): Hono<PlatformEnv> {
  const app = new Hono<PlatformEnv>();
  const served = routesOn(ATTENDANCE_ROUTES, platform.psVersion);
  const route = routeMounter(app, '/ws/attendance', served);
  // The endpoints check the bearer token and the content type themselves, in the order the
  // guard below does: as middleware they were two more layers on every write.
  const guard = (c: Context<PlatformEnv>): InstalledPlugin => {
    const plugin = authenticateRequest(platform, c);
    if (c.req.method === 'POST') assertContentType(c, ATTENDANCE_BODY);
    return plugin;
  };
  for (const { path } of served) {
    const endpoint = path.slice('/ws/attendance/'.length) as AttendanceEndpoint;
    route('POST', path, async (c) => {
      const plugin = guard(c);
      const body = await readJsonBody(c, ATTENDANCE_BODY);
      assertAttendanceWriteAccess(plugin, body);
      const results = writeAttendance(district, endpoint, body, baseUrlOf(c));
      // The header c.json sets, in a new object each time: @hono/node-server adds
      // Content-Length to the object it is handed.
      return c.body(attendanceResultsJson(results), 200, { 'Content-Type': 'application/json' });
    });
  }
  // Registered after the endpoints, so it runs only where no endpoint answered: every other
  // path and method under /ws/attendance gets 401, then 415, then 404, as before.
  app.use('*', function guardAttendanceRequest(c, next) {
    guard(c);
    return next();
  });
  return app;
}
