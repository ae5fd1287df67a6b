/**
 * Correct and re-send, and cancel, against the simulator: what the event wrote is taken out of
 * PowerSchool (DELETE for Daily and Meeting records, 0 minutes for a Time record), the corrected
 * event is written again, the version before is kept, and nothing changes when PowerSchool
 * refuses the removal or the correction is not valid.
 */
import { describe, expect, it } from 'vitest';
import { DISTRICT_ADMIN, type Connector } from '../../connector/index.ts';
import type { RunningSimulator } from '../../simulator/server.ts';
import { DEMO_FACTS, demoEachTest, demoEvent, newYorkTime } from './support/simulator.ts';

const { students, dates, meetingBell } = DEMO_FACTS;
const DAY = dates.inSession;
const P = meetingBell.periods;
const harper = students.studentNumberIsAnotherDcid;

let sim: RunningSimulator;
let connector: Connector;

demoEachTest((started, connected) => {
  sim = started;
  connector = connected;
});

const rowsOf = (studentId: number) => sim.district.attendanceOn(studentId, DAY);

describe('correct and re-send', () => {
  it("moves an event entered for the wrong student: the first student's record goes, the right one's is written, both versions kept", async () => {
    await connector.send([demoEvent('vm-1', students.daily, newYorkTime(DAY, 9 * 3600))]);
    expect(rowsOf(students.daily.id)).toHaveLength(1);
    const done = await connector.correct(
      DISTRICT_ADMIN,
      'vm-1',
      { student: { dcid: harper.dcid, name: `${harper.firstName} ${harper.lastName}` } },
      'office@example.org',
    );
    expect(done.removed.map((held) => held.what)).toEqual(['The day: T']);
    expect(done.record.status).toBe('pending');
    expect(rowsOf(students.daily.id)).toHaveLength(0);
    await connector.resume();
    const record = connector.record(DISTRICT_ADMIN, 'vm-1')!;
    expect(record.status).toBe('successful');
    expect(record.studentName).toBe(`${harper.firstName} ${harper.lastName}`);
    expect(record.studentPsId).toBe(harper.id);
    expect(rowsOf(harper.id)).toHaveLength(1);
    const [first] = connector.versions(DISTRICT_ADMIN, 'vm-1');
    expect(first).toMatchObject({
      version: 1,
      state: 'successful',
      change: 'corrected',
      changed_by: 'office@example.org',
    });
    expect(JSON.parse(first!.payload).student.dcid).toBe(students.daily.dcid);
    expect(JSON.parse(first!.removed!)).toHaveLength(1);
  });

  it('Meeting: a corrected time writes the right period and removes the wrong one', async () => {
    await connector.send([demoEvent('vm-m', students.meeting, newYorkTime(DAY, P[2].start + 600))]);
    await connector.correct(DISTRICT_ADMIN, 'vm-m', {
      occurredAt: newYorkTime(DAY, P[3].start + 600),
    });
    await connector.resume();
    expect(rowsOf(students.meeting.id).map((row) => row.periodid)).toEqual([P[3].periodId]);
    expect(connector.record(DISTRICT_ADMIN, 'vm-m')!.localTime).toBe(
      newYorkTime(DAY, P[3].start + 600).slice(11, 16),
    );
  });

  it('Time: the old record is voided with 0 minutes (not deleted), the corrected one written', async () => {
    await connector.send([demoEvent('vm-t', students.time, newYorkTime(DAY, 9 * 3600))]);
    const [before] = rowsOf(students.time.id);
    await connector.correct(DISTRICT_ADMIN, 'vm-t', {
      occurredAt: newYorkTime(DAY, 10 * 3600),
    });
    expect(rowsOf(students.time.id)).toHaveLength(0);
    // Voided by a daily_time post of 0 minutes under its DCID: no DELETE reached PowerSchool.
    expect(sim.platform.journal.list({ method: 'DELETE' })).toHaveLength(0);
    expect(sim.platform.journal.list({ path: '/ws/attendance/daily_time' }).length).toBeGreaterThan(
      1,
    );
    await connector.resume();
    const [after] = rowsOf(students.time.id);
    expect(Number(after!.total_minutes)).toBe(Number(before!.total_minutes) + 60);
  });

  it('corrects a failed event (nothing to remove) and writes it', async () => {
    const [failed] = await connector.send([
      demoEvent('vm-f', students.daily, newYorkTime(DAY, 9 * 3600), {
        dcid: DEMO_FACTS.unknownDcid,
      }),
    ]);
    expect(failed!.status).toBe('failed');
    const done = await connector.correct(DISTRICT_ADMIN, 'vm-f', {
      student: { dcid: students.daily.dcid },
    });
    expect(done.removed).toEqual([]);
    await connector.resume();
    expect(connector.record(DISTRICT_ADMIN, 'vm-f')!.status).toBe('successful');
  });

  it('refuses a correction that is not valid, or changes nothing, and changes nothing', async () => {
    await connector.send([demoEvent('vm-1', students.daily, newYorkTime(DAY, 9 * 3600))]);
    await expect(
      connector.correct(DISTRICT_ADMIN, 'vm-1', { occurredAt: '2026-10-14 09:00' }),
    ).rejects.toMatchObject({
      code: 'invalid_event',
      message: expect.stringMatching(/occurredAt/),
    });
    await expect(connector.correct(DISTRICT_ADMIN, 'vm-1', { reason: 'T' })).rejects.toThrow(
      /changes nothing/,
    );
    expect(connector.record(DISTRICT_ADMIN, 'vm-1')!.status).toBe('successful');
    expect(connector.versions(DISTRICT_ADMIN, 'vm-1')).toEqual([]);
    expect(rowsOf(students.daily.id)).toHaveLength(1);
  });

  it("keeps a building admin to their buildings: another building's event is not found, and an event cannot move there", async () => {
    await connector.send([
      demoEvent('vm-1', students.daily, newYorkTime(DAY, 9 * 3600)),
      demoEvent('vm-2', students.time, newYorkTime(DAY, 9 * 3600)),
    ]);
    const building = { role: 'building_admin' as const, schools: [101] };
    await expect(connector.correct(building, 'vm-2', { reason: 'TE' })).rejects.toMatchObject({
      code: 'event_not_found',
    });
    await expect(
      connector.correct(building, 'vm-1', { student: { schoolNumber: 102 } }),
    ).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(connector.cancel(building, 'vm-2')).rejects.toMatchObject({
      code: 'event_not_found',
    });
    expect(connector.versions(building, 'vm-2')).toEqual([]);
  });

  it('leaves everything as it was when PowerSchool refuses the removal', async () => {
    await connector.send([demoEvent('vm-1', students.daily, newYorkTime(DAY, 9 * 3600))]);
    sim.platform.faults.add({
      method: 'DELETE',
      path: '/ws/schema/table/attendance/*',
      action: { type: 'status', status: 403 },
    });
    await expect(
      connector.correct(DISTRICT_ADMIN, 'vm-1', { student: { dcid: harper.dcid } }),
    ).rejects.toMatchObject({ code: 'remove_refused' });
    expect(connector.record(DISTRICT_ADMIN, 'vm-1')!.status).toBe('successful');
    expect(connector.versions(DISTRICT_ADMIN, 'vm-1')).toEqual([]);
    expect(rowsOf(students.daily.id)).toHaveLength(1);
  });
});

