/**
 * /ws/attendance: daily_time and meeting_interval (9.0.0+), batch_daily_time (25.3.0+; 404
 * before, the endpoint does not exist there). Order: bearer (401) -> content type (415) -> JSON
 * (400) -> FullAccess on the fields written (403) -> payload and data rules (400) -> save.
 */
import { Hono, type Context } from 'hono';
import { hasFeature } from '../../plugin/ps-version.ts';
import { psError } from '../http-errors.ts';
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
import { readJsonBody, requireJsonContent } from './request-body.ts';

/** The server's own address, for the URIs in the results (`ref`). */
function baseUrlOf(c: Context): string {
  return new URL(c.req.url).origin;
}

/** The /ws/attendance sub-app (mount at /ws/attendance). */
export function attendanceRoutes(platform: Platform, district: District): Hono<PlatformEnv> {
  const app = new Hono<PlatformEnv>();
  const endpoints: AttendanceEndpoint[] = ['daily_time', 'meeting_interval'];
  if (hasFeature(platform.psVersion, 'batchDailyTime')) endpoints.push('batch_daily_time');
  else {
    app.all('/batch_daily_time', () => {
      throw psError(
        404,
        `Not Found: /ws/attendance/batch_daily_time does not exist on PowerSchool ${platform.psVersion}; it arrived in 25.3.0. Use /ws/attendance/daily_time.`,
      );
    });
  }
  app.use('*', requireBearer(platform), requireJsonContent());
  for (const endpoint of endpoints) {
    app.post(`/${endpoint}`, async (c) => {
      const body = await readJsonBody(c);
      assertWriteAccess(
        c.var.plugin,
        'ATTENDANCE',
        writtenAttendanceColumns(attendanceFieldMaps(body)),
      );
      return c.json(writeAttendance(district, endpoint, body, baseUrlOf(c)));
    });
  }
  return app;
}
