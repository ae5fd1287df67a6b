/**
 * /ws/attendance: daily_time and meeting_interval (9.0.0+), batch_daily_time (25.3.0+; 404
 * before, the endpoint does not exist there). Order: bearer (401) -> content type (415) -> JSON
 * (400) -> FullAccess on the fields written (403) -> payload and data rules (400) -> save.
 */
import { Hono } from 'hono';
import {
  attendanceFieldMaps,
  writtenAttendanceColumns,
  type AttendanceEndpoint,
} from '../district/attendance-payload.ts';
import { writeAttendance } from '../district/attendance-writes.ts';
import type { District } from '../district/district.ts';
import {
  assertWriteAccess,
  requireBearer,
  type Platform,
  type PlatformEnv,
} from '../platform/index.ts';
import type { InstalledPlugin } from '../sim-env.ts';
import { routeMounter, routesOn } from '../http/route-spec.ts';
import { ATTENDANCE_ROUTES } from './attendance-specs.ts';
import { MAX_API_BODY_BYTES, readJsonBody, type BodyRules } from '../http/request-body.ts';

/** An attendance write: PowerSchool's `{"name":"attendance","record":[...]}` as JSON. */
const ATTENDANCE_BODY: BodyRules = {
  what: 'an attendance write',
  maxBytes: MAX_API_BODY_BYTES,
  accept: 'json',
  hint: 'Send {"name":"attendance","record":[{"name":"attendance","tables":{"attendance":{...}}}]}; fewer records per call when it is too large.',
};

/** FullAccess on every ATTENDANCE column the body sets (403 otherwise, naming each one). */
function assertAttendanceWriteAccess(plugin: InstalledPlugin, body: unknown): void {
  assertWriteAccess(plugin, 'ATTENDANCE', writtenAttendanceColumns(attendanceFieldMaps(body)));
}

/** The /ws/attendance sub-app (mount at /ws/attendance). */
export function attendanceRoutes(platform: Platform, district: District): Hono<PlatformEnv> {
  const app = new Hono<PlatformEnv>();
  app.use('*', requireBearer(platform));
  const served = routesOn(ATTENDANCE_ROUTES, platform.psVersion);
  const route = routeMounter(app, '/ws/attendance', served);
  for (const { path } of served) {
    const endpoint = path.slice('/ws/attendance/'.length) as AttendanceEndpoint;
    route('POST', path, async (c) => {
      const body = await readJsonBody(c, ATTENDANCE_BODY);
      assertAttendanceWriteAccess(c.get('plugin'), body);
      // The records' URIs (`ref`) name this server, as PowerSchool's name itself.
      const results = writeAttendance(district, endpoint, body, new URL(c.req.url).origin);
      return c.json(results);
    });
  }
  return app;
}
