import { beforeAll, describe, expect, it } from 'vitest';
import { QUERY_NAMES, CORE_DCID_ID_MAP_QUERY } from '../../plugin/contract.ts';
import { defaultPluginDefinition } from '../../plugin/definition.ts';
import { DEMO_FACTS as F } from '../../simulator/seeds/demo-facts.ts';
import { demoSimulator, type DemoSimulator } from './district-harness.ts';

let sim: DemoSimulator;
beforeAll(async () => {
  sim = await demoSimulator();
});

const query = (name: string, body: unknown, search = '') =>
  sim.json('POST', `/ws/schema/query/${name}${search}`, { body });

describe('PowerQueries: the core DCID -> ID map', () => {
  it('maps DCIDs to ids and leaves out unknown DCIDs ("Could not find student\'s PowerSchool id." comes from data)', async () => {
    const { status, body } = await query(CORE_DCID_ID_MAP_QUERY, {
      students_dcid: [F.students.meeting.dcid, F.unknownDcid],
    });
    expect(status).toBe(200);
    expect(body).toEqual({
      name: CORE_DCID_ID_MAP_QUERY,
      record: [{ id: String(F.students.meeting.id), dcid: String(F.students.meeting.dcid) }],
      '@extensions': '',
    });
    const none = await query(CORE_DCID_ID_MAP_QUERY, { students_dcid: [F.unknownDcid] });
    expect(none.body.record).toEqual([]);
  });

  it('maps ids back to DCIDs with students_id', async () => {
    const { body } = await query(CORE_DCID_ID_MAP_QUERY, {
      students_id: [String(F.students.daily.id)],
    });
    expect(body.record).toEqual([
      { id: String(F.students.daily.id), dcid: String(F.students.daily.dcid) },
    ]);
  });
});

