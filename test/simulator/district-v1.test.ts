import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FACTS as F } from '../../simulator/seeds/demo-facts.ts';
import { DEMO_NOW, demoSimulator, type DemoSimulator } from './district-harness.ts';

let sim: DemoSimulator;
beforeAll(async () => {
  sim = await demoSimulator();
});

describe('/ws/v1 open endpoints', () => {
  it('metadata answers without a token, and names the plugin with one', async () => {
    const open = await sim.json('GET', '/ws/v1/metadata', { token: null });
    expect(open.status).toBe(200);
    expect(open.body.metadata).toMatchObject({
      powerschool_version: '25.3.0',
      district_timezone: 'America/New_York',
      schema_table_query_max_page_size: 1000,
      student_max_page_size: 100,
      school_max_page_size: 100,
      term_max_page_size: 100,
    });
    expect(open.body.metadata.plugin_id).toBeUndefined();
    const named = await sim.json('GET', '/ws/v1/metadata');
    expect(named.body.metadata.plugin_id).toBe(sim.plugin.id);
  });

  it('time answers without a token, from the simulator clock, in UTC and district time', async () => {
    const { status, body } = await sim.json('GET', '/ws/v1/time', { token: null });
    expect(status).toBe(200);
    expect(body.time).toEqual({
      current_time: DEMO_NOW.toISOString(),
      district_time: '2026-10-14T09:47:00-04:00',
    });
  });
});

describe('/ws/v1 resources', () => {
  it('lists schools with DCIDs as ids', async () => {
    const { body } = await sim.json('GET', '/ws/v1/district/school');
    expect(body.schools.school).toHaveLength(3);
    expect(body.schools.school[2]).toEqual({
      id: F.schools.meeting.dcid,
      name: F.schools.meeting.name,
      school_number: '103',
      low_grade: 9,
      high_grade: 12,
    });
    expect((await sim.json('GET', '/ws/v1/district/school/count')).body).toEqual({
      resource: { count: 3 },
    });
  });

  it('returns a one-item collection as an object, not an array (v1 quirk)', async () => {
    const one = await sim.json('GET', '/ws/v1/district/school?pagesize=1&page=2');
    expect(one.body.schools.school).toEqual(expect.objectContaining({ id: F.schools.time.dcid }));
    expect(Array.isArray(one.body.schools.school)).toBe(false);
    const student = await sim.json('GET', `/ws/v1/district/student?q=id==${F.students.daily.dcid}`);
    expect(Array.isArray(student.body.students.student)).toBe(false);
    expect(student.body.students.student.local_id).toBe(F.students.daily.studentNumber);
  });

  it("lists a school's terms by school DCID, by portion then start date, with start_year from the yearid", async () => {
    const { body } = await sim.json('GET', `/ws/v1/school/${F.schools.meeting.dcid}/term`);
    expect(body.terms.term).toHaveLength(6);
    expect(body.terms.term.map((t: { portion: number }) => t.portion)).toEqual([1, 1, 2, 2, 2, 2]);
    expect(body.terms.term[1]).toMatchObject({
      school_id: String(F.schools.meeting.dcid),
      start_year: '2026',
      start_date: '2026-08-17',
      end_date: '2027-06-11',
      portion: 1,
    });
    const one = await sim.json('GET', `/ws/v1/term/${body.terms.term[1].id}`);
    expect(one.body.term).toEqual(body.terms.term[1]);
    expect((await sim.json('GET', '/ws/v1/school/103/term')).status).toBe(404);
  });

  it('finds students with q and expands school_enrollment', async () => {
    const { body } = await sim.json(
      'GET',
      `/ws/v1/school/${F.schools.daily.dcid}/student?q=name.last_name==B*&expansions=school_enrollment`,
    );
    expect(body.students.student).toMatchObject({
      id: F.students.exited.dcid,
      name: { first_name: 'Noah', last_name: 'Bennett' },
      school_enrollment: {
        enroll_status_code: 2,
        enroll_status: 'T',
        exit_date: '2026-10-03',
        school_number: 101,
      },
    });
    expect(
      (await sim.json('GET', `/ws/v1/school/${F.schools.meeting.dcid}/student/count`)).body,
    ).toEqual({ resource: { count: 8 } });
  });

  it('reads one student by DCID; a DCID no student has is 404', async () => {
    const { body } = await sim.json('GET', `/ws/v1/student/${F.students.meeting.dcid}`);
    expect(body.student).toMatchObject({
      id: F.students.meeting.dcid,
      local_id: F.students.meeting.studentNumber,
    });
    expect((await sim.json('GET', `/ws/v1/student/${F.unknownDcid}`)).status).toBe(404);
  });

  it('pages students: pagesize over the maximum is 400', async () => {
    const page = await sim.json('GET', '/ws/v1/district/student?pagesize=5&page=4');
    expect(page.body.students.student).toHaveLength(4);
    expect((await sim.json('GET', '/ws/v1/district/student?pagesize=101')).status).toBe(400);
  });

  it('refuses a bad q with 400 and an unknown field with 400', async () => {
    expect((await sim.json('GET', '/ws/v1/district/student?q=name.last_name')).status).toBe(400);
    expect((await sim.json('GET', '/ws/v1/district/student?q=shoe_size==9')).status).toBe(400);
  });

  it('needs a token: 401 without one', async () => {
    expect((await sim.json('GET', '/ws/v1/district/school', { token: null })).status).toBe(401);
  });

  it('on 25.2.0.0+, refuses a plugin whose v1 access level is NONE (metadata stays open)', async () => {
    const gated = await demoSimulator({ psVersion: '25.2.0.0' });
    gated.platform.registry.setV1AccessLevel(gated.plugin.id, 'NONE');
    const refused = await gated.json('GET', '/ws/v1/district');
    expect(refused).toEqual({
      status: 401,
      body: {
        errorMessage: { message: 'Plugin is missing required accessLevelV1Api READ permission' },
      },
    });
    expect((await gated.json('GET', '/ws/v1/metadata')).status).toBe(200);
    const older = await demoSimulator({ psVersion: '24.11.0.0' });
    expect((await older.json('GET', '/ws/v1/district')).status).toBe(200);
  });
});
