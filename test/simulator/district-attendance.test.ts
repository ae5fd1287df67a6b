import { beforeEach, describe, expect, it } from 'vitest';
import { defaultPluginDefinition } from '../../plugin/definition.ts';
import { DEMO_FACTS as F } from '../../simulator/seeds/demo-facts.ts';
import {
  attendanceBody,
  demoMeetingFields,
  demoSimulator,
  type DemoSimulator,
} from './district-harness.ts';

const day = F.dates.inSession;
const daily = {
  studentid: String(F.students.daily.id),
  att_date: day,
  schoolid: '101',
  yearid: '36',
  att_mode_code: 'ATT_ModeDaily',
  attendance_codeid: String(F.codes[101].current.tardy),
  att_comment: 'Late check-in 08:47',
};
const time = {
  studentid: String(F.students.time.id),
  att_date: day,
  schoolid: '102',
  yearid: '36',
  att_mode_code: 'ATT_ModeTime',
  attendance_codeid: String(F.codes[102].current.tardy),
  total_minutes: '382',
};
const m = F.meetingRecord;
const meeting = demoMeetingFields(day);

let sim: DemoSimulator;
beforeEach(async () => {
  sim = await demoSimulator();
});

describe('attendance writes: documented errors arise from the demo data', () => {
  it.each([
    {
      name: 'the student left the school',
      endpoint: 'daily_time',
      record: { ...daily, studentid: String(F.students.exited.id), att_date: '2026-10-05' },
      message: "Record Not Saved. : The student Noah Bennett isn't enrolled on 10/5/2026.",
    },
    {
      name: 'the date is the exit date itself',
      endpoint: 'daily_time',
      record: {
        ...daily,
        studentid: String(F.students.exited.id),
        att_date: F.students.exited.exitdate,
      },
      message: "Record Not Saved. : The student Noah Bennett isn't enrolled on 10/3/2026.",
    },
    {
      name: 'the student has not entered yet',
      endpoint: 'meeting_interval',
      record: { ...meeting, studentid: String(F.students.midYearEntry.id) },
      message: "Record Not Saved. : The student Mia Patel isn't enrolled on 10/14/2026.",
    },
    {
      name: "the code is last year's",
      endpoint: 'daily_time',
      record: { ...daily, attendance_codeid: String(F.codes[101].last.tardy) },
      message: "Record Not Saved. : 35 doesn't match the term's year value: 36.",
    },
    {
      name: "the record's yearid is last year's",
      endpoint: 'daily_time',
      record: { ...daily, yearid: '35' },
      message: "Record Not Saved. : 35 doesn't match the term's year value: 36.",
    },
    {
      name: 'a Daily record goes to the Meeting school',
      endpoint: 'daily_time',
      record: {
        ...daily,
        studentid: String(m.studentId),
        schoolid: '103',
        attendance_codeid: String(F.codes[103].current.tardy),
      },
      message:
        'You have ATT_ModeMeeting set as the method to use for recording attendance at this school; this record uses ATT_ModeDaily.',
    },
    {
      name: 'a Daily record goes to the Time school',
      endpoint: 'daily_time',
      record: { ...time, att_mode_code: 'ATT_ModeDaily' },
      message:
        'You have ATT_ModeTime set as the method to use for recording attendance at this school; this record uses ATT_ModeDaily.',
    },
    {
      name: 'a Time record goes to the Daily school',
      endpoint: 'daily_time',
      record: { ...daily, att_mode_code: 'ATT_ModeTime', total_minutes: '30' },
      message:
        'You have ATT_ModeDaily set as the method to use for recording attendance at this school; this record uses ATT_ModeTime.',
    },
  ])("fails with the guide's text when $name", async ({ endpoint, record, message }) => {
    const { status, body } = await sim.json('POST', `/ws/attendance/${endpoint}`, {
      body: attendanceBody(record),
    });
    expect(status).toBe(400);
    expect(body.message).toBe(message);
    expect(body.errors[0]).toMatchObject({ resource: 'attendance' });
    expect(sim.district.summary().attendance).toBe(0);
  });

  it("uses the recording method of the record's year: the Time school took Daily records last year", async () => {
    const lastYear = {
      ...time,
      att_mode_code: 'ATT_ModeDaily',
      att_date: F.dates.lastYearInSession,
      yearid: '35',
      attendance_codeid: String(F.codes[102].last.tardy),
    };
    delete (lastYear as Record<string, unknown>).total_minutes;
    const { status } = await sim.json('POST', '/ws/attendance/daily_time', {
      body: attendanceBody(lastYear),
    });
    expect(status).toBe(200);
  });

  it.each([
    {
      name: "the ccid is another student's",
      record: { ...meeting, ccid: String(m.ccid + 9) },
      field: 'ccid',
    },
    {
      name: 'the class was dropped',
      record: {
        ...meeting,
        studentid: String(F.students.freePeriod.id),
        ccid: String(F.students.freePeriod.droppedCcId),
        periodid: String(F.meetingBell.periods[4].periodId),
      },
      field: 'ccid',
    },
    {
      name: 'the section does not meet in that period',
      record: { ...meeting, periodid: String(F.meetingBell.periods[3].periodId) },
      field: 'periodid',
    },
    {
      name: 'the period is lunch',
      record: { ...meeting, periodid: String(F.meetingBell.periods.lunch.periodId) },
      field: 'periodid',
    },
    {
      name: 'the day is a holiday',
      record: { ...meeting, att_date: F.dates.holiday },
      field: 'periodid',
    },
  ])('refuses a meeting record when $name', async ({ record, field }) => {
    const { status, body } = await sim.json('POST', '/ws/attendance/meeting_interval', {
      body: attendanceBody(record),
    });
    expect(status).toBe(400);
    expect(body.message).toMatch(/^Record Not Saved\. : /);
    expect(body.errors[0].field).toBe(field);
  });

  it.each([
    {
      name: 'a required field is missing',
      record: { ...daily, studentid: undefined },
      field: 'studentid',
    },
    {
      name: 'a Time record has no total_minutes',
      record: { ...time, total_minutes: undefined },
      field: 'total_minutes',
    },
    {
      name: 'a meeting record has no start_time',
      record: { ...meeting, start_time: undefined },
      field: 'start_time',
    },
    {
      name: 'the student id is unknown',
      record: { ...daily, studentid: String(F.unknownStudentId) },
      field: 'studentid',
    },
    {
      name: 'the date is not YYYY-MM-DD',
      record: { ...daily, att_date: '10/14/2026' },
      field: 'att_date',
    },
    {
      name: 'the code id is not a number',
      record: { ...daily, attendance_codeid: 'T' },
      field: 'attendance_codeid',
    },
    {
      name: 'the code belongs to another school',
      record: { ...daily, attendance_codeid: String(F.codes[102].current.tardy) },
      field: 'attendance_codeid',
    },
    {
      name: 'no school year contains the date',
      record: { ...daily, att_date: F.dates.summer },
      field: 'att_date',
    },
    {
      name: 'a field is not an attendance column',
      record: { ...daily, shoe_size: '9' },
      field: 'shoe_size',
    },
  ])('answers 400 naming the field when $name', async ({ record, field }) => {
    const endpoint = record.att_mode_code === 'ATT_ModeMeeting' ? 'meeting_interval' : 'daily_time';
    const { status, body } = await sim.json('POST', `/ws/attendance/${endpoint}`, {
      body: attendanceBody(JSON.parse(JSON.stringify(record))),
    });
    expect(status).toBe(400);
    expect(body.errors[0].field).toBe(field);
  });
});

