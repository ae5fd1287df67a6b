/**
 * The writeback behaviours beyond the guide, each a school setting, against the simulator in each
 * attendance mode: period coverage in Meeting mode, existing attendance (a teacher's mark kept),
 * and a return to school after an early check-out. The defaults reproduce the guide exactly.
 */
import { describe, expect, it } from 'vitest';
import { DISTRICT_ADMIN, type Connector, type WrittenRecord } from '../../connector/index.ts';
import type { RunningSimulator } from '../../simulator/server.ts';
import {
  DEMO_FACTS,
  demoEachTest,
  connectDemo,
  demoEvent,
  newYorkTime,
} from './support/simulator.ts';

const { students, dates, meetingBell } = DEMO_FACTS;
const DAY = dates.inSession;
const P = meetingBell.periods;
const MEETING_PERIODS = [P[1], P[2], P[3], P[4], P[5], P[6], P[7]].map((p) => p.periodId);

let sim: RunningSimulator;
let connector: Connector;

demoEachTest((started, connected) => {
  sim = started;
  connector = connected;
});

/** The student's records of the day in the simulator: period (0 for Daily/Time) -> att_code. */
function heldCodes(studentId: number, school: 101 | 102 | 103): Map<number, string> {
  const byId = new Map(
    sim.district
      .table('attendance_code')
      .all()
      .filter((code) => code.schoolid === school)
      .map((code) => [code.id, code.att_code]),
  );
  return new Map(
    sim.district
      .attendanceOn(studentId, DAY)
      .map((row) => [row.periodid, byId.get(row.attendance_codeid) ?? '?']),
  );
}

function writtenOf(id: string): WrittenRecord {
  return connector.record(DISTRICT_ADMIN, id)!.written as WrittenRecord;
}

const lateAt = (seconds: number, id = 'late') =>
  demoEvent(id, students.meeting, newYorkTime(DAY, seconds));
type Student = (typeof students)[keyof typeof students];
const outAt = (seconds: number, id = 'out', student: Student = students.meeting) =>
  demoEvent(id, student, newYorkTime(DAY, seconds), { type: 'early_checkout' });

