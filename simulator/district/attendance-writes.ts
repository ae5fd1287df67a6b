/**
 * Attendance writes end to end, after authentication and write access: envelope -> every rule
 * of attendance-validation.ts -> create-or-update -> PowerSchool's results envelope.
 * Inferred envelope (reference section 4, from a v1 insert): `{"results":{"insert_count",
 * "update_count","delete_count","result":[{"status":"SUCCESS","action","success_message":
 * {"id","ref"}}]}}`; `ref` is the record's URI under /ws/schema/table/attendance.
 */
import { psError } from '../http/errors.ts';
import type { District } from './district.ts';
import {
  problemToError,
  readAttendanceEnvelope,
  type AttendanceEndpoint,
  type AttendanceProblem,
} from './attendance-payload.ts';
import { validateAttendanceRecord, type ValidAttendance } from './attendance-validation.ts';

/** One record's outcome in the results envelope. */
export type AttendanceResult =
  | {
      status: 'SUCCESS';
      action: 'INSERT' | 'UPDATE' | 'DELETE';
      success_message: { id: number; ref: string };
    }
  | {
      status: 'ERROR';
      action: 'INSERT';
      error_message: { error: { field: string; error_code: string; error_description: string }[] };
    };

/** The 200 body of every attendance write. */
export interface AttendanceResults {
  results: {
    insert_count: number;
    update_count: number;
    delete_count: number;
    /** Inferred: failed batch records, counted apart from inserts and updates. */
    error_count?: number;
    result: AttendanceResult[];
  };
}

const isProblem = (value: ValidAttendance | AttendanceProblem): value is AttendanceProblem =>
  'message' in value;

function save(district: District, valid: ValidAttendance, baseUrl: string): AttendanceResult {
  const saved = district.saveAttendance(valid.values, valid.time, valid.dcid);
  return {
    status: 'SUCCESS',
    action: saved.action,
    success_message: {
      id: saved.row.id,
      ref: `${baseUrl}/ws/schema/table/attendance/${saved.row.id}`,
    },
  };
}

function envelope(result: AttendanceResult[], withErrors: boolean): AttendanceResults {
  let inserts = 0;
  let updates = 0;
  let deletes = 0;
  let errors = 0;
  for (const outcome of result) {
    if (outcome.status === 'ERROR') errors += 1;
    else if (outcome.action === 'INSERT') inserts += 1;
    else if (outcome.action === 'DELETE') deletes += 1;
    else updates += 1;
  }
  if (!withErrors) {
    return {
      results: { insert_count: inserts, update_count: updates, delete_count: deletes, result },
    };
  }
  return {
    results: {
      insert_count: inserts,
      update_count: updates,
      delete_count: deletes,
      error_count: errors,
      result,
    },
  };
}

/**
 * Validates and saves the body's records. daily_time and meeting_interval are all-or-nothing and
 * answer the first problem as a 400; batch_daily_time answers each record's outcome.
 */
export function writeAttendance(
  district: District,
  endpoint: AttendanceEndpoint,
  body: unknown,
  baseUrl: string,
): AttendanceResults {
  const records = readAttendanceEnvelope(body, endpoint);
  if (endpoint === 'batch_daily_time') {
    const result = records.map((fields): AttendanceResult => {
      const outcome = validateAttendanceRecord(district, fields, endpoint);
      if (!isProblem(outcome)) return save(district, outcome, baseUrl);
      return {
        status: 'ERROR',
        action: 'INSERT',
        error_message: {
          error: [
            {
              field: outcome.field ?? '',
              error_code: outcome.code,
              error_description: outcome.message,
            },
          ],
        },
      };
    });
    return envelope(result, true);
  }
  const valid = records.map((fields) => {
    const outcome = validateAttendanceRecord(district, fields, endpoint);
    if (isProblem(outcome)) throw problemToError(outcome);
    return outcome;
  });
  if (endpoint === 'meeting_interval') assertOneStudentOneDay(valid);
  return envelope(
    valid.map((record) => save(district, record, baseUrl)),
    false,
  );
}

/** API-REF: meeting_interval records "must all be for a single student for a single day". */
function assertOneStudentOneDay(records: ValidAttendance[]): void {
  const first = records[0]?.values;
  const mixed = records.some(
    ({ values }) => values.studentid !== first?.studentid || values.att_date !== first.att_date,
  );
  if (mixed) {
    throw psError(
      400,
      'Invalid payload structure: every record sent to /ws/attendance/meeting_interval must be for one student on one day. Send one call per student and day.',
      [{ resource: 'attendance', field: 'record', code: 'MixedRecords' }],
    );
  }
}
