import { describe, expect, it } from 'vitest';
import { DISTRICT_ADMIN, type ConnectorError } from '../../connector/index.ts';
import {
  event,
  fakeConnector,
  fakeDistrict,
  fakeSettings,
  type FakeDistrict,
} from './support/fake-district.ts';
import { BASE_URL } from './support/mock-powerschool.ts';

const attendanceOf = (district: FakeDistrict, index = 0) =>
  district.posts[index]!.body.record[0]!.tables.attendance;

describe('writeback per attendance mode (MockAgent)', () => {
  it('Daily: posts daily_time with ATT_ModeDaily, the district-local date, year, calendar day and code', async () => {
    const district = fakeDistrict();
    const connector = fakeConnector(district);
    const [record] = await connector.send([event()]);
    expect(record).toMatchObject({
      status: 'successful',
      studentPsId: 1001,
      localDate: '2026-10-14',
      localTime: '08:40',
    });
    expect(district.posts[0]!.path).toBe('/ws/attendance/daily_time');
    expect(attendanceOf(district)).toEqual({
      studentid: '1001',
      schoolid: '101',
      att_date: '2026-10-14',
      yearid: '36',
      attendance_codeid: '7',
      att_comment: 'Late Check-in at 08:40',
      programid: '0',
      calendar_dayid: '1554',
      att_mode_code: 'ATT_ModeDaily',
    });
  });

  it('Time: total_minutes runs from the first bell to a late check-in', async () => {
    const district = fakeDistrict();
    const connector = fakeConnector(district);
    // first bell 28500 s = 07:55; check-in 08:40 -> 45 minutes
    await connector.send([event({}, { dcid: 5002, schoolNumber: 102 })]);
    expect(attendanceOf(district)).toMatchObject({
      att_mode_code: 'ATT_ModeTime',
      total_minutes: '45',
      studentid: '1002',
    });
  });

  it('Time: total_minutes runs from an early check-out to the last bell', async () => {
    const district = fakeDistrict();
    const connector = fakeConnector(district);
    // last bell 55200 s = 15:20; check-out 14:05 -> 75 minutes
    await connector.send([
      event(
        { type: 'early_checkout', reason: 'ED', occurredAt: '2026-10-14T14:05:00-04:00' },
        { dcid: 5002, schoolNumber: 102 },
      ),
    ]);
    expect(attendanceOf(district)).toMatchObject({ total_minutes: '75', attendance_codeid: '9' });
  });

  it('Meeting: posts meeting_interval for the period at that time, with integer start and end', async () => {
    const district = fakeDistrict();
    const connector = fakeConnector(district);
    await connector.send([
      event({ occurredAt: '2026-10-14T09:00:00-04:00' }, { dcid: 5003, schoolNumber: 103 }),
    ]);
    expect(district.posts[0]!.path).toBe('/ws/attendance/meeting_interval');
    expect(attendanceOf(district)).toMatchObject({
      att_mode_code: 'ATT_ModeMeeting',
      ccid: '70018',
      periodid: '30',
      start_time: 31_800,
      end_time: 35_100,
      yearid: '36',
    });
  });

  it('accepts the reason by its description as well as its att_code', async () => {
    const district = fakeDistrict();
    const connector = fakeConnector(district);
    const [record] = await connector.send([event({ reason: 'tardy' })]);
    expect(record?.status).toBe('successful');
    expect(attendanceOf(district).attendance_codeid).toBe('7');
  });
});