describe('cancel', () => {
  it('removes what the event wrote and marks it Cancelled; a second cancel is refused', async () => {
    await connector.send([demoEvent('vm-1', students.daily, newYorkTime(DAY, 9 * 3600))]);
    const done = await connector.cancel(DISTRICT_ADMIN, 'vm-1', 'office@example.org');
    expect(rowsOf(students.daily.id)).toHaveLength(0);
    expect(sim.platform.journal.list({ method: 'DELETE', status: 204 })).toHaveLength(1);
    // The removal is journaled under the event, beside its write.
    expect(connector.attempts(DISTRICT_ADMIN, 'vm-1').map((a) => a.method)).toContain('DELETE');
    expect(done.record).toMatchObject({ status: 'not_attempted', statusLabel: 'Cancelled' });
    expect(done.record.error).toMatchObject({
      code: 'cancelled',
      message: 'Cancelled by office@example.org; removed from PowerSchool: The day: T.',
    });
    expect(connector.versions(DISTRICT_ADMIN, 'vm-1')).toMatchObject([
      { version: 1, state: 'successful', change: 'cancelled' },
    ]);
    await expect(connector.cancel(DISTRICT_ADMIN, 'vm-1')).rejects.toThrow(/already cancelled/);
  });

  it('cancels a pending event before it is written: nothing reaches PowerSchool', async () => {
    connector.accept([demoEvent('vm-p', students.daily, newYorkTime(DAY, 9 * 3600))]);
    const done = await connector.cancel(DISTRICT_ADMIN, 'vm-p');
    expect(done.removed).toEqual([]);
    await connector.resume();
    expect(connector.record(DISTRICT_ADMIN, 'vm-p')!.statusLabel).toBe('Cancelled');
    expect(rowsOf(students.daily.id)).toHaveLength(0);
  });
});
