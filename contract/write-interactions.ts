/**
 * The write check, run only with --allow-writes: it looks up the named test student, the test
 * school's year and calendar day (and, in Meeting mode, the student's first period), then posts
 * ONE attendance record for that student. Facts: reference section 4.
 */
import { CORE_DCID_ID_MAP_QUERY, QUERY_NAMES } from '../plugin/contract.ts';
import type { Facts, WriteMode } from './facts.ts';
import { defineInteraction, type Interaction } from './interaction.ts';
import { toWholeNumber } from './inspect-helpers.ts';
import { queryPath } from './query-interactions.ts';
import {
  attendanceWriteResultSchema,
  dcidIdMapResultSchema,
  pluginQueryResultSchema,
} from './query-schemas.ts';

/** The comment every contract write carries, so a district can find and delete the record. */
export const CONTRACT_WRITE_COMMENT = 'pswb contract check';

/** The endpoint each write mode posts to (reference section 4). */
export const WRITE_ENDPOINTS: Record<WriteMode, string> = {
  daily: '/ws/attendance/daily_time',
  meeting: '/ws/attendance/meeting_interval',
};

type Row = Record<string, unknown>;

const testStudentId = defineInteraction({
  name: 'test-student-id',
  title: "the test student's STUDENTS.ID",
  method: 'POST',
  auth: 'bearer',
  needs: ['testStudentDcid'],
  path: queryPath(CORE_DCID_ID_MAP_QUERY),
  body: ({ testStudentDcid }) => ({ json: { students_dcid: [testStudentDcid] } }),
  expectStatus: 200,
  schema: dcidIdMapResultSchema,
  inspect: (body, facts, { testStudentDcid }) => {
    const match = (body.record ?? []).find((row) => Number(row.dcid) === testStudentDcid);
    if (!match) {
      return [`record: no student has DCID ${testStudentDcid}; check --test-student-dcid`];
    }
    facts.learn('testStudentId', Number(match.id));
    return [];
  },
});

const testSchoolDay = defineInteraction({
  name: 'test-school-day',
  title: "the test school's year and calendar day on --date",
  method: 'POST',
  auth: 'bearer',
  needs: ['testSchoolNumber', 'attDate'],
  path: queryPath(QUERY_NAMES.schoolDay),
  body: ({ testSchoolNumber, attDate }) => ({
    json: { schoolid: testSchoolNumber, att_date: attDate },
  }),
  expectStatus: 200,
  schema: pluginQueryResultSchema('schoolDay'),
  inspect: (body, facts, { testSchoolNumber, attDate }) => {
    const row = (body.record ?? [])[0] as Row | undefined;
    const yearid = toWholeNumber(row?.yearid);
    const calendarDayId = toWholeNumber(row?.calendar_dayid);
    if (yearid === undefined) {
      return [`record: no school year of school ${testSchoolNumber} contains ${attDate}`];
    }
    if (calendarDayId === undefined || toWholeNumber(row?.insession) !== 1) {
      return [`record: ${attDate} is not a school day at school ${testSchoolNumber}`];
    }
    facts.learn('testYearid', yearid);
    facts.learn('testCalendarDayId', calendarDayId);
    return [];
  },
});

const testStudentPeriod = defineInteraction({
  name: 'test-student-period',
  title: "the test student's first period on --date",
  method: 'POST',
  auth: 'bearer',
  needs: ['testStudentId', 'attDate'],
  path: queryPath(QUERY_NAMES.studentPeriods),
  body: ({ testStudentId: studentid, attDate }) => ({
    json: { students_id: [studentid], att_date: attDate },
  }),
  expectStatus: 200,
  schema: pluginQueryResultSchema('studentPeriods'),
  inspect: (body, facts, { attDate }) => {
    const row = (body.record ?? [])[0] as Row | undefined;
    const period = row && {
      ccid: toWholeNumber(row.ccid),
      periodid: toWholeNumber(row.periodid),
      startTime: toWholeNumber(row.start_time),
      endTime: toWholeNumber(row.end_time),
    };
    if (!period || Object.values(period).some((value) => value === undefined)) {
      return [`record: the test student has no scheduled period on ${attDate}`];
    }
    facts.learn('testPeriod', period as Facts['testPeriod']);
    return [];
  },
});

type WriteFacts = Pick<
  Facts,
  'testStudentId' | 'testSchoolNumber' | 'testYearid' | 'testCalendarDayId' | 'codeId' | 'attDate'
>;

/** The attendance fields every mode sends; values are strings (reference section 4). */
function dailyFields(facts: WriteFacts, attModeCode: string): Record<string, string | number> {
  return {
    studentid: String(facts.testStudentId),
    schoolid: facts.testSchoolNumber,
    yearid: String(facts.testYearid),
    att_date: facts.attDate,
    att_mode_code: attModeCode,
    attendance_codeid: String(facts.codeId),
    calendar_dayid: String(facts.testCalendarDayId),
    programid: '0',
    att_comment: CONTRACT_WRITE_COMMENT,
  };
}

/** The request body for one record: `{"name":"attendance","record":[...]}`. */
export function attendanceBody(fields: Record<string, string | number>): unknown {
  return { name: 'attendance', record: [{ name: 'attendance', tables: { attendance: fields } }] };
}

const WRITE_NEEDS = [
  'testStudentId',
  'testSchoolNumber',
  'testYearid',
  'testCalendarDayId',
  'codeId',
  'attDate',
] as const;

const dailyWrite = defineInteraction({
  name: 'write-daily',
  title: 'one Daily attendance record for the test student',
  method: 'POST',
  auth: 'bearer',
  needs: WRITE_NEEDS,
  path: WRITE_ENDPOINTS.daily,
  body: (known) => ({ json: attendanceBody(dailyFields(known, 'ATT_ModeDaily')) }),
  expectStatus: 200,
  schema: attendanceWriteResultSchema,
  writes: true,
});

const meetingWrite = defineInteraction({
  name: 'write-meeting',
  title: "one Meeting attendance record for the test student's first period",
  method: 'POST',
  auth: 'bearer',
  needs: [...WRITE_NEEDS, 'testPeriod'],
  path: WRITE_ENDPOINTS.meeting,
  body: (known) => {
    const { ccid, periodid, startTime, endTime } = known.testPeriod;
    return {
      json: attendanceBody({
        ...dailyFields(known, 'ATT_ModeMeeting'),
        ccid: String(ccid),
        periodid: String(periodid),
        // Integers, seconds since midnight: the one exception to string values (section 4).
        start_time: startTime,
        end_time: endTime,
      }),
    };
  },
  expectStatus: 200,
  schema: attendanceWriteResultSchema,
  writes: true,
});

/** The write check's interactions for one mode, in run order. */
export function writeInteractions(mode: WriteMode): Interaction[] {
  return mode === 'meeting'
    ? [testStudentId, testSchoolDay, testStudentPeriod, meetingWrite]
    : [testStudentId, testSchoolDay, dailyWrite];
}