describe('period coverage in Meeting mode', () => {
  it('writes the current period only by default (the guide)', async () => {
    const [record] = await connector.send([lateAt(P[3].start + 600)]);
    expect(record!.status).toBe('successful');
    expect([...heldCodes(students.meeting.id, 103)]).toEqual([[P[3].periodId, 'T']]);
    expect(writtenOf('late').also).toBeUndefined();
  });

  it('also marks every earlier period of a late check-in, in one call, with the missed code', async () => {
    await connector.setSchoolBehaviours(DISTRICT_ADMIN, 103, { missedBefore: 'a' });
    const [record] = await connector.send([lateAt(P[3].start + 600)]);
    expect(record!.status).toBe('successful');
    expect(Object.fromEntries(heldCodes(students.meeting.id, 103))).toEqual({
      [P[1].periodId]: 'A',
      [P[2].periodId]: 'A',
      [P[3].periodId]: 'T',
    });
    const written = writtenOf('late');
    expect(written.lines!.map((line) => `${line.action} ${line.what}`)).toEqual([
      'written Period 3: T',
      'written Period 1: A',
      'written Period 2: A',
    ]);
    // One meeting_interval call carried the three records.
    const posts = connector.attempts(DISTRICT_ADMIN, 'late').filter((a) => a.method === 'POST');
    expect(posts.filter((a) => a.url.endsWith('/ws/attendance/meeting_interval'))).toHaveLength(1);
  });

  it('also marks every later period of an early check-out', async () => {
    await connector.setSchoolBehaviours(DISTRICT_ADMIN, 103, { missedAfter: 'A' });
    await connector.send([outAt(P[5].start + 600)]);
    expect(Object.fromEntries(heldCodes(students.meeting.id, 103))).toEqual({
      [P[5].periodId]: 'ED',
      [P[6].periodId]: 'A',
      [P[7].periodId]: 'A',
    });
  });

  it('has no effect in Daily or Time mode', async () => {
    await connector.setSchoolBehaviours(DISTRICT_ADMIN, 101, { missedBefore: 'A' });
    await connector.setSchoolBehaviours(DISTRICT_ADMIN, 102, { missedAfter: 'A' });
    await connector.send([
      demoEvent('d', students.daily, newYorkTime(DAY, 10 * 3600)),
      outAt(13 * 3600, 't', students.time),
    ]);
    expect([...heldCodes(students.daily.id, 101)]).toEqual([[0, 'T']]);
    expect([...heldCodes(students.time.id, 102)]).toEqual([[0, 'ED']]);
  });

  it('refuses a code the school does not have, naming the valid ones', async () => {
    await expect(
      connector.setSchoolBehaviours(DISTRICT_ADMIN, 103, { missedBefore: 'ZZ' }),
    ).rejects.toThrow(/"ZZ" is not one of school 103's attendance codes\. Valid: .*\bA\b/);
    await expect(
      connector.setSchoolBehaviours(DISTRICT_ADMIN, 103, { existing: 'overwrite_listed' }),
    ).rejects.toThrow(/needs the codes that may be overwritten/);
    await expect(
      connector.setSchoolBehaviours({ role: 'building_admin', schools: [101] }, 103, {
        missedBefore: 'A',
      }),
    ).rejects.toMatchObject({ code: 'permission_denied' });
  });
});

describe('existing attendance', () => {
  /** A record written by someone else (a second pswb with its own log stands in for a teacher). */
  async function teacherMarks(event: Record<string, unknown>): Promise<void> {
    const teacher = await connectDemo(sim);
    const [record] = await teacher.send([event]);
    teacher.close();
    expect(record!.status).toBe('successful');
  }

  it("overwrites a teacher's mark by default (the guide), reading nothing first", async () => {
    await teacherMarks(
      demoEvent('t', students.meeting, newYorkTime(DAY, P[2].start + 60), { reason: 'TE' }),
    );
    await connector.send([lateAt(P[2].start + 600)]);
    expect(heldCodes(students.meeting.id, 103).get(P[2].periodId)).toBe('T');
    const reads = connector
      .attempts(DISTRICT_ADMIN, 'late')
      .filter((a) => a.url.includes('/ws/schema/table/attendance'));
    expect(reads).toHaveLength(0);
  });

  it("keeps a teacher's mark: logged as kept existing record, not a failure, nothing written", async () => {
    await teacherMarks(
      demoEvent('t', students.meeting, newYorkTime(DAY, P[2].start + 60), { reason: 'TE' }),
    );
    await connector.setSchoolBehaviours(DISTRICT_ADMIN, 103, { existing: 'keep' });
    const [record] = await connector.send([lateAt(P[2].start + 600)]);
    expect(record!.status).toBe('not_attempted');
    expect(record!.statusLabel).toBe('Kept existing record');
    expect(record!.error).toMatchObject({ code: 'kept_existing_record' });
    expect(record!.error!.message).toMatch(/PowerSchool already holds Period 2: TE/);
    expect(heldCodes(students.meeting.id, 103).get(P[2].periodId)).toBe('TE');
  });

  it('keeps only the clashing period: the others of the event are written', async () => {
    await teacherMarks(
      demoEvent('t', students.meeting, newYorkTime(DAY, P[1].start + 60), { reason: 'TE' }),
    );
    await connector.setSchoolBehaviours(DISTRICT_ADMIN, 103, {
      existing: 'keep',
      missedBefore: 'A',
    });
    const [record] = await connector.send([lateAt(P[3].start + 600)]);
    expect(record!.status).toBe('successful');
    expect(Object.fromEntries(heldCodes(students.meeting.id, 103))).toEqual({
      [P[1].periodId]: 'TE',
      [P[2].periodId]: 'A',
      [P[3].periodId]: 'T',
    });
    expect(writtenOf('late').lines).toContainEqual({ action: 'kept', what: 'Period 1: TE' });
  });

  it('overwrites only the listed codes', async () => {
    await teacherMarks(
      demoEvent('t1', students.daily, newYorkTime(DAY, 8 * 3600), { reason: 'TE' }),
    );
    await connector.setSchoolBehaviours(DISTRICT_ADMIN, 101, {
      existing: 'overwrite_listed',
      overwritable: ['T'],
    });
    const [kept] = await connector.send([
      demoEvent('d1', students.daily, newYorkTime(DAY, 9 * 3600)),
    ]);
    expect(kept!.error?.code).toBe('kept_existing_record');
    expect(heldCodes(students.daily.id, 101).get(0)).toBe('TE');
    await connector.setSchoolBehaviours(DISTRICT_ADMIN, 101, { overwritable: ['TE'] });
    const [written] = await connector.send([
      demoEvent('d2', students.daily, newYorkTime(DAY, 9 * 3600)),
    ]);
    expect(written!.status).toBe('successful');
    expect(heldCodes(students.daily.id, 101).get(0)).toBe('T');
  });

  it("overwrites pswb's own earlier record even while keeping teachers' marks", async () => {
    await connector.setSchoolBehaviours(DISTRICT_ADMIN, 101, { existing: 'keep' });
    await connector.send([demoEvent('d1', students.daily, newYorkTime(DAY, 8 * 3600))]);
    const [second] = await connector.send([
      demoEvent('d2', students.daily, newYorkTime(DAY, 9 * 3600), { reason: 'TE' }),
    ]);
    expect(second!.status).toBe('successful');
    expect(heldCodes(students.daily.id, 101).get(0)).toBe('TE');
  });

  it("keeps a teacher's Time record instead of adding a second one", async () => {
    await teacherMarks(demoEvent('t', students.time, newYorkTime(DAY, 8 * 3600 + 1800)));
    await connector.setSchoolBehaviours(DISTRICT_ADMIN, 102, { existing: 'keep' });
    const [record] = await connector.send([
      demoEvent('x', students.time, newYorkTime(DAY, 9 * 3600)),
    ]);
    expect(record!.error?.code).toBe('kept_existing_record');
    expect(sim.district.attendanceOn(students.time.id, DAY)).toHaveLength(1);
  });
});

describe('return to school', () => {
  it('is written as its own late check-in by default (the guide)', async () => {
    await connector.send([outAt(P[2].start + 600)]);
    await connector.send([lateAt(P[4].start + 600)]);
    expect(Object.fromEntries(heldCodes(students.meeting.id, 103))).toEqual({
      [P[2].periodId]: 'ED',
      [P[4].periodId]: 'T',
    });
    expect(writtenOf('late').returnOf).toBeUndefined();
  });

  it("Meeting, remove: the later periods' records go, the period in progress gets the late code; both events linked", async () => {
    await connector.setSchoolBehaviours(DISTRICT_ADMIN, 103, {
      missedAfter: 'A',
      returnToSchool: 'remove',
    });
    await connector.send([outAt(P[2].start + 600)]);
    expect([...heldCodes(students.meeting.id, 103).keys()].sort()).toEqual(
      MEETING_PERIODS.slice(1),
    );
    const [back] = await connector.send([lateAt(P[4].start + 600)]);
    expect(back!.status).toBe('successful');
    expect(Object.fromEntries(heldCodes(students.meeting.id, 103))).toEqual({
      [P[2].periodId]: 'ED',
      [P[3].periodId]: 'A',
      [P[4].periodId]: 'T',
    });
    const written = writtenOf('late');
    expect(written.returnOf).toBe('out');
    expect(written.removed!.map((held) => held.periodId)).toEqual([
      P[5].periodId,
      P[6].periodId,
      P[7].periodId,
    ]);
    expect(
      (connector.record(DISTRICT_ADMIN, 'out')!.written as { returnedBy?: string }).returnedBy,
    ).toBe('late');
  });

  it("Meeting, change: the later periods' records get the return code", async () => {
    await connector.setSchoolBehaviours(DISTRICT_ADMIN, 103, {
      missedAfter: 'A',
      returnToSchool: 'change',
      returnCode: 'AE',
    });
    await connector.send([outAt(P[5].start + 600)]);
    await connector.send([lateAt(P[6].start - 120)]);
    expect(Object.fromEntries(heldCodes(students.meeting.id, 103))).toEqual({
      [P[5].periodId]: 'ED',
      [P[6].periodId]: 'AE',
      [P[7].periodId]: 'AE',
    });
  });

  it("Time: the check-out's minutes become the time away (same record, by its DCID)", async () => {
    await connector.setSchoolBehaviours(DISTRICT_ADMIN, 102, { returnToSchool: 'remove' });
    await connector.send([outAt(10 * 3600, 'out', students.time)]);
    const [before] = sim.district.attendanceOn(students.time.id, DAY);
    expect(Number(before!.total_minutes)).toBeGreaterThan(60);
    const [back] = await connector.send([
      demoEvent('late', students.time, newYorkTime(DAY, 11 * 3600)),
    ]);
    expect(back!.status).toBe('successful');
    const rows = sim.district.attendanceOn(students.time.id, DAY);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).toBe(before!.id);
    expect(Number(rows[0]!.total_minutes)).toBe(60);
  });

  it('Time: back within the minute voids the record (0 minutes)', async () => {
    await connector.setSchoolBehaviours(DISTRICT_ADMIN, 102, { returnToSchool: 'remove' });
    await connector.send([outAt(10 * 3600, 'out', students.time)]);
    await connector.send([demoEvent('late', students.time, newYorkTime(DAY, 10 * 3600 + 20))]);
    expect(sim.district.attendanceOn(students.time.id, DAY)).toHaveLength(0);
  });

  it("Daily: remove takes the day's record away; change recodes it", async () => {
    await connector.setSchoolBehaviours(DISTRICT_ADMIN, 101, { returnToSchool: 'remove' });
    await connector.send([outAt(10 * 3600, 'out', students.daily)]);
    expect(heldCodes(students.daily.id, 101).get(0)).toBe('ED');
    await connector.send([demoEvent('late', students.daily, newYorkTime(DAY, 11 * 3600))]);
    expect(sim.district.attendanceOn(students.daily.id, DAY)).toHaveLength(0);

    await connector.setSchoolBehaviours(DISTRICT_ADMIN, 101, {
      returnToSchool: 'change',
      returnCode: 'TE',
    });
    await connector.send([outAt(12 * 3600, 'out2', students.daily)]);
    await connector.send([demoEvent('late2', students.daily, newYorkTime(DAY, 13 * 3600))]);
    expect([...heldCodes(students.daily.id, 101)]).toEqual([[0, 'TE']]);
  });

  it('a dry run of a return shows what it would remove, and removes nothing', async () => {
    await connector.setSchoolBehaviours(DISTRICT_ADMIN, 101, { returnToSchool: 'remove' });
    await connector.send([outAt(10 * 3600, 'out', students.daily)]);
    const [preview] = await connector.preview([
      demoEvent('late', students.daily, newYorkTime(DAY, 11 * 3600)),
    ]);
    expect(preview).toMatchObject({
      outcome: 'would_write',
      record: { returnOf: 'out', lines: [{ action: 'removed', what: 'The day: ED' }] },
    });
    expect(preview!.record!.fields).toBeUndefined();
    expect(heldCodes(students.daily.id, 101).get(0)).toBe('ED');
  });

  it('waits for a check-out sent in the same run, then updates it', async () => {
    await connector.setSchoolBehaviours(DISTRICT_ADMIN, 101, { returnToSchool: 'remove' });
    const records = await connector.send([
      outAt(10 * 3600, 'out', students.daily),
      demoEvent('late', students.daily, newYorkTime(DAY, 11 * 3600)),
    ]);
    expect(records.map((record) => record.status)).toEqual(['successful', 'successful']);
    expect(writtenOf('late').returnOf).toBe('out');
    expect(sim.district.attendanceOn(students.daily.id, DAY)).toHaveLength(0);
  });

  it('a check-in waits in the outbox while its check-out waits out a PowerSchool outage, then updates it', async () => {
    await connector.setSchoolBehaviours(DISTRICT_ADMIN, 101, { returnToSchool: 'remove' });
    const retryLater = { delaysMs: [60_000], maxRuns: 5 };
    const outage = sim.platform.faults.add({
      method: 'POST',
      path: '/ws/attendance/*',
      action: { type: 'status', status: 503 },
    });
    connector.accept([
      outAt(10 * 3600, 'out', students.daily),
      demoEvent('late', students.daily, newYorkTime(DAY, 11 * 3600)),
    ]);
    const first = await connector.resume({ retryLater });
    expect(first.deferred).toBe(2);
    expect(connector.record(DISTRICT_ADMIN, 'out')!.error?.code).toBe('server_error');
    const waiting = connector.record(DISTRICT_ADMIN, 'late')!;
    expect(waiting).toMatchObject({ status: 'pending', error: { code: 'waiting_for_checkout' } });
    expect(waiting.error!.meaning).toMatch(/waits for the check-out/);
    sim.platform.faults.remove(outage.id);
    sim.platform.clock.advance(61_000);
    await connector.resume({ retryLater });
    expect(connector.record(DISTRICT_ADMIN, 'out')!.status).toBe('successful');
    expect(connector.record(DISTRICT_ADMIN, 'late')!).toMatchObject({ status: 'successful' });
    expect(writtenOf('late').returnOf).toBe('out');
    expect(sim.district.attendanceOn(students.daily.id, DAY)).toHaveLength(0);
  });

  it('fails plainly when PowerSchool refuses the removal, and a re-send finishes it', async () => {
    await connector.setSchoolBehaviours(DISTRICT_ADMIN, 101, { returnToSchool: 'remove' });
    await connector.send([outAt(10 * 3600, 'out', students.daily)]);
    const rule = sim.platform.faults.add({
      method: 'DELETE',
      path: '/ws/schema/table/attendance/*',
      action: { type: 'status', status: 403 },
    });
    const [refused] = await connector.send([
      demoEvent('late', students.daily, newYorkTime(DAY, 11 * 3600)),
    ]);
    expect(refused!.status).toBe('failed');
    expect(refused!.error).toMatchObject({ code: 'remove_refused' });
    expect(refused!.error!.meaning).toMatch(/refused to remove/);
    expect(sim.district.attendanceOn(students.daily.id, DAY)).toHaveLength(1);
    sim.platform.faults.remove(rule.id);
    connector.resend(DISTRICT_ADMIN, 'late');
    await connector.resume();
    expect(connector.record(DISTRICT_ADMIN, 'late')!.status).toBe('successful');
    expect(sim.district.attendanceOn(students.daily.id, DAY)).toHaveLength(0);
  });
});

