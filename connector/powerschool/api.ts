/**
 * Typed PowerSchool calls on top of the transport: metadata, schools, PowerQueries and the
 * attendance write endpoints. Shapes and quirks: docs/powerschool-reference.md sections 2-4.
 * Every call takes the caller's CallOptions (who journals its attempts, its abort signal).
 */
import { z } from 'zod';
import { type CallOptions, PowerSchoolError, type PowerSchoolResponse } from '../http/index.ts';
import { asArray, invalidAnswer, looseInt, optionalLooseInt, parseAnswer } from './answers.ts';
import type { PowerSchoolClient } from './client.ts';
import { readResult, readResults, type RecordResult } from './refusal.ts';

/** A guard against a server that keeps answering full pages. */
const MAX_PAGES = 10_000;

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
  call: CallOptions = {},
): Promise<DistrictMetadata> {
  const response = await client.request({
    ...call,
    method: 'GET',
    path: '/ws/v1/metadata',
    auth: false,
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

/** Lists every school of the district, page by page (100 a page unless told). */
export async function listDistrictSchools(
  client: PowerSchoolClient,
  { pageSize = 100, ...call }: CallOptions & { pageSize?: number } = {},
): Promise<PowerSchoolSchool[]> {
  const schools: PowerSchoolSchool[] = [];
  for (let page = 1; ; page += 1) {
    const response = await client.request({
      ...call,
      method: 'GET',
      path: '/ws/v1/district/school',
      query: { page, pagesize: pageSize },
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

const AttendanceRow = z.object({
  attendance_codeid: optionalLooseInt,
  att_mode_code: z.string().optional(),
  periodid: optionalLooseInt,
  ccid: optionalLooseInt,
  total_minutes: optionalLooseInt,
  schoolid: optionalLooseInt,
  att_comment: z.string().optional(),
  dcid: optionalLooseInt,
});

/** An attendance record as PowerSchool holds it now (the columns a writeback sets). */
export interface AttendanceOnDay {
  /** ATTENDANCE.ID. */
  id: number;
  attendanceCodeId?: number;
  attModeCode?: string;
  periodId?: number;
  ccid?: number;
  totalMinutes?: number;
  schoolId?: number;
  comment?: string;
  /** ATTENDANCE.DCID, when asked for (withDcid): an update of a Time record names it. */
  dcid?: number;
}

const ATTENDANCE_PROJECTION =
  'studentid,att_date,attendance_codeid,att_mode_code,periodid,ccid,total_minutes,schoolid,att_comment';

/**
 * A student's attendance records of one day, read back through the schema table API
 * (GET /ws/schema/table/attendance?q=studentid==N;att_date==YYYY-MM-DD&projection=..., the
 * reference's "existing records of a day"; the plugin's FullAccess on these columns lets it read
 * them). One page of 100: a student has a handful of records a day.
 */
export async function attendanceOnDay(
  client: PowerSchoolClient,
  studentId: number,
  date: string,
  { withDcid = false, ...call }: CallOptions & { withDcid?: boolean } = {},
): Promise<AttendanceOnDay[]> {
  const response = await client.request({
    ...call,
    method: 'GET',
    path: '/ws/schema/table/attendance',
    query: {
      q: `studentid==${studentId};att_date==${date}`,
      // DCID only when needed: a plugin installed before pswb asked FullAccess on it cannot read it.
      projection: withDcid ? `${ATTENDANCE_PROJECTION},dcid` : ATTENDANCE_PROJECTION,
      pagesize: 100,
    },
  });
  const body = response.body as { record?: unknown } | undefined;
  return asArray(body?.record).map((item) => {
    const outer = parseAnswer(
      z.object({ id: looseInt }),
      { ...response, body: item },
      'an attendance record',
    );
    const tables = (item as { tables?: { attendance?: unknown } }).tables;
    const row = parseAnswer(
      AttendanceRow,
      { ...response, body: tables?.attendance ?? {} },
      'an attendance record',
    );
    return {
      id: outer.id,
      ...(row.attendance_codeid !== undefined ? { attendanceCodeId: row.attendance_codeid } : {}),
      ...(row.att_mode_code !== undefined ? { attModeCode: row.att_mode_code } : {}),
      ...(row.periodid !== undefined ? { periodId: row.periodid } : {}),
      ...(row.ccid !== undefined ? { ccid: row.ccid } : {}),
      ...(row.total_minutes !== undefined ? { totalMinutes: row.total_minutes } : {}),
      ...(row.schoolid !== undefined ? { schoolId: row.schoolid } : {}),
      ...(row.att_comment !== undefined ? { comment: row.att_comment } : {}),
      ...(row.dcid !== undefined ? { dcid: row.dcid } : {}),
    };
  });
}

/** Paging of a PowerQuery call. */
export interface PageOptions {
  page?: number;
  pageSize?: number;
}

/** Runs a PowerQuery and returns its flattened records (one page). */
export async function runPowerQuery(
  client: PowerSchoolClient,
  name: string,
  args: Record<string, unknown>,
  { page, pageSize, ...call }: CallOptions & PageOptions = {},
): Promise<Record<string, unknown>[]> {
  const query: Record<string, number> = {};
  if (page !== undefined) query.page = page;
  if (pageSize !== undefined) query.pagesize = pageSize;
  const response = await client.request({
    ...call,
    method: 'POST',
    path: `/ws/schema/query/${name}`,
    query,
    json: args,
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
  options: CallOptions & { pageSize: number },
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
export type BatchRecordResult = RecordResult;

/**
 * POSTs Daily/Time records to batch_daily_time; resolves with one result per record, in order.
 * A record without a readable result counts as not saved, so the caller re-sends it alone.
 */
export async function postAttendanceBatch(
  client: PowerSchoolClient,
  records: AttendanceFields[],
  call: CallOptions = {},
): Promise<BatchRecordResult[]> {
  const response = await client.request({
    ...call,
    method: 'POST',
    path: BATCH_DAILY_TIME_PATH,
    json: attendanceEnvelope(records),
  });
  const results = readResults(response.body);
  return records.map((_, index) =>
    index < results.length ? results[index]! : readResult(undefined),
  );
}

/**
 * Removes one attendance record: DELETE /ws/schema/table/attendance/{id}. Inferred: PowerSchool's
 * generic DELETE is "only available to extension tables and a few core tables" (MT) and no public
 * source names ATTENDANCE among them; a refusal comes back as the PowerSchoolError it raises.
 * Resolves false when the record is already gone (404), so a retried removal is not a failure.
 */
export async function removeAttendance(
  client: PowerSchoolClient,
  id: number,
  call: CallOptions = {},
): Promise<boolean> {
  try {
    await client.request({ ...call, method: 'DELETE', path: `/ws/schema/table/attendance/${id}` });
    return true;
  } catch (error) {
    if (error instanceof PowerSchoolError && error.status === 404) return false;
    throw error;
  }
}

/** POSTs attendance records; resolves with PowerSchool's answer, throws on a refusal. */
export async function postAttendance(
  client: PowerSchoolClient,
  endpoint: AttendanceEndpoint,
  records: AttendanceFields[],
  call: CallOptions = {},
): Promise<PowerSchoolResponse> {
  const json = attendanceEnvelope(records);
  const path = ATTENDANCE_ENDPOINTS[endpoint];
  const response = await client.request({ ...call, method: 'POST', path, json });
  // A record may be reported as not saved inside a 200 (refusal.ts).
  const refused = readResults(response.body).find((result) => !result.saved);
  if (refused && !refused.saved) {
    throw new PowerSchoolError({
      code: 'bad_request',
      method: 'POST',
      url: response.url,
      status: response.status,
      statusText: 'OK',
      body: response.body,
      bodyText: response.bodyText,
      detail: refused.message,
    });
  }
  return response;
}
