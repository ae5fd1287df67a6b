/**
 * A tiny PowerSchool made of MockAgent interceptors, for unit tests of the writeback pipeline:
 * token, metadata, our four PowerQueries answered from small tables, and the two attendance
 * endpoints recording what they receive. Numbers come back as strings, like a real server may.
 */
import type { MockAgent } from 'undici';
import { QUERY_NAMES } from '../../../plugin/contract.ts';
import {
  SettingsStore,
  createConnector,
  emptySettings,
  type Connector,
  type ConnectorOptions,
  type ConnectorSettings,
} from '../../../connector/index.ts';
import { BASE_URL, instantRetry, mockPowerSchool } from './mock-powerschool.ts';

export interface FakeStudent {
  id: number;
  dcid: number;
}
export interface FakePeriod {
  ccid: number;
  periodid: number;
  start_time: number;
  end_time: number;
}

export interface FakeDistrict {
  agent: MockAgent;
  pool: ReturnType<MockAgent['get']>;
  students: FakeStudent[];
  /** studentId -> periods on any date */
  periods: Map<number, FakePeriod[]>;
  posts: {
    path: string;
    body: { record: { tables: { attendance: Record<string, unknown> } }[] };
  }[];
  queries: { name: string; args: Record<string, unknown> }[];
  /** Answer the next attendance POSTs with these statuses/bodies first. */
  postFailures: { status: number; body: unknown; headers?: Record<string, string> }[];
  /** batch_daily_time calls, each with its records. */
  batches: Record<string, unknown>[][];
  /** Makes batch_daily_time refuse a record (the message), or accept it (undefined). */
  batchRefusal: (fields: Record<string, unknown>) => string | undefined;
}

const pathOf = (name: string) => (path: string) => path.startsWith(`/ws/schema/query/${name}`);

function queryAnswer(
  district: FakeDistrict,
  name: string,
  args: Record<string, unknown>,
): unknown[] {
  if (name === QUERY_NAMES.studentsByDcid) {
    const wanted = new Set((args.students_dcid as unknown[]).map(Number));
    return district.students
      .filter((student) => wanted.has(student.dcid))
      .map((student) => ({ id: String(student.id), dcid: String(student.dcid), grade_level: '3' }));
  }
  if (name === QUERY_NAMES.schoolDay) {
    return [
      {
        yearid: '36',
        termid: '3600',
        calendar_dayid: '1554',
        insession: '1',
        day_start_time: '28500',
        day_end_time: '55200',
      },
    ];
  }
  if (name === QUERY_NAMES.studentPeriods) {
    const ids = Array.isArray(args.students_id) ? args.students_id.map(Number) : [];
    return ids.flatMap((studentid) =>
      (district.periods.get(studentid) ?? []).map((period) => ({
        studentid,
        ...period,
        yearid: 36,
        calendar_dayid: 1554,
      })),
    );
  }
  return [];
}

