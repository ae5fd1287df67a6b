import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../simulator/server.ts';
import { DISTRICT_ADMIN, type Connector } from '../../connector/index.ts';
import {
  DEMO_FACTS,
  connectDemo,
  demoEvent,
  newYorkTime,
  startDemoSimulator,
} from './support/simulator.ts';

const { students, dates, meetingBell, meetingRecord, codes } = DEMO_FACTS;
const DAY = dates.inSession;

let sim: RunningSimulator;
let connector: Connector;

beforeAll(async () => {
  sim = await startDemoSimulator();
  connector = await connectDemo(sim);
});
afterAll(async () => {
  connector?.close();
  await sim?.close();
});

const attendanceOf = (studentId: number, date: string = DAY) =>
  sim.district.attendanceOn(studentId, date);

describe('writeback against the simulator: each mode', () => {
  it('Daily: writes one ATT_ModeDaily record with the current year and the mapped code', async () => {
    const [record] = await connector.send([
      demoEvent('daily-1', students.daily, newYorkTime(DAY, 8 * 3600 + 40 * 60)),
    ]);
    expect(record).toMatchObject({
      status: 'successful',
      studentPsId: students.daily.id,
      localDate: DAY,
      localTime: '08:40',
    });
    const rows = attendanceOf(students.daily.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      att_mode_code: 'ATT_ModeDaily',
      yearid: 36,
      attendance_codeid: codes[101].current.tardy,
    });
  });

  it('Time: writes ATT_ModeTime with the minutes missed since the first bell', async () => {
    const checkIn = 9 * 3600;
    const [record] = await connector.send([
      demoEvent('time-1', students.time, newYorkTime(DAY, checkIn)),
    ]);
    expect(record?.status).toBe('successful');
    const written = record?.written as { fields: { total_minutes: string } };
    const rows = attendanceOf(students.time.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.att_mode_code).toBe('ATT_ModeTime');
    expect(Number(written.fields.total_minutes)).toBeGreaterThan(0);
  });

  it("Meeting: writes ATT_ModeMeeting for the student's period at that time", async () => {
    const [record] = await connector.send([
      demoEvent('meeting-1', students.meeting, newYorkTime(DAY, meetingRecord.start + 600)),
    ]);
    expect(record?.status).toBe('successful');
    const rows = attendanceOf(students.meeting.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      att_mode_code: 'ATT_ModeMeeting',
      ccid: meetingRecord.ccid,
      periodid: meetingRecord.periodId,
    });
  });

  it('sends several Daily events in one batch_daily_time call; a refused one is re-sent alone for its 400', async () => {
    const date = students.exited.firstNotEnrolledSchoolDay;
    const records = await connector.send([
      demoEvent('batch-ok', students.daily, newYorkTime(date, 30_000)),
      demoEvent('batch-exited', students.exited, newYorkTime(date, 30_000)),
    ]);
    expect(records.map((record) => record.status)).toEqual(['successful', 'failed']);
    expect(records[1]?.error?.message).toContain('`400 Bad Request` response');
    expect(records[1]?.error?.body).toContain("isn't enrolled on");
    const paths = (id: string) =>
      connector
        .attempts(DISTRICT_ADMIN, id)
        .map((a) => new URL(a.url).pathname)
        .filter((p) => p.startsWith('/ws/attendance/'));
    expect(paths('batch-ok')).toEqual(['/ws/attendance/batch_daily_time']);
    expect(paths('batch-exited')).toEqual([
      '/ws/attendance/batch_daily_time',
      '/ws/attendance/daily_time',
    ]);
    expect(attendanceOf(students.daily.id, date)).toHaveLength(1);
    expect(attendanceOf(students.exited.id, date)).toHaveLength(0);
  });

  it('sending the same event id again writes nothing more', async () => {
    const again = await connector.send([
      demoEvent('daily-1', students.daily, newYorkTime(DAY, 8 * 3600 + 40 * 60)),
    ]);
    expect(again[0]?.status).toBe('successful');
    expect(attendanceOf(students.daily.id)).toHaveLength(1);
    expect(
      connector.attempts(DISTRICT_ADMIN, 'daily-1').filter((a) => a.url.endsWith('daily_time')),
    ).toHaveLength(1);
  });
});

describe("the guide's documented errors, from the simulator's data", () => {
  it('"Could not find student\'s PowerSchool id." for a DCID no student has', async () => {
    const [record] = await connector.send([
      demoEvent('unknown-dcid', students.daily, newYorkTime(DAY, 30_000), {
        dcid: DEMO_FACTS.unknownDcid,
      }),
    ]);
    expect(record?.error?.message).toBe("Could not find student's PowerSchool id.");
    expect(record?.error?.resolution.join(' ')).toContain('Verify that the correct student IDs');
  });

  it.each([
    ['the passing time between periods', meetingBell.passingTime],
    ['lunch, when no class meets', meetingBell.lunchTime],
  ])('"Could not find student\'s period." during %s', async (_name, seconds) => {
    const [record] = await connector.send([
      demoEvent(`period-${seconds}`, students.meeting, newYorkTime(DAY, seconds)),
    ]);
    expect(record?.error?.message).toBe("Could not find student's period.");
    expect(record?.error?.meaning).toContain("doesn't recognize as a scheduled period");
  });

  it('"Could not find student\'s period." for a class the student dropped', async () => {
    const [record] = await connector.send([
      demoEvent(
        'dropped',
        students.freePeriod,
        newYorkTime(DAY, students.freePeriod.freeTime + 60),
      ),
    ]);
    expect(record?.error?.message).toBe("Could not find student's period.");
  });

  it('"isn\'t enrolled on" for a student who has left, with the technical format kept whole', async () => {
    const date = students.exited.firstNotEnrolledSchoolDay;
    const [record] = await connector.send([
      demoEvent('exited', students.exited, newYorkTime(date, 30_000)),
    ]);
    expect(record?.status).toBe('failed');
    expect(record?.error?.message).toMatch(
      /^Client error: `POST http:\/\/127\.0\.0\.1:\d+\/ws\/attendance\/daily_time` resulted in a `400 Bad Request` response: /,
    );
    expect(record?.error?.body).toContain(
      "Record Not Saved. : The student Noah Bennett isn't enrolled on 10/5/2026.",
    );
    expect(record?.error?.troubleshootingId).toBe('student_not_enrolled');
    expect(record?.error?.resolution.join(' ')).toContain(
      "Confirm the student's enrollment status",
    );
  });
});