describe('writeback failures (MockAgent)', () => {
  it('fails with "Could not find student\'s PowerSchool id." when no student has the DCID', async () => {
    const district = fakeDistrict();
    const connector = fakeConnector(district);
    const [record] = await connector.send([event({}, { dcid: 999_999 })]);
    expect(record?.status).toBe('failed');
    expect(record?.error?.message).toBe("Could not find student's PowerSchool id.");
    expect(record?.error?.troubleshootingId).toBe('student_id_not_found');
    expect(district.posts).toHaveLength(0);
  });

  it('fails with "Could not find student\'s period." when the check-in falls between periods', async () => {
    const district = fakeDistrict();
    const connector = fakeConnector(district);
    const [record] = await connector.send([
      event({ occurredAt: '2026-10-14T09:46:00-04:00' }, { dcid: 5003, schoolNumber: 103 }),
    ]);
    expect(record?.error?.message).toBe("Could not find student's period.");
    expect(record?.error?.resolution[0]).toContain('active class/period');
  });

  it("keeps PowerSchool's 400 whole in the log and shows it in the guide's technical format", async () => {
    const district = fakeDistrict();
    const body = {
      message: "Record Not Saved. : 7 doesn't match the term's year value: 3500.",
      errors: [{ resource: 'attendance', field: 'attendance_codeid', code: 'invalid' }],
    };
    district.postFailures.push({ status: 400, body });
    const connector = fakeConnector(district);
    const [record] = await connector.send([event()]);
    const text = JSON.stringify(body);
    expect(record?.error?.message).toBe(
      `Client error: \`POST ${BASE_URL}/ws/attendance/daily_time\` resulted in a \`400 Bad Request\` response: ${text.slice(0, 120)} (truncated...)`,
    );
    expect(record?.error?.body).toBe(text);
    expect(record?.error?.status).toBe(400);
    expect(record?.error?.troubleshootingId).toBe('code_year_mismatch');
    expect(
      connector
        .attempts({ role: 'district_admin' }, 'evt-1')
        .filter((a) => a.url.endsWith('daily_time')),
    ).toHaveLength(1);
  });

  it('retries a 503 on the attendance POST and records both attempts', async () => {
    const district = fakeDistrict();
    district.postFailures.push({
      status: 503,
      body: { message: 'maintenance' },
      headers: { 'retry-after': '1' },
    });
    const connector = fakeConnector(district);
    const [record] = await connector.send([event()]);
    expect(record?.status).toBe('successful');
    const posts = connector
      .attempts({ role: 'district_admin' }, 'evt-1')
      .filter((a) => a.url.endsWith('daily_time'));
    expect(posts.map((a) => a.http_status)).toEqual([503, 200]);
    expect(posts[0]?.retry_in_ms).toBe(1000);
  });

  it('does not attempt a disabled school: the event is logged as not attempted and nothing is sent', async () => {
    const district = fakeDistrict();
    const settings = fakeSettings((s) => {
      s.schools['101']!.enabled = false;
    });
    const connector = fakeConnector(district, { settings });
    const [record] = await connector.send([event()]);
    expect(record?.status).toBe('not_attempted');
    expect(record?.error?.troubleshootingId).toBe('school_disabled');
    expect(connector.client.stats().requests).toBe(0);
  });

  it('fails plainly when the reason is not mapped for the event type', async () => {
    const district = fakeDistrict();
    const connector = fakeConnector(district);
    const [record] = await connector.send([event({ reason: 'ED' })]);
    expect(record?.error?.message).toBe(
      'The reason "ED" is not mapped to a PowerSchool attendance code for Late Check-in at school 101.',
    );
  });
});