describe('attendance writes: create-or-update', () => {
  it('inserts a Daily record, then updates it for the same student and date', async () => {
    const first = await sim.json('POST', '/ws/attendance/daily_time', {
      body: attendanceBody(daily),
    });
    expect(first.status).toBe(200);
    expect(first.body.results).toMatchObject({ insert_count: 1, update_count: 0, delete_count: 0 });
    const [result] = first.body.results.result;
    expect(result).toMatchObject({ status: 'SUCCESS', action: 'INSERT' });
    expect(result.success_message.ref).toBe(
      `http://sim.test/ws/schema/table/attendance/${result.success_message.id}`,
    );
    const second = await sim.json('POST', '/ws/attendance/daily_time', {
      body: attendanceBody({
        ...daily,
        attendance_codeid: String(F.codes[101].current.earlyDismissal),
      }),
    });
    expect(second.body.results).toMatchObject({ insert_count: 0, update_count: 1 });
    expect(second.body.results.result[0].success_message.id).toBe(result.success_message.id);
    const rows = sim.district.attendanceOn(F.students.daily.id, day);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      attendance_codeid: F.codes[101].current.earlyDismissal,
      ccid: 0,
      periodid: 0,
      calendar_dayid: sim.district.calendarDay(101, day)!.id,
    });
  });

  it('stores a Time record with its minutes on attendance and attendance_time', async () => {
    const { status, body } = await sim.json('POST', '/ws/attendance/daily_time', {
      body: attendanceBody(time),
    });
    expect(status).toBe(200);
    const id = body.results.result[0].success_message.id;
    expect(sim.district.table('attendance').get(id)).toMatchObject({
      att_mode_code: 'ATT_ModeTime',
      total_minutes: 382,
    });
    expect(sim.district.table('attendance_time').lookup('attendanceid', id)[0]).toMatchObject({
      total_minutes: 382,
    });
  });

  it('updates a Time record named by its dcid, and refuses a dcid of another student', async () => {
    const { body } = await sim.json('POST', '/ws/attendance/daily_time', {
      body: attendanceBody(time),
    });
    const row = sim.district.table('attendance').get(body.results.result[0].success_message.id)!;
    const update = await sim.json('POST', '/ws/attendance/daily_time', {
      body: attendanceBody({ ...time, dcid: String(row.dcid), total_minutes: '300' }),
    });
    expect(update.body.results.update_count).toBe(1);
    expect(row.total_minutes).toBe(300);
    const wrong = await sim.json('POST', '/ws/attendance/daily_time', {
      body: attendanceBody({
        ...time,
        studentid: String(F.students.returned.id),
        dcid: String(row.dcid),
      }),
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].field).toBe('dcid');
  });

  it('keys meeting records by period: the same period updates, another period inserts', async () => {
    const first = await sim.json('POST', '/ws/attendance/meeting_interval', {
      body: attendanceBody(meeting),
    });
    expect(first.body.results.insert_count).toBe(1);
    const again = await sim.json('POST', '/ws/attendance/meeting_interval', {
      body: attendanceBody({ ...meeting, attendance_codeid: String(F.codes[103].current.absent) }),
    });
    expect(again.body.results.update_count).toBe(1);
    const period1 = sim.district
      .table('cc')
      .lookup('studentid', m.studentId)
      .find((cc) => cc.sectionid === m.sectionId - 1)!;
    const other = await sim.json('POST', '/ws/attendance/meeting_interval', {
      body: attendanceBody({
        ...meeting,
        ccid: String(period1.id),
        periodid: String(F.meetingBell.periods[1].periodId),
        start_time: F.meetingBell.periods[1].start,
        end_time: F.meetingBell.periods[1].end,
      }),
    });
    expect(other.body.results.insert_count).toBe(1);
    expect(sim.district.attendanceOn(m.studentId, day)).toHaveLength(2);
    const saved = sim.district
      .table('attendance')
      .get(first.body.results.result[0].success_message.id)!;
    expect(sim.district.table('attendance_time').lookup('attendanceid', saved.id)[0]).toMatchObject(
      { time_in: m.start, time_out: m.end },
    );
  });

  it('saves several meeting records of one student and day in one call, and refuses two students', async () => {
    const period1 = sim.district
      .table('cc')
      .lookup('studentid', m.studentId)
      .find((cc) => cc.sectionid === m.sectionId - 1)!;
    const second = {
      ...meeting,
      ccid: String(period1.id),
      periodid: String(F.meetingBell.periods[1].periodId),
    };
    const both = await sim.json('POST', '/ws/attendance/meeting_interval', {
      body: attendanceBody(meeting, second),
    });
    expect(both.body.results.insert_count).toBe(2);
    const mixed = await sim.json('POST', '/ws/attendance/meeting_interval', {
      body: attendanceBody(meeting, { ...meeting, studentid: String(F.students.movedUp.id) }),
    });
    expect(mixed.status).toBe(400);
  });

  it('refuses more than one record on daily_time', async () => {
    const { status, body } = await sim.json('POST', '/ws/attendance/daily_time', {
      body: attendanceBody(daily, daily),
    });
    expect(status).toBe(400);
    expect(body.message).toMatch(/takes one record/);
  });
});

