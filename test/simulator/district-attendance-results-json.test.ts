import { describe, expect, it } from 'vitest';
import {
  attendanceResultsJson,
  type AttendanceResult,
  type AttendanceResults,
} from '../../simulator/district/attendance-writes.ts';

const success = (action: 'INSERT' | 'UPDATE', id: number, ref: string): AttendanceResult => ({
  status: 'SUCCESS',
  action,
  success_message: { id, ref },
});

const failure = (field: string, description: string): AttendanceResult => ({
  status: 'ERROR',
  action: 'INSERT',
  error_message: { error: [{ field, error_code: 'NotEnrolled', error_description: description }] },
});

const cases: { name: string; results: AttendanceResults }[] = [
  {
    name: 'one inserted meeting record',
    results: {
      results: {
        insert_count: 1,
        update_count: 0,
        delete_count: 0,
        result: [success('INSERT', 17, 'http://127.0.0.1:41234/ws/schema/table/attendance/17')],
      },
    },
  },
  {
    name: 'one updated record',
    results: {
      results: {
        insert_count: 0,
        update_count: 1,
        delete_count: 0,
        result: [success('UPDATE', 5, 'http://localhost/ws/schema/table/attendance/5')],
      },
    },
  },
  {
    name: 'a batch with failures and an error count',
    results: {
      results: {
        insert_count: 1,
        update_count: 1,
        delete_count: 0,
        error_count: 2,
        result: [
          success('INSERT', 8, 'http://[::1]:8080/ws/schema/table/attendance/8'),
          failure(
            'att_date',
            "Record Not Saved. : The student Noah Bennett isn't enrolled on 10/5/2026.",
          ),
          success('UPDATE', 9, 'http://h/ws/schema/table/attendance/9'),
          failure('studentid', 'a "quoted" \\ back-slashed\nline'),
        ],
      },
    },
  },
  {
    name: 'a ref that needs escaping',
    results: {
      results: {
        insert_count: 1,
        update_count: 0,
        delete_count: 0,
        result: [success('INSERT', 1, 'http://h/"odd"\\ref\u2028')],
      },
    },
  },
];

describe('attendanceResultsJson (the text of every attendance write answer)', () => {
  it.each(cases)('writes $name exactly as JSON.stringify does', ({ results }) => {
    expect(attendanceResultsJson(results)).toBe(JSON.stringify(results));
  });
});
