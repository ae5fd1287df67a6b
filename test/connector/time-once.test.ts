/**
 * A Time record is inserted by every post (PowerSchool keeps several a day). When a run posted
 * one and stopped before recording it (killed, or its lease lapsed), the next run of the event
 * finds it in PowerSchool and does not post it again; a first run reads nothing.
 */
import { describe, expect, it } from 'vitest';
import { DISTRICT_ADMIN, type Connector } from '../../connector/index.ts';
import type { RunningSimulator } from '../../simulator/server.ts';
import { DEMO_FACTS, demoEachTest, demoEvent, newYorkTime } from './support/simulator.ts';

const { students, dates } = DEMO_FACTS;
const DAY = dates.inSession;

let sim: RunningSimulator;
let connector: Connector;

demoEachTest((started, connected) => {
  sim = started;
  connector = connected;
});

const reads = () =>
  sim.platform.journal.list({ method: 'GET', path: '/ws/schema/table/attendance' }).length;

describe('a Time record is written once', () => {
  it('a later run of an event whose record is already in PowerSchool does not post it again', async () => {
    await connector.send([demoEvent('t-1', students.time, newYorkTime(DAY, 9 * 3600))]);
    // The first run read nothing first.
    expect(reads()).toBe(0);
    expect(sim.district.attendanceOn(students.time.id, DAY)).toHaveLength(1);
    // As if the run had been killed after the post: the event is back in the outbox.
    connector.store.requeueWritten(['t-1'], new Date().toISOString());
    await connector.resume();
    expect(reads()).toBe(1);
    expect(sim.district.attendanceOn(students.time.id, DAY)).toHaveLength(1);
    expect(connector.record(DISTRICT_ADMIN, 't-1')).toMatchObject({
      status: 'successful',
      runs: 2,
    });
  });

  it('posts it on a later run when PowerSchool does not have it', async () => {
    await connector.send([demoEvent('t-1', students.time, newYorkTime(DAY, 9 * 3600))]);
    const attendance = sim.district.table('attendance');
    for (const row of sim.district.attendanceOn(students.time.id, DAY)) attendance.remove(row);
    connector.store.requeueWritten(['t-1'], new Date().toISOString());
    await connector.resume();
    expect(sim.district.attendanceOn(students.time.id, DAY)).toHaveLength(1);
  });
});