describe("PowerQueries: the plugin's queries, executed natively", () => {
  it("students_by_dcid returns the students' profiles with string values", async () => {
    const { body } = await query(QUERY_NAMES.studentsByDcid, {
      students_dcid: [F.students.time.dcid, F.students.daily.dcid],
    });
    expect(body.record).toEqual([
      {
        id: '1001',
        dcid: '5001',
        student_number: '260001',
        first_name: 'Ava',
        last_name: 'Thompson',
        grade_level: '3',
        schoolid: '101',
        enroll_status: '0',
      },
      {
        id: '1002',
        dcid: '5002',
        student_number: '260002',
        first_name: 'Liam',
        last_name: 'Carter',
        grade_level: '7',
        schoolid: '102',
        enroll_status: '0',
      },
    ]);
  });

  it('student_periods lists every period of the day, none covering the passing time or lunch', async () => {
    const { body } = await query(
      QUERY_NAMES.studentPeriods,
      { students_id: [F.meetingRecord.studentId], att_date: F.dates.inSession },
      '?count=true',
    );
    const records = body.record as Record<string, string>[];
    expect(body.count).toBe(records.length);
    expect(records.map((r) => r.period_number)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    const period2 = records.find((r) => r.periodid === String(F.meetingRecord.periodId));
    expect(period2).toMatchObject({
      ccid: String(F.meetingRecord.ccid),
      start_time: String(F.meetingRecord.start),
      end_time: String(F.meetingRecord.end),
      calendar_dayid: String(F.meetingRecord.calendarDayId),
      yearid: '36',
    });
    const covering = (time: number) =>
      records.filter((r) => Number(r.start_time) <= time && time < Number(r.end_time));
    expect(covering(F.meetingBell.passingTime)).toEqual([]);
    expect(covering(F.meetingBell.lunchTime)).toEqual([]);
  });

  it('student_periods answers many students in one call, each row naming its student, by student then start time', async () => {
    const ask = (ids: number[]) =>
      query(QUERY_NAMES.studentPeriods, { students_id: ids, att_date: F.dates.inSession });
    const meeting = F.meetingRecord.studentId;
    const free = F.students.freePeriod.id;
    const alone = async (id: number) => (await ask([id])).body.record as Record<string, string>[];
    const [first, second] = meeting < free ? [meeting, free] : [free, meeting];
    const both = (await ask([second, first, second])).body.record as Record<string, string>[];
    expect(both).toEqual([...(await alone(first)), ...(await alone(second))]);
    expect(new Set(both.map((r) => r.studentid))).toEqual(new Set([String(first), String(second)]));
    expect((await alone(meeting)).every((r) => r.studentid === String(meeting))).toBe(true);
  });

  it('student_periods follows A/B days: period 6 is Art on A days and PE on B days', async () => {
    const sixth = async (date: string) =>
      (
        await query(QUERY_NAMES.studentPeriods, {
          students_id: [F.meetingRecord.studentId],
          att_date: date,
        })
      ).body.record.find((r: Record<string, string>) => r.period_number === '6').course_number;
    expect(await sixth(F.dates.inSession)).toBe('ART');
    expect(await sixth(F.dates.inSessionBDay)).toBe('PE');
  });

  it.each([
    { name: 'a holiday', studentid: F.meetingRecord.studentId, date: F.dates.holiday },
    { name: 'a weekend', studentid: F.meetingRecord.studentId, date: F.dates.weekend },
    {
      name: 'a date before the student entered',
      studentid: F.students.midYearEntry.id,
      date: F.dates.inSession,
    },
  ])('student_periods is empty on $name', async ({ studentid, date }) => {
    expect(
      (await query(QUERY_NAMES.studentPeriods, { students_id: [studentid], att_date: date })).body
        .record,
    ).toEqual([]);
  });

  it('student_periods leaves out the dropped class: nothing at 10:50 for the free-period student', async () => {
    const { body } = await query(QUERY_NAMES.studentPeriods, {
      students_id: [F.students.freePeriod.id],
      att_date: F.dates.inSession,
    });
    const t = F.students.freePeriod.freeTime;
    expect(
      body.record.filter(
        (r: Record<string, string>) => Number(r.start_time) <= t && t < Number(r.end_time),
      ),
    ).toEqual([]);
    expect(body.record.length).toBe(6);
  });

  it("attendance_codes gives a school's codes for one year, in sort order", async () => {
    const { body } = await query(QUERY_NAMES.attendanceCodes, { schoolid: '103', yearid: '36' });
    expect(body.record.map((r: Record<string, string>) => r.att_code)).toEqual([
      'T',
      'TE',
      'ED',
      'EDE',
      'A',
      'AE',
    ]);
    expect(body.record[0]).toMatchObject({
      id: String(F.codes[103].current.tardy),
      yearid: '36',
      schoolid: '103',
    });
  });

  it('school_day gives the year and the day, and the year alone on a date with no calendar day', async () => {
    const { body } = await query(QUERY_NAMES.schoolDay, {
      schoolid: '103',
      att_date: F.dates.inSession,
    });
    expect(body.record).toEqual([
      {
        yearid: '36',
        termid: '3600',
        year_firstday: '2026-08-17',
        year_lastday: '2027-06-11',
        calendar_dayid: String(F.meetingRecord.calendarDayId),
        insession: '1',
        bell_schedule_id: String(F.meetingBell.bellScheduleId),
        day_start_time: String(F.meetingBell.periods[1].start),
        day_end_time: String(F.meetingBell.periods[7].end),
      },
    ]);
    const holiday = await query(QUERY_NAMES.schoolDay, {
      schoolid: '103',
      att_date: F.dates.holiday,
    });
    expect(holiday.body.record[0]).toMatchObject({ insession: '0', yearid: '36' });
    expect(holiday.body.record[0].day_start_time).toBeUndefined();
    expect(
      (await query(QUERY_NAMES.schoolDay, { schoolid: '103', att_date: F.dates.summer })).body
        .record,
    ).toEqual([]);
  });

  it('pages with page and pagesize, and answers /count', async () => {
    const args = { schoolid: '101', yearid: '36' };
    const page2 = await query(QUERY_NAMES.attendanceCodes, args, '?page=2&pagesize=4');
    expect(page2.body.record.map((r: Record<string, string>) => r.att_code)).toEqual(['A', 'AE']);
    expect((await query(`${QUERY_NAMES.attendanceCodes}/count`, args)).body).toEqual({ count: 6 });
    expect((await query(QUERY_NAMES.attendanceCodes, args, '?pagesize=1001')).status).toBe(400);
  });
});

describe('PowerQueries: refusals', () => {
  it.each([
    { name: 'a required arg is missing', body: { schoolid: '103' }, field: 'att_date' },
    {
      name: 'a date arg is not YYYY-MM-DD',
      body: { schoolid: '103', att_date: '10/14/2026' },
      field: 'att_date',
    },
    {
      name: 'a numeric arg is not a number',
      body: { schoolid: 'high', att_date: '2026-10-14' },
      field: 'schoolid',
    },
    {
      name: 'a primitive arg is an array',
      body: { schoolid: ['103'], att_date: '2026-10-14' },
      field: 'schoolid',
    },
  ])('answers 400 when $name', async ({ body, field }) => {
    const answer = await query(QUERY_NAMES.schoolDay, body);
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].field).toBe(field);
  });

  it('answers 400 when the body is not an object of args', async () => {
    expect((await query(QUERY_NAMES.schoolDay, [1, 2])).status).toBe(400);
  });

  it('answers 404 for a query the installed plugin does not declare', async () => {
    const definition = defaultPluginDefinition({ psVersion: '25.3.0' });
    definition.queries = definition.queries.filter((q) => q.name !== QUERY_NAMES.schoolDay);
    const older = await demoSimulator({ definition });
    const { status, body } = await older.json('POST', `/ws/schema/query/${QUERY_NAMES.schoolDay}`, {
      body: { schoolid: '103', att_date: F.dates.inSession },
    });
    expect(status).toBe(404);
    expect(body.message).toMatch(/PowerQuery not found/);
    expect(
      (
        await older.json('POST', `/ws/schema/query/${CORE_DCID_ID_MAP_QUERY}`, {
          body: { students_dcid: [5001] },
        })
      ).status,
    ).toBe(200);
  });

  it('answers 403 naming the columns the plugin did not request', async () => {
    const definition = defaultPluginDefinition({ psVersion: '25.3.0' });
    definition.accessRequest = definition.accessRequest.filter(
      (f) => !(f.table === 'STUDENTS' && f.field === 'ENROLL_STATUS'),
    );
    const narrow = await demoSimulator({ definition });
    const { status, body } = await narrow.json(
      'POST',
      `/ws/schema/query/${QUERY_NAMES.studentsByDcid}`,
      { body: { students_dcid: [5001] } },
    );
    expect(status).toBe(403);
    expect(body).toEqual({
      message: 'Validation Failed',
      errors: [
        {
          resource: QUERY_NAMES.studentsByDcid,
          field: 'students.enroll_status',
          code: 'No access to the field',
        },
      ],
    });
  });

  it('answers 401 without a token', async () => {
    expect(
      (
        await sim.json('POST', `/ws/schema/query/${CORE_DCID_ID_MAP_QUERY}`, {
          body: {},
          token: null,
        })
      ).status,
    ).toBe(401);
  });
});
