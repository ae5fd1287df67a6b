/**
 * Typed PowerSchool calls on top of the transport: metadata, schools, PowerQueries and the two
 * attendance write endpoints. Shapes and quirks: docs/powerschool-reference.md sections 2-4.
 */
import { z } from 'zod';
import type {
  AttemptListener,
  PowerSchoolClient,
  PowerSchoolResponse,
} from './powerschool-client.ts';
import { PowerSchoolError } from './powerschool-error.ts';

/** A whole number that PowerSchool may send as a number or as a string. */
export const looseInt = z.union([
  z.number().int(),
  z
    .string()
    .trim()
    .regex(/^-?\d+$/)
    .transform(Number),
]);
/** Like looseInt, but null/absent/"" mean "no value". */
export const optionalLooseInt = z
  .union([looseInt, z.literal(''), z.null(), z.undefined()])
  .transform((value) => (typeof value === 'number' ? value : undefined))
  .optional();

/** A guard against a server that keeps answering full pages. */
const MAX_PAGES = 10_000;

/** v1 quirk: a collection with one item comes back as an object, not an array (GH Paginator). */
export function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

const Metadata = z.object({
  metadata: z.object({
    powerschool_version: z.string().optional(),
    district_timezone: z.string().min(1),
    plugin_id: optionalLooseInt,
    schema_table_query_max_page_size: optionalLooseInt,
    school_max_page_size: optionalLooseInt,
  }),
});

/** What /ws/v1/metadata tells the connector. */
export interface DistrictMetadata {
  powerschoolVersion: string | undefined;
  districtTimezone: string;
  pluginId: number | undefined;
  queryMaxPageSize: number | undefined;
  schoolMaxPageSize: number | undefined;
}

/** Reads GET /ws/v1/metadata (answers without a token). */
export async function getDistrictMetadata(
  client: PowerSchoolClient,
  onAttempt?: AttemptListener,
): Promise<DistrictMetadata> {
  const response = await client.request({
    method: 'GET',
    path: '/ws/v1/metadata',
    auth: false,
    onAttempt,
  });
  const meta = parseAnswer(Metadata, response, 'metadata with district_timezone').metadata;
  return {
    powerschoolVersion: meta.powerschool_version,
    districtTimezone: meta.district_timezone,
    pluginId: meta.plugin_id,
    queryMaxPageSize: meta.schema_table_query_max_page_size,
    schoolMaxPageSize: meta.school_max_page_size,
  };
}

const SchoolItem = z.object({
  id: looseInt,
  school_number: looseInt,
  name: z.string(),
  low_grade: optionalLooseInt,
  high_grade: optionalLooseInt,
});

/** A school as /ws/v1/district/school lists it: id is SCHOOLS.DCID. */
export interface PowerSchoolSchool {
  dcid: number;
  schoolNumber: number;
  name: string;
}

/** Lists every school of the district, page by page. */
export async function listDistrictSchools(
  client: PowerSchoolClient,
  pageSize = 100,
  onAttempt?: AttemptListener,
): Promise<PowerSchoolSchool[]> {
  const schools: PowerSchoolSchool[] = [];
  for (let page = 1; ; page += 1) {
    const response = await client.request({
      method: 'GET',
      path: '/ws/v1/district/school',
      query: { page, pagesize: pageSize },
      onAttempt,
    });
    const body = response.body as { schools?: { school?: unknown } | '' } | undefined;
    const container = body?.schools;
    const items = asArray(typeof container === 'object' ? container?.school : undefined);
    for (const item of items) {
      const school = parseAnswer(SchoolItem, { ...response, body: item }, 'a school');
      schools.push({ dcid: school.id, schoolNumber: school.school_number, name: school.name });
    }
    if (items.length !== pageSize || page >= MAX_PAGES) return schools;
  }
}

/** Runs a PowerQuery and returns its flattened records (one page). */
export async function runPowerQuery(
  client: PowerSchoolClient,
  name: string,
  args: Record<string, unknown>,
  options: { page?: number; pageSize?: number; onAttempt?: AttemptListener } = {},
): Promise<Record<string, unknown>[]> {
  const query: Record<string, number> = {};
  if (options.page !== undefined) query.page = options.page;
  if (options.pageSize !== undefined) query.pagesize = options.pageSize;
  const response = await client.request({
    method: 'POST',
    path: `/ws/schema/query/${name}`,
    query,
    json: args,
    onAttempt: options.onAttempt,
  });
  const body = response.body as { record?: unknown } | undefined;
  if (body === undefined || typeof body !== 'object') {
    throw invalidAnswer(response, 'a PowerQuery result with "record"', 'POST');
  }
  return asArray(body.record).filter(
    (row): row is Record<string, unknown> => typeof row === 'object' && row !== null,
  );
}

/** Runs a PowerQuery over every page (pages of pageSize until a short page). */
export async function runPowerQueryAllPages(
  client: PowerSchoolClient,
  name: string,
  args: Record<string, unknown>,
  options: { pageSize: number; onAttempt?: AttemptListener },
): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (let page = 1; ; page += 1) {
    const batch = await runPowerQuery(client, name, args, { ...options, page });
    rows.push(...batch);
    // A short page ends the list; a page larger than asked means the server ignored paging.
    if (batch.length !== options.pageSize || page >= MAX_PAGES) return rows;
  }
}