describe('fix and replay', () => {
  it("\"doesn't match the term's year value\" with last year's codes; import this year's and replay succeeds", async () => {
    await connector.importAttendanceCodes(DISTRICT_ADMIN, {
      schoolNumber: 101,
      date: dates.lastYearInSession,
    });
    const warnings = await connector.checkReasonYears(DISTRICT_ADMIN);
    expect(warnings.map((warning) => warning.schoolNumber)).toEqual([101]);
    expect(warnings[0]?.message).toContain("doesn't match the term's year value");

    const [failed] = await connector.send([
      demoEvent('stale-code', students.daily, newYorkTime(dates.inSessionBDay, 30_000)),
    ]);
    expect(failed?.error?.body).toContain(`doesn't match the term's year value`);
    expect(failed?.error?.troubleshootingId).toBe('code_year_mismatch');
    expect(failed?.error?.resolution.join(' ')).toContain('pswb codes import');

    await connector.importAttendanceCodes(DISTRICT_ADMIN, { schoolNumber: 101 });
    expect(await connector.checkReasonYears(DISTRICT_ADMIN)).toEqual([]);
    const summary = await connector.replay(DISTRICT_ADMIN, {
      school: 101,
      search: 'thompson',
      from: dates.inSessionBDay,
      to: dates.inSessionBDay,
    });
    expect(summary).toMatchObject({ requeued: 1, successful: 1, failed: 0 });
    const record = connector.record(DISTRICT_ADMIN, 'stale-code');
    expect(record?.status).toBe('successful');
    expect(record?.runs).toBe(2);
    const posts = connector
      .attempts(DISTRICT_ADMIN, 'stale-code')
      .filter((a) => a.url.endsWith('daily_time'));
    expect(posts.map((attempt) => [attempt.run, attempt.http_status])).toEqual([
      [1, 400],
      [2, 200],
    ]);
    expect(attendanceOf(students.daily.id, dates.inSessionBDay)).toHaveLength(1);
  });

  it('"You have ATT_Mode... set as the method to use" on a mode mismatch; correcting the mode and replaying succeeds', async () => {
    await connector.updateSchools(DISTRICT_ADMIN, [{ schoolNumber: 102, mode: 'daily' }]);
    const [failed] = await connector.send([
      demoEvent('wrong-mode', students.time, newYorkTime(dates.inSessionBDay, 33_000)),
    ]);
    expect(failed?.error?.body).toContain('You have ATT_ModeTime set as the method to use');
    expect(failed?.error?.troubleshootingId).toBe('attendance_mode_mismatch');
    expect(failed?.error?.resolution[0]).toContain('pswb schools set --school <number> --mode');
    await connector.updateSchools(DISTRICT_ADMIN, [{ schoolNumber: 102, mode: 'time' }]);
    const summary = await connector.replay(DISTRICT_ADMIN, { school: 102 });
    expect(summary.successful).toBe(1);
    expect(connector.record(DISTRICT_ADMIN, 'wrong-mode')?.status).toBe('successful');
  });

  it('a disabled school is not attempted; after enabling it, replaying not_attempted sends it', async () => {
    await connector.updateSchools(DISTRICT_ADMIN, [{ schoolNumber: 103, enabled: false }]);
    const [skipped] = await connector.send([
      demoEvent(
        'disabled',
        students.meeting,
        newYorkTime(dates.inSessionBDay, meetingRecord.start + 60),
      ),
    ]);
    expect(skipped?.status).toBe('not_attempted');
    expect(attendanceOf(students.meeting.id, dates.inSessionBDay)).toHaveLength(0);
    await connector.updateSchools(DISTRICT_ADMIN, [{ schoolNumber: 103, enabled: true }]);
    const summary = await connector.replay(DISTRICT_ADMIN, { status: 'not_attempted' });
    expect(summary.successful).toBe(1);
    expect(attendanceOf(students.meeting.id, dates.inSessionBDay)).toHaveLength(1);
  });

  it('the log filters by status and name, and a building admin sees only their building', () => {
    const failed = connector.logs(DISTRICT_ADMIN, { status: 'failed' });
    expect(failed.records.map((record) => record.id).sort()).toEqual([
      'batch-exited',
      'dropped',
      'exited',
      'period-35220',
      'period-43200',
      'unknown-dcid',
    ]);
    expect(connector.logs(DISTRICT_ADMIN, { search: 'ramirez' }).total).toBeGreaterThan(0);
    const building = connector.logs({ role: 'building_admin', schools: [102] }, {});
    expect(new Set(building.records.map((record) => record.schoolNumber))).toEqual(new Set([102]));
  });
});