describe('reconciliation of these records', () => {
  it("checks every period a Meeting event wrote, and a check-out a return updated is not 'missing'", async () => {
    await connector.setSchoolBehaviours(DISTRICT_ADMIN, 103, { missedAfter: 'A' });
    await connector.setSchoolBehaviours(DISTRICT_ADMIN, 101, { returnToSchool: 'remove' });
    await connector.send([outAt(P[5].start + 600)]);
    await connector.send([outAt(10 * 3600, 'd-out', students.daily)]);
    await connector.send([demoEvent('d-back', students.daily, newYorkTime(DAY, 11 * 3600))]);
    const clean = await connector.reconcile(DISTRICT_ADMIN, { from: DAY, to: DAY });
    // The Meeting check-out present (3 records), the Daily check-out superseded by its return.
    expect(clean).toMatchObject({
      checked: 2,
      present: 1,
      superseded: 1,
      missing: [],
      changed: [],
    });
    // One of the missed periods deleted in PowerSchool: the Meeting event is missing.
    const period7 = sim.district
      .attendanceOn(students.meeting.id, DAY)
      .find((row) => row.periodid === P[7].periodId)!;
    sim.district.table('attendance').remove(period7);
    const gap = await connector.reconcile(DISTRICT_ADMIN, { from: DAY, to: DAY });
    expect(gap.missing.map((item) => item.id)).toEqual(['out']);
    expect(await connector.resendMissing(DISTRICT_ADMIN, ['out'])).toEqual(['out']);
    await connector.resume();
    expect(heldCodes(students.meeting.id, 103).get(P[7].periodId)).toBe('A');
  });
});
