/**
 * Reconciliation against the simulator: the records pswb wrote are read back; a record deleted
 * in PowerSchool is missing, one given another code is changed, one replaced by pswb's own later
 * writeback is superseded; re-sending the missing one writes it again, once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISTRICT_ADMIN, type Connector } from '../../connector/index.ts';
import type { RunningSimulator } from '../../simulator/server.ts';
import {
  DEMO_FACTS,
  connectDemo,
  demoEvent,
  newYorkTime,
  startDemoSimulator,
} from './support/simulator.ts';

const { students, dates, meetingBell, codes } = DEMO_FACTS;
const DAY = dates.inSession;

let sim: RunningSimulator;
let connector: Connector;

beforeAll(async () => {
  sim = await startDemoSimulator();
  connector = await connectDemo(sim);
  const records = await connector.send([
    demoEvent('rec-daily', students.daily, newYorkTime(DAY, 8 * 3600 + 40 * 60)),
    demoEvent('rec-time', students.time, newYorkTime(DAY, 9 * 3600)),
    demoEvent(
      'rec-meeting',
      students.meeting,
      newYorkTime(DAY, meetingBell.periods[2].start + 600),
    ),
  ]);
  expect(records.map((record) => record.status)).toEqual([
    'successful',
    'successful',
    'successful',
  ]);
});
afterAll(async () => {
  connector?.close();
  await sim?.close();
});

describe('reconciliation', () => {
  it('finds every record present right after writing', async () => {
    const report = await connector.reconcile(DISTRICT_ADMIN, { from: DAY, to: DAY });
    expect(report).toMatchObject({ checked: 3, present: 3, missing: [], changed: [] });
  });

  it('reports a deleted record missing and a recoded one changed, naming the field', async () => {
    const attendance = sim.district.table('attendance');
    const daily = sim.district.attendanceOn(students.daily.id, DAY)[0]!;
    attendance.remove(daily);
    const meeting = sim.district.attendanceOn(students.meeting.id, DAY)[0]!;
    const other = codes[103].current.absent;
    attendance.update(meeting, { attendance_codeid: other });
    const report = await connector.reconcile(DISTRICT_ADMIN, { from: DAY, to: DAY });
    expect(report.present).toBe(1);
    expect(report.missing.map((item) => item.id)).toEqual(['rec-daily']);
    expect(report.changed).toHaveLength(1);
    expect(report.changed[0]).toMatchObject({
      id: 'rec-meeting',
      changes: [{ field: 'attendance_codeid', now: String(other) }],
    });
  });

  it('re-sends only what is still missing, which writes it again once', async () => {
    const moved = await connector.resendMissing(DISTRICT_ADMIN, ['rec-daily', 'rec-time']);
    expect(moved).toEqual(['rec-daily']);
    await connector.resume();
    expect(sim.district.attendanceOn(students.daily.id, DAY)).toHaveLength(1);
    const report = await connector.reconcile(DISTRICT_ADMIN, { from: DAY, to: DAY });
    expect(report.missing).toEqual([]);
    await expect(connector.resendMissing(DISTRICT_ADMIN, ['nope'])).rejects.toMatchObject({
      code: 'event_not_found',
    });
  });

  it('keeps a building admin to their buildings', async () => {
    const report = await connector.reconcile(
      { role: 'building_admin', schools: [101] },
      { from: DAY, to: DAY },
    );
    expect(report.checked).toBe(1);
    await expect(
      connector.resendMissing({ role: 'building_admin', schools: [101] }, ['rec-meeting']),
    ).rejects.toMatchObject({ code: 'event_not_found' });
  });

  it('says a later writeback of the same record superseded an earlier one', async () => {
    await connector.send([
      demoEvent('rec-daily-late', students.daily, newYorkTime(DAY, 9 * 3600), { reason: 'T' }),
    ]);
    const report = await connector.reconcile(DISTRICT_ADMIN, { from: DAY, to: DAY, school: 101 });
    expect(report.superseded).toBe(1);
    expect(report.present).toBe(1);
    // The record deleted: only the later event, the one PowerSchool should hold, is missing.
    const attendance = sim.district.table('attendance');
    for (const row of sim.district.attendanceOn(students.daily.id, DAY)) attendance.remove(row);
    const gone = await connector.reconcile(DISTRICT_ADMIN, { from: DAY, to: DAY, school: 101 });
    expect(gone.missing.map((item) => item.id)).toEqual(['rec-daily-late']);
    expect(gone.superseded).toBe(1);
  });
});
