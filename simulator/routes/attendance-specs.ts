/**
 * The /ws/attendance routes in the route table (API-REF plugins/powerschool-api-attendance.md;
 * the success envelope is inferred from a v1 insert, reference section 4).
 */
import { z } from 'zod';
import type { RouteSpec } from '../http/route-spec.ts';

const success = z.strictObject({
  status: z.literal('SUCCESS'),
  action: z.enum(['INSERT', 'UPDATE', 'DELETE']),
  success_message: z.strictObject({ id: z.number().int(), ref: z.string() }),
});

const failure = z.strictObject({
  status: z.literal('ERROR'),
  action: z.enum(['INSERT', 'UPDATE', 'DELETE']),
  error_message: z.strictObject({
    error: z.array(
      z.strictObject({ field: z.string(), error_code: z.string(), error_description: z.string() }),
    ),
  }),
});

/** The 200 body of every attendance write. */
export const attendanceResultsAnswer = z.strictObject({
  results: z.strictObject({
    insert_count: z.number().int(),
    update_count: z.number().int(),
    delete_count: z.number().int(),
    error_count: z.number().int().optional(),
    result: z.array(z.union([success, failure])),
  }),
});

/** A write's request body (API-REF: values are strings; a meeting's start/end are integers). */
export const attendanceBodySchema = z.object({
  name: z.string().optional(),
  record: z.array(
    z.object({
      name: z.string().optional(),
      tables: z.object({ attendance: z.record(z.string(), z.union([z.string(), z.number()])) }),
    }),
  ),
});

const ATTENDANCE_REF = 'API-REF plugins/powerschool-api-attendance.md';

function write(path: string, summary: string, extra: Partial<RouteSpec> = {}): RouteSpec {
  return {
    method: 'POST',
    path,
    area: 'attendance',
    auth: 'bearer',
    summary,
    source: `${ATTENDANCE_REF} POST ${path}; SEED for the error texts; the 200 envelope inferred`,
    body: {
      mediaTypes: ['application/json'],
      schema: attendanceBodySchema,
      description:
        '{"name":"attendance","record":[{"name":"attendance","tables":{"attendance":{...}}}]}',
    },
    answers: {
      200: { description: 'The records inserted or updated.', schema: attendanceResultsAnswer },
    },
    ...extra,
  };
}

/** Every /ws/attendance route. */
export const ATTENDANCE_ROUTES: readonly RouteSpec[] = [
  write('/ws/attendance/daily_time', 'create or update one Daily or Time record (9.0.0+)'),
  write(
    '/ws/attendance/meeting_interval',
    'create or update Meeting or Interval records of one student and day (9.0.0+)',
  ),
  write(
    '/ws/attendance/batch_daily_time',
    'create or update up to 200 Daily or Time records (25.3.0+)',
    {
      feature: 'batchDailyTime',
    },
  ),
];
