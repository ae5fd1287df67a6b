/**
 * The dry run (Connector.preview) against the simulator: the record a real run would post, each
 * lookup made for real, and nothing written: no outbox row, no journal, no record in PowerSchool.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISTRICT_ADMIN, STUDENT_ID_NOT_FOUND, type Connector } from '../../connector/index.ts';
import type { RunningSimulator } from '../../simulator/server.ts';
import {
  DEMO_FACTS,
  connectDemo,
  demoEvent,
  newYorkTime,
  startDemoSimulator,
} from './support/simulator.ts';

const { students, dates, codes } = DEMO_FACTS;
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

describe('Connector.preview (dry run)', () => {
  it('shows the exact record a run would post, and writes nothing anywhere', async () => {
    const event = demoEvent('preview-daily', students.daily, newYorkTime(DAY, 8 * 3600 + 40 * 60));
    const requestsBefore = connector.stats().requests;
    const [preview] = await connector.preview([event]);
    expect(preview).toMatchObject({
      id: 'preview-daily',
      outcome: 'would_write',
      studentPsId: students.daily.id,
      record: {
        mode: 'daily',
        endpoint: 'daily_time',
        fields: {
          studentid: String(students.daily.id),
          att_date: DAY,
          attendance_codeid: String(codes[101].current.tardy),
        },
      },
    });
    // The lookups were real calls to PowerSchool (the DCID, the school day, the metadata).
    expect(connector.stats().requests).toBeGreaterThan(requestsBefore);
    expect(sim.district.attendanceOn(students.daily.id, DAY)).toHaveLength(0);
    expect(connector.record(DISTRICT_ADMIN, 'preview-daily')).toBeUndefined();
    expect(connector.queue()).toMatchObject({ pending: 0, sending: 0 });
    // Sent for real, the event writes the record the preview showed.
    const [record] = await connector.send([event]);
    expect(record?.status).toBe('successful');
    expect((record?.written as { fields: unknown }).fields).toEqual(preview!.record!.fields);
  });

  it('says why an event would fail, with the meaning and the fix', async () => {
    const unknown = demoEvent('preview-unknown', students.time, newYorkTime(DAY, 9 * 3600), {
      dcid: 999_999,
    });
    const [failed] = await connector.preview([unknown]);
    expect(failed).toMatchObject({
      outcome: 'failed',
      error: { code: 'student_id_not_found', message: STUDENT_ID_NOT_FOUND },
    });
    expect(failed!.error!.meaning.length).toBeGreaterThan(10);
    expect(failed!.error!.resolution.length).toBeGreaterThan(0);
    expect(connector.record(DISTRICT_ADMIN, 'preview-unknown')).toBeUndefined();
  });

  it('refuses invalid events all or none, naming each by its position, as accepting does', async () => {
    const good = demoEvent('preview-ok', students.daily, newYorkTime(DAY, 9 * 3600));
    await expect(connector.preview([good, { id: 'x' }])).rejects.toMatchObject({
      code: 'invalid_event',
    });
  });
});