/** Builds the fake; every interceptor persists. */
export function fakeDistrict(): FakeDistrict {
  const { agent, pool } = mockPowerSchool();
  const district: FakeDistrict = {
    agent,
    pool,
    students: [
      { id: 1001, dcid: 5001 },
      { id: 1002, dcid: 5002 },
      { id: 1003, dcid: 5003 },
    ],
    periods: new Map([
      [1003, [{ ccid: 70018, periodid: 30, start_time: 31_800, end_time: 35_100 }]],
    ]),
    posts: [],
    queries: [],
    postFailures: [],
    batches: [],
    batchRefusal: () => undefined,
  };
  pool
    .intercept({ path: '/oauth/access_token', method: 'POST' })
    .reply(200, { access_token: 'token', token_type: 'Bearer', expires_in: '1814654' })
    .persist();
  pool
    .intercept({ path: '/ws/v1/metadata', method: 'GET' })
    .reply(200, {
      metadata: {
        district_timezone: 'America/New_York',
        powerschool_version: '25.3.0',
        schema_table_query_max_page_size: '100',
      },
    })
    .persist();
  for (const name of Object.values(QUERY_NAMES)) {
    pool
      .intercept({ path: pathOf(name), method: 'POST' })
      .reply((options) => {
        const args = JSON.parse(String(options.body)) as Record<string, unknown>;
        district.queries.push({ name, args });
        return { statusCode: 200, data: { name, record: queryAnswer(district, name, args) } };
      })
      .persist();
  }
  for (const path of ['/ws/attendance/daily_time', '/ws/attendance/meeting_interval']) {
    pool
      .intercept({ path, method: 'POST' })
      .reply((options) => {
        const failure = district.postFailures.shift();
        if (failure) {
          return {
            statusCode: failure.status,
            data: JSON.stringify(failure.body),
            responseOptions: { headers: failure.headers ?? {} },
          };
        }
        district.posts.push({ path, body: JSON.parse(String(options.body)) });
        return { statusCode: 200, data: { results: { insert_count: 1 } } };
      })
      .persist();
  }
  pool
    .intercept({ path: '/ws/attendance/batch_daily_time', method: 'POST' })
    .reply((options) => {
      const body = JSON.parse(String(options.body)) as FakeDistrict['posts'][number]['body'];
      const records = body.record.map((record) => record.tables.attendance);
      district.batches.push(records);
      const result = records.map((fields) => {
        const refusal = district.batchRefusal(fields);
        if (refusal) {
          return {
            status: 'ERROR',
            error_message: {
              error: [{ field: 'att_date', error_code: 'x', error_description: refusal }],
            },
          };
        }
        return { status: 'SUCCESS', action: 'INSERT', success_message: { id: 1, ref: 'x' } };
      });
      return { statusCode: 200, data: { results: { insert_count: records.length, result } } };
    })
    .persist();
  return district;
}

/** A connector on the fake district: its settings, no waits between retries; `options` override. */
export function fakeConnector(
  district: FakeDistrict,
  options: Partial<ConnectorOptions> = {},
): Connector {
  return createConnector({
    baseUrl: BASE_URL,
    clientId: 'client-id',
    clientSecret: 'client-secret',
    dispatcher: district.agent,
    settings: fakeSettings(),
    retry: instantRetry(),
    ...options,
  });
}

/** Settings for the fake: 101 daily, 102 time, 103 meeting, codes T (late) and ED (early). */
export function fakeSettings(
  change: (settings: ConnectorSettings) => void = () => {},
): SettingsStore {
  const settings = emptySettings();
  settings.connection = {
    url: BASE_URL,
    clientId: 'client-id',
    clientSecret: 'client-secret',
    visibleStudentId: 'sis_id',
    studentIdSource: 'dcid',
  };
  settings.districtTimezone = 'America/New_York';
  const modes = { 101: 'daily', 102: 'time', 103: 'meeting' } as const;
  for (const [number, mode] of Object.entries(modes)) {
    settings.schools[number] = {
      schoolNumber: Number(number),
      name: `School ${number}`,
      enabled: true,
      mode,
    };
    settings.reasons[number] = {
      yearid: 36,
      importedAt: '2026-08-01T00:00:00Z',
      codes: [
        { id: 7, attCode: 'T', description: 'Tardy', yearid: 36 },
        { id: 9, attCode: 'ED', description: 'Early Dismissal', yearid: 36 },
      ],
      lateCheckin: ['T'],
      earlyCheckout: ['ED'],
    };
  }
  change(settings);
  return SettingsStore.inMemory(settings);
}

/** A valid event; override any part. */
export function event(
  overrides: Record<string, unknown> = {},
  student: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id: 'evt-1',
    type: 'late_checkin',
    student: { dcid: 5001, name: 'Ava Thompson', grade: '3', schoolNumber: 101, ...student },
    occurredAt: '2026-10-14T08:40:00-04:00',
    reason: 'T',
    ...overrides,
  };
}