describe('attendance writes: batch_daily_time', () => {
  it('answers each record and counts failures apart', async () => {
    const records = [
      daily,
      { ...daily, studentid: String(F.students.exited.id), att_date: '2026-10-05' },
      time,
    ];
    const { status, body } = await sim.json('POST', '/ws/attendance/batch_daily_time', {
      body: attendanceBody(...records),
    });
    expect(status).toBe(200);
    expect(body.results).toMatchObject({ insert_count: 2, update_count: 0, error_count: 1 });
    expect(body.results.result.map((r: { status: string }) => r.status)).toEqual([
      'SUCCESS',
      'ERROR',
      'SUCCESS',
    ]);
    expect(body.results.result[1].error_message.error[0].error_description).toBe(
      "Record Not Saved. : The student Noah Bennett isn't enrolled on 10/5/2026.",
    );
  });

  it('takes 200 records and refuses 201', async () => {
    const ok = await sim.json('POST', '/ws/attendance/batch_daily_time', {
      body: attendanceBody(...Array.from({ length: 200 }, () => daily)),
    });
    expect(ok.status).toBe(200);
    expect(ok.body.results).toMatchObject({ insert_count: 1, update_count: 199 });
    const tooMany = await sim.json('POST', '/ws/attendance/batch_daily_time', {
      body: attendanceBody(...Array.from({ length: 201 }, () => daily)),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.message).toMatch(/at most 200 records/);
  });

  it('does not exist before 25.3.0: 404', async () => {
    const older = await demoSimulator({ psVersion: '25.2.0.0' });
    const { status, body } = await older.json('POST', '/ws/attendance/batch_daily_time', {
      body: attendanceBody(daily),
    });
    expect(status).toBe(404);
    expect(body.message).toMatch(/25\.3\.0/);
    expect(
      (await older.json('POST', '/ws/attendance/daily_time', { body: attendanceBody(daily) }))
        .status,
    ).toBe(200);
  });
});

describe('attendance writes: order of checks', () => {
  it('answers 401 before anything else when the token is missing', async () => {
    const { status } = await sim.json('POST', '/ws/attendance/daily_time', {
      body: 'not json',
      token: null,
    });
    expect(status).toBe(401);
  });

  it('answers 403 listing the fields without FullAccess before validating the record', async () => {
    const definition = defaultPluginDefinition({ psVersion: '25.3.0' });
    definition.accessRequest = definition.accessRequest.map((field) =>
      field.field === 'ATT_COMMENT' || field.field === 'PROGRAMID'
        ? { ...field, access: 'ViewOnly' }
        : field,
    );
    const narrow = await demoSimulator({ definition });
    const { status, body } = await narrow.json('POST', '/ws/attendance/daily_time', {
      body: attendanceBody({ ...daily, studentid: 'not a number', programid: '0' }),
    });
    expect(status).toBe(403);
    expect(body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'attendance.att_comment',
      'attendance.programid',
    ]);
  });
});