/** The two attendance write endpoints (reference section 4). */
export const ATTENDANCE_ENDPOINTS = {
  daily_time: '/ws/attendance/daily_time',
  meeting_interval: '/ws/attendance/meeting_interval',
} as const;

/** Daily/Time records in one call, since 25.3.0, at most 200 (reference section 4). */
export const BATCH_DAILY_TIME_PATH = '/ws/attendance/batch_daily_time';
/** The most records one batch_daily_time call takes. */
export const BATCH_DAILY_TIME_LIMIT = 200;
/** daily_time or meeting_interval. */
export type AttendanceEndpoint = keyof typeof ATTENDANCE_ENDPOINTS;

/** The attendance table fields of one record: strings except meeting start/end times. */
export type AttendanceFields = Record<string, string | number>;

function attendanceEnvelope(records: AttendanceFields[]): unknown {
  return {
    name: 'attendance',
    record: records.map((fields) => ({ name: 'attendance', tables: { attendance: fields } })),
  };
}

/** One record's outcome in a batch: saved, or refused with PowerSchool's words. */
export type BatchRecordResult = { saved: true } | { saved: false; message: string };

/**
 * POSTs Daily/Time records to batch_daily_time; resolves with one result per record, in order.
 * Inferred: the answer uses the v1 results envelope with one result per record (status
 * SUCCESS or ERROR with error_message.error[].error_description); a record without a readable
 * result counts as not saved, so the caller re-sends it alone.
 */
export async function postAttendanceBatch(
  client: PowerSchoolClient,
  records: AttendanceFields[],
  onAttempt?: AttemptListener,
): Promise<BatchRecordResult[]> {
  const response = await client.request({
    method: 'POST',
    path: BATCH_DAILY_TIME_PATH,
    json: attendanceEnvelope(records),
    onAttempt,
  });
  const results = asArray(
    (response.body as { results?: { result?: unknown } } | undefined)?.results?.result,
  );
  return records.map((_, index) => {
    const item = results[index] as { status?: unknown; error_message?: unknown } | undefined;
    if (typeof item?.status === 'string' && item.status.toUpperCase() === 'SUCCESS')
      return { saved: true };
    return { saved: false, message: describeRefusal(item) };
  });
}

function describeRefusal(item: { status?: unknown; error_message?: unknown } | undefined): string {
  const errors = asArray((item?.error_message as { error?: unknown } | undefined)?.error);
  const texts = errors
    .map((error) => (error as { error_description?: unknown }).error_description)
    .filter((text): text is string => typeof text === 'string');
  return texts.join(' ') || 'no result for this record';
}

/** POSTs attendance records; resolves with PowerSchool's answer, throws on a refusal. */
export async function postAttendance(
  client: PowerSchoolClient,
  endpoint: AttendanceEndpoint,
  records: AttendanceFields[],
  onAttempt?: AttemptListener,
): Promise<PowerSchoolResponse> {
  const json = attendanceEnvelope(records);
  const path = ATTENDANCE_ENDPOINTS[endpoint];
  const response = await client.request({ method: 'POST', path, json, onAttempt });
  const refusal = findRefusalInSuccess(response.body);
  if (refusal !== undefined) {
    throw new PowerSchoolError({
      code: 'bad_request',
      method: 'POST',
      url: response.url,
      status: response.status,
      statusText: 'OK',
      body: response.body,
      bodyText: response.bodyText,
      detail: refusal,
    });
  }
  return response;
}

/**
 * Inferred: the 200 body of the attendance endpoints is not public; if it uses the v1 results
 * envelope, a record may be reported as not saved inside a 200. Returns that message, if any.
 */
function findRefusalInSuccess(body: unknown): string | undefined {
  const results = (body as { results?: { result?: unknown } } | undefined)?.results;
  for (const result of asArray(results?.result)) {
    const item = result as { status?: unknown; error_message?: unknown };
    if (typeof item.status === 'string' && item.status.toUpperCase() !== 'SUCCESS') {
      const message = item.error_message as { error_description?: unknown } | string | undefined;
      if (typeof message === 'string') return message;
      return String(message?.error_description ?? item.status);
    }
  }
  return undefined;
}

function invalidAnswer(
  response: PowerSchoolResponse,
  expected: string,
  method = 'GET',
): PowerSchoolError {
  return new PowerSchoolError({
    code: 'invalid_response',
    method,
    url: response.url,
    body: response.body,
    bodyText: response.bodyText,
    detail: `expected ${expected}`,
  });
}

/** Parses an answer with a schema or throws invalid_response naming what was expected. */
export function parseAnswer<S extends z.ZodType>(
  schema: S,
  response: PowerSchoolResponse,
  expected: string,
): z.output<S> {
  const parsed = schema.safeParse(response.body);
  if (!parsed.success) throw invalidAnswer(response, expected);
  return parsed.data;
}