describe('idempotency and request budget (MockAgent)', () => {
  it('accepting an event id that exists with the same contents returns the existing record and posts nothing more', async () => {
    const district = fakeDistrict();
    const connector = fakeConnector(district);
    await connector.send([event()]);
    const again = connector.accept([event()]);
    expect(again[0]?.created).toBe(false);
    expect(again[0]?.record.status).toBe('successful');
    await connector.send([event()]);
    expect(district.posts).toHaveLength(1);
  });

  it('refuses an event id that exists with other contents, naming the differing fields, and keeps the stored event', async () => {
    const district = fakeDistrict();
    const connector = fakeConnector(district);
    await connector.send([event()]);
    const caught = (() => {
      try {
        connector.accept([event({ reason: 'tardy' })]);
      } catch (error) {
        return error as ConnectorError;
      }
    })();
    expect(caught?.code).toBe('event_conflict');
    expect(caught?.details).toEqual(['reason']);
    expect(connector.record(DISTRICT_ADMIN, 'evt-1')?.reason).toBe('T');
    expect(district.posts).toHaveLength(1);
  });

  it('refuses a batch whose events repeat an id with different contents, and accepts none of it', () => {
    const connector = fakeConnector(fakeDistrict());
    const first = event({ id: 'dup' });
    const second = event({ id: 'dup', reason: 'tardy' });
    expect(() => connector.accept([event({ id: 'other' }), first, second])).toThrow(
      /The same event id is given twice with different contents: "dup" \(reason\)/,
    );
    expect(connector.store.counts().pending).toBe(0);
  });

  it('takes an event repeated with the same contents in one batch once', () => {
    const connector = fakeConnector(fakeDistrict());
    const accepted = connector.accept([event({ id: 'same' }), event({ id: 'same' })]);
    expect(accepted).toHaveLength(1);
    expect(connector.store.counts().pending).toBe(1);
  });

  it('looks up many DCIDs with one PowerQuery call and sends Daily records in one batch', async () => {
    const district = fakeDistrict();
    const connector = fakeConnector(district);
    const events = [5001, 5002, 5003].flatMap((dcid) =>
      Array.from({ length: 5 }, (_, n) =>
        event({ id: `e-${dcid}-${n}` }, { dcid, schoolNumber: 101 }),
      ),
    );
    const records = await connector.send(events);
    expect(records.every((record) => record.status === 'successful')).toBe(true);
    expect(district.queries.filter((q) => q.name.endsWith('students_by_dcid'))).toHaveLength(1);
    expect(district.queries.filter((q) => q.name.endsWith('school_day'))).toHaveLength(1);
    expect(district.batches).toHaveLength(1);
    expect(district.batches[0]).toHaveLength(15);
    // token + metadata + 1 DCID batch + 1 school day + 1 batch write, for 15 writebacks
    expect(connector.client.stats().requests).toBe(5);
  });

  it('asks for fewer DCIDs than the page size, so a call that finds every student needs no second page', async () => {
    const district = fakeDistrict();
    for (let n = 0; n < 150; n += 1) district.students.push({ id: 2000 + n, dcid: 6000 + n });
    const connector = fakeConnector(district);
    const events = Array.from({ length: 150 }, (_, n) =>
      event({ id: `s-${n}` }, { dcid: 6000 + n, schoolNumber: 101 }),
    );
    const records = await connector.send(events);
    expect(records.filter((record) => record.status === 'successful')).toHaveLength(150);
    // The fake's page size is 100: 99 + 51 DCIDs, two calls, each a short page.
    const calls = district.queries.filter((q) => q.name.endsWith('students_by_dcid'));
    expect(calls.map((call) => (call.args.students_dcid as number[]).length)).toEqual([99, 51]);
  });

  it("looks up many Meeting students' periods with one student_periods call", async () => {
    const district = fakeDistrict();
    const period = (ccid: number) => [{ ccid, periodid: 30, start_time: 31_800, end_time: 35_100 }];
    district.periods.set(1001, period(70011));
    district.periods.set(1002, period(70012));
    const connector = fakeConnector(district);
    const events = [5001, 5002, 5003].map((dcid) =>
      event(
        { id: `m-${dcid}`, occurredAt: '2026-10-14T09:00:00-04:00' },
        { dcid, schoolNumber: 103 },
      ),
    );
    const records = await connector.send(events);
    expect(records.map((record) => record.status)).toEqual(Array(3).fill('successful'));
    const periodCalls = district.queries.filter((q) => q.name.endsWith('student_periods'));
    expect(periodCalls).toHaveLength(1);
    expect([...(periodCalls[0]!.args.students_id as number[])].sort()).toEqual([1001, 1002, 1003]);
    expect(
      district.posts.map((post) => post.body.record[0]!.tables.attendance.ccid).sort(),
    ).toEqual(['70011', '70012', '70018']);
    // The shared lookup is journaled under every event that asked.
    for (const { id } of records) {
      const paths = connector
        .attempts({ role: 'district_admin' }, id)
        .map((attempt) => new URL(attempt.url).pathname);
      expect(paths.filter((path) => path.endsWith('student_periods'))).toHaveLength(1);
    }
  });

  it('sends a run of several outbox chunks, each event written once and logged once', async () => {
    const district = fakeDistrict();
    const connector = fakeConnector(district);
    const events = Array.from({ length: 450 }, (_, n) =>
      event({ id: `d-${n}` }, { dcid: 5001 + (n % 3), schoolNumber: 101 }),
    );
    const records = await connector.send(events);
    expect(records.filter((record) => record.status === 'successful')).toHaveLength(450);
    // Chunks of 200 claimed events: 200 + 200 + 50 records in three batches.
    expect(district.batches.map((batch) => batch.length)).toEqual([200, 200, 50]);
    const counts = connector.store.counts();
    expect(counts).toMatchObject({ successful: 450, pending: 0, sending: 0 });
  });

  it("re-sends a record the batch refused on its own, to log PowerSchool's own 400", async () => {
    const district = fakeDistrict();
    district.batchRefusal = (fields) => (fields.studentid === '1002' ? 'not enrolled' : undefined);
    const refusal = {
      message: "Record Not Saved. : The student Liam Carter isn't enrolled on 10/14/2026.",
    };
    district.postFailures.push({ status: 400, body: refusal });
    const connector = fakeConnector(district);
    const records = await connector.send([
      event({ id: 'ok' }),
      event({ id: 'refused' }, { dcid: 5002 }),
    ]);
    expect(records.map((record) => record.status)).toEqual(['successful', 'failed']);
    expect(records[1]?.error?.body).toBe(JSON.stringify(refusal));
    expect(records[1]?.error?.troubleshootingId).toBe('student_not_enrolled');
    const journal = connector
      .attempts({ role: 'district_admin' }, 'refused')
      .map((a) => new URL(a.url).pathname);
    expect(journal.filter((path) => path.startsWith('/ws/attendance/'))).toEqual([
      '/ws/attendance/batch_daily_time',
      '/ws/attendance/daily_time',
    ]);
  });

  it('posts each record alone when batching is turned off', async () => {
    const district = fakeDistrict();
    const connector = fakeConnector(district, { batchWrites: false });
    await connector.send([event({ id: 'a' }), event({ id: 'b' }, { dcid: 5002 })]);
    expect(district.batches).toHaveLength(0);
    expect(district.posts).toHaveLength(2);
  });

  it('re-authenticates once when the token is refused mid-run', async () => {
    const district = fakeDistrict();
    district.postFailures.push({ status: 401, body: { message: 'token expired' } });
    const connector = fakeConnector(district);
    const [record] = await connector.send([event()]);
    expect(record?.status).toBe('successful');
    expect(connector.client.stats().tokenRequests).toBe(2);
  });
});
