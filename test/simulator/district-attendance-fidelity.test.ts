/**
 * Attendance writes as PowerSchool's schema types them, recording methods as a set a school
 * enables, Time mode's several records a day and zero-minute voids, and the ATTENDANCE columns
 * PowerSchool fills itself, read back through /ws/schema/table/attendance.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultPluginDefinition } from '../../plugin/definition.ts';
import { validateSeed } from '../../simulator/district/seed-validation.ts';
import { DEMO_FACTS as F } from '../../simulator/seeds/demo-facts.ts';
import { buildDemoDistrict } from '../../simulator/seeds/demo.ts';
import {
  attendanceBody,
  demoMeetingFields,
  demoSimulator,
  type DemoSimulator,
} from './district-harness.ts';

const date = F.dates.inSession;
const timeRecord = (minutes: string, extra: Record<string, unknown> = {}) => ({
  studentid: String(F.students.time.id),
  att_date: date,
  schoolid: '102',
  yearid: '36',
  att_mode_code: 'ATT_ModeTime',
  attendance_codeid: String(F.codes[102].current.tardy),
  total_minutes: minutes,
  ...extra,
});

let sim: DemoSimulator;
beforeAll(async () => {
  sim = await demoSimulator();
});

describe('value types as API-REF declares them', () => {
  it.each([
    [
      'a number for STUDENTID, declared string',
      { studentid: F.students.time.id },
      /^Invalid value for STUDENTID: the field is declared string, got 1002; send it as a string, "1002"\.$/,
    ],
    [
      'a number for TOTAL_MINUTES, declared string',
      { total_minutes: 20 },
      /TOTAL_MINUTES: the field is declared string/,
    ],
  ])('refuses %s with 400', async (_name, change, message) => {
    const { status, body } = await sim.json('POST', '/ws/attendance/daily_time', {
      body: attendanceBody(timeRecord('20', change)),
    });
    expect(status).toBe(400);
    expect(body.message).toMatch(message);
    expect(body.errors[0]).toMatchObject({ code: 'InvalidType' });
  });

  it("refuses a string for a meeting's START_TIME, declared integer", async () => {
    const fields = { ...demoMeetingFields(date), start_time: String(F.meetingRecord.start) };
    const { status, body } = await sim.json('POST', '/ws/attendance/meeting_interval', {
      body: attendanceBody(fields),
    });
    expect(status).toBe(400);
    expect(body.message).toMatch(/^Invalid value for START_TIME: the field is declared integer/);
  });
});

describe('recording methods: the set a school enables', () => {
  let both: DemoSimulator;
  beforeAll(async () => {
    const district = buildDemoDistrict();
    const nextId = Math.max(...district.attendance_preferences.map((p) => p.id)) + 1;
    district.attendance_preferences.push({
      id: nextId,
      schoolid: 103,
      yearid: 36,
      att_mode: 'ATT_ModeInterval',
    });
    // Interval records set ATT_INTERVAL: the plugin needs FullAccess on it.
    const definition = defaultPluginDefinition({ psVersion: '25.3.0' });
    definition.accessRequest = [
      ...definition.accessRequest,
      { table: 'ATTENDANCE', field: 'ATT_INTERVAL', access: 'FullAccess' },
    ];
    both = await demoSimulator({ district, definition });
  });

  it('takes a record in any enabled method: Meeting and Interval at 103', async () => {
    expect(
      (
        await both.json('POST', '/ws/attendance/meeting_interval', {
          body: attendanceBody(demoMeetingFields(date)),
        })
      ).status,
    ).toBe(200);
    const interval = {
      ...demoMeetingFields(date),
      att_mode_code: 'ATT_ModeInterval',
      att_interval: '1',
    };
    const { start_time: _s, end_time: _e, ccid: _c, periodid: _p, ...intervalFields } = interval;
    const answer = await both.json('POST', '/ws/attendance/meeting_interval', {
      body: attendanceBody(intervalFields),
    });
    expect(answer.status).toBe(200);
  });

  it('answers the ATT_Mode error only for a method the school has not enabled, naming every one it has', async () => {
    const daily = { ...demoMeetingFields(date), att_mode_code: 'ATT_ModeDaily' };
    const { ccid: _c, periodid: _p, start_time: _s, end_time: _e, ...fields } = daily;
    const { status, body } = await both.json('POST', '/ws/attendance/daily_time', {
      body: attendanceBody(fields),
    });
    expect(status).toBe(400);
    expect(body.message).toBe(
      'You have ATT_ModeMeeting and ATT_ModeInterval set as the method to use for recording attendance at this school; this record uses ATT_ModeDaily.',
    );
  });

  it('refuses a seed that enables the same method twice', () => {
    const district = buildDemoDistrict();
    district.attendance_preferences.push({ ...district.attendance_preferences[0]!, id: 999 });
    expect(() => validateSeed(district)).toThrow(/schoolid \+ yearid \+ att_mode must be unique/);
  });
});

describe('Time mode', () => {
  it('keeps several records a day, updates one named by dcid, and voids it with 0 minutes', async () => {
    const fresh = await demoSimulator();
    const post = (record: Record<string, unknown>) =>
      fresh.json('POST', '/ws/attendance/daily_time', { body: attendanceBody(record) });
    const late = await post(timeRecord('25'));
    const early = await post(timeRecord('40'));
    expect([late.body.results.insert_count, early.body.results.insert_count]).toEqual([1, 1]);
    expect(fresh.district.attendanceOn(F.students.time.id, date)).toHaveLength(2);

    const earlyRow = fresh.district
      .table('attendance')
      .get(early.body.results.result[0].success_message.id)!;
    const updated = await post(timeRecord('45', { dcid: String(earlyRow.dcid) }));
    expect(updated.body.results).toMatchObject({ insert_count: 0, update_count: 1 });
    expect(earlyRow.total_minutes).toBe(45);

    const voided = await post(timeRecord('0', { dcid: String(earlyRow.dcid) }));
    expect(voided.body.results).toMatchObject({
      insert_count: 0,
      update_count: 0,
      delete_count: 1,
    });
    expect(voided.body.results.result[0]).toMatchObject({ status: 'SUCCESS', action: 'DELETE' });
    expect(fresh.district.attendanceOn(F.students.time.id, date)).toHaveLength(1);
    expect(fresh.district.table('attendance_time').lookup('attendanceid', earlyRow.id)).toEqual([]);
  });

  it('saves a zero-minute record that names no row, like any other', async () => {
    const fresh = await demoSimulator();
    const { body } = await fresh.json('POST', '/ws/attendance/daily_time', {
      body: attendanceBody(timeRecord('0')),
    });
    expect(body.results.insert_count).toBe(1);
  });
});

describe('the ATTENDANCE columns PowerSchool fills', () => {
  it('reads att_interval, att_flags and the ADA/ADM values through /ws/schema/table/attendance', async () => {
    const definition = defaultPluginDefinition({ psVersion: '25.3.0' });
    definition.accessRequest = [
      ...definition.accessRequest,
      ...[
        'ATT_INTERVAL',
        'ATT_FLAGS',
        'ADA_VALUE_CODE',
        'ADA_VALUE_TIME',
        'ADM_VALUE',
        'TOTAL_MINUTES',
        'STUDENTID',
      ].map((field) => ({ table: 'ATTENDANCE', field, access: 'ViewOnly' as const })),
    ];
    const reader = await demoSimulator({ definition });
    const written = await reader.json('POST', '/ws/attendance/daily_time', {
      body: attendanceBody(timeRecord('60')),
    });
    const id = written.body.results.result[0].success_message.id;
    const { status, body } = await reader.json(
      'GET',
      `/ws/schema/table/attendance/${id}?projection=total_minutes,att_interval,att_flags,ada_value_code,ada_value_time,adm_value`,
    );
    expect(status).toBe(200);
    expect(body.tables.attendance).toMatchObject({
      total_minutes: '60',
      att_interval: '0',
      att_flags: '0',
      adm_value: '1',
    });
    const adaTime = Number(body.tables.attendance.ada_value_time);
    expect(adaTime).toBeGreaterThan(0.8);
    expect(adaTime).toBeLessThan(1);
    const refused = await sim.json(
      'GET',
      `/ws/schema/table/attendance?projection=ada_value_code&pagesize=0`,
    );
    expect(refused.status).toBe(403);
  });
});

describe('removing an attendance record (DELETE /ws/schema/table/attendance/{id}, inferred)', () => {
  it('removes the record with the write access, 404 for an unknown id, 403 for other tables', async () => {
    const written = await sim.json('POST', '/ws/attendance/meeting_interval', {
      body: attendanceBody(demoMeetingFields(date)),
    });
    const id = written.body.results.result[0].success_message.id as number;
    expect(sim.district.table('attendance').get(id)).toBeDefined();
    const removed = await sim.call('DELETE', `/ws/schema/table/attendance/${id}`);
    expect(removed.status).toBe(204);
    expect(await removed.text()).toBe('');
    expect(sim.district.table('attendance').get(id)).toBeUndefined();
    expect((await sim.json('DELETE', `/ws/schema/table/attendance/${id}`)).status).toBe(404);
    const students = await sim.json('DELETE', `/ws/schema/table/students/${F.students.time.id}`);
    expect(students.status).toBe(403);
    expect(students.body.message).toMatch(/students cannot be deleted/);
  });

  it('refuses a plugin without write access to ATTENDANCE (403, the record kept)', async () => {
    const definition = defaultPluginDefinition({ psVersion: '25.3.0' });
    definition.accessRequest = definition.accessRequest.filter(
      (field) => field.table !== 'ATTENDANCE' || field.field !== 'STUDENTID',
    );
    const written = await sim.json('POST', '/ws/attendance/meeting_interval', {
      body: attendanceBody(demoMeetingFields(date)),
    });
    const id = written.body.results.result[0].success_message.id as number;
    const reader = await demoSimulator({ definition });
    const refused = await reader.json('DELETE', `/ws/schema/table/attendance/${id}`);
    expect(refused.status).toBe(403);
    expect(sim.district.table('attendance').get(id)).toBeDefined();
  });
});
