import { beforeAll, describe, expect, it } from 'vitest';
import { defaultPluginDefinition } from '../../plugin/definition.ts';
import { TABLE_NAMES } from '../../simulator/district/schema.ts';
import { DEMO_FACTS as F } from '../../simulator/seeds/demo-facts.ts';
import { demoSimulator, type DemoSimulator } from './district-harness.ts';

let sim: DemoSimulator;
let wide: DemoSimulator;
beforeAll(async () => {
  sim = await demoSimulator();
  // A plugin that may read every column of every table, for paging and sorting tests.
  const definition = defaultPluginDefinition({ psVersion: '25.3.0' });
  definition.accessRequest = TABLE_NAMES.flatMap((table) =>
    [
      'id',
      'dcid',
      'schoolid',
      'school_number',
      'name',
      'first_name',
      'last_name',
      'lastfirst',
      'grade_level',
      'entrydate',
      'exitdate',
      'date_value',
      'insession',
      'yearid',
      'att_code',
    ].map((field) => ({
      table: table.toUpperCase(),
      field: field.toUpperCase(),
      access: 'ViewOnly' as const,
    })),
  );
  wide = await demoSimulator({ definition });
});

describe('/ws/schema/table', () => {
  it("answers in PowerSchool's record shape, values as strings", async () => {
    const { status, body } = await sim.json(
      'GET',
      `/ws/schema/table/students?q=dcid==${F.students.meeting.dcid}&projection=id,dcid,first_name,last_name`,
    );
    expect(status).toBe(200);
    expect(body).toEqual({
      name: 'students',
      record: [
        {
          id: F.students.meeting.id,
          name: 'students',
          tables: {
            students: { id: '1003', dcid: '5003', first_name: 'Sofia', last_name: 'Ramirez' },
          },
        },
      ],
      '@extensions': '',
    });
  });

  it.each([
    { q: 'last_name==Ram*', ids: [1003] },
    { q: 'first_name==sofia', ids: [] },
    { q: 'schoolid==103;grade_level=ge=11', ids: [1008, 1016, 1018, 1019] },
    { q: 'grade_level=lt=1', ids: [1009] },
    { q: 'entrydate=gt=2026-08-17', ids: [1005] },
    { q: 'last_name!=*e*;schoolid==101', ids: [1001, 1009, 1011, 1012] },
  ])('filters with q=$q', async ({ q, ids }) => {
    const { status, body } = await wide.json(
      'GET',
      `/ws/schema/table/students?q=${encodeURIComponent(q)}&projection=id&sort=id`,
    );
    expect(status).toBe(200);
    expect(body.record.map((r: { id: number }) => r.id)).toEqual(ids);
  });

  it('pages with page and pagesize and sorts, descending too', async () => {
    const page = async (search: string) =>
      (
        await wide.json('GET', `/ws/schema/table/students?projection=id,last_name${search}`)
      ).body.record.map((r: { id: number }) => r.id);
    const all = await page('&sort=last_name,id');
    expect(all).toHaveLength(19);
    expect(await page('&sort=last_name,id&page=2&pagesize=5')).toEqual(all.slice(5, 10));
    expect(await page('&sort=last_name,id&sortdescending=true&pagesize=3')).toEqual(
      [...all].reverse().slice(0, 3),
    );
  });

  it('counts with /count', async () => {
    expect(
      (
        await wide.json(
          'GET',
          '/ws/schema/table/calendar_day/count?q=schoolid==103;insession==0;date_value=ge=2026-10-01;date_value=le=2026-10-31',
        )
      ).body,
    ).toEqual({ count: 10 });
  });

  it('reads one record by id', async () => {
    const { body } = await wide.json(
      'GET',
      `/ws/schema/table/schools/1?projection=id,school_number,name`,
    );
    expect(body.tables.schools).toEqual({
      id: '1',
      school_number: '101',
      name: 'Maple Grove Elementary School',
    });
    expect((await wide.json('GET', '/ws/schema/table/schools/99?projection=id')).status).toBe(404);
  });

  it.each([
    {
      name: 'an unknown table',
      path: '/ws/schema/table/gradebook?projection=id',
      status: 404,
      message: /Table not found: gradebook/,
    },
    {
      name: 'an unknown projection column',
      path: '/ws/schema/table/students?projection=id,shoe_size',
      status: 400,
      message: /^Invalid field specified: shoe_size is not valid column for table: students$/,
    },
    {
      name: 'an unknown q column',
      path: '/ws/schema/table/students?q=shoe_size==9&projection=id',
      status: 400,
      message: /shoe_size is not valid column/,
    },
    {
      name: 'an unknown sort column',
      path: '/ws/schema/table/students?projection=id&sort=shoe_size',
      status: 400,
      message: /shoe_size is not valid column/,
    },
    {
      name: 'a page size over the maximum',
      path: '/ws/schema/table/students?projection=id&pagesize=1001',
      status: 400,
      message: /pagesize/,
    },
    {
      name: 'a text value for a number column',
      path: '/ws/schema/table/students?projection=id&q=dcid==abc',
      status: 400,
      message: /number column/,
    },
  ])('refuses $name with $status', async ({ path, status, message }) => {
    const answer = await wide.json('GET', path);
    expect(answer.status).toBe(status);
    expect(answer.body.message).toMatch(message);
  });

  it('answers 403 NoAccess for columns outside access_request, projection or q alike', async () => {
    const projected = await sim.json('GET', '/ws/schema/table/students?projection=id,lastfirst');
    expect(projected.status).toBe(403);
    expect(projected.body).toEqual({
      message: 'At least one column lacks sufficient permission',
      errors: [{ resource: 'students', field: 'students.lastfirst', code: 'NoAccess' }],
    });
    const filtered = await sim.json(
      'GET',
      '/ws/schema/table/students?projection=id&q=lastfirst==Kim*',
    );
    expect(filtered.status).toBe(403);
    const star = await sim.json('GET', '/ws/schema/table/students?projection=*');
    expect(star.status).toBe(403);
  });

  it('lets our plugin read the tables its queries read', async () => {
    for (const path of [
      '/ws/schema/table/attendance_code?q=schoolid==101;yearid==36&projection=id,att_code',
      '/ws/schema/table/cc?q=studentid==1003&projection=id,sectionid,dateenrolled,dateleft',
      '/ws/schema/table/calendar_day?q=schoolid==103;date_value==2026-10-14&projection=id,insession',
    ]) {
      expect((await sim.json('GET', path)).status).toBe(200);
    }
  });
});
