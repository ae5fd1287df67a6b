/**
 * /ws/schema/table as the public clients call it: the URL forms of the PHP (GH), Node (NP),
 * Python (TS, TL) clients, with a plugin that may read every column.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultPluginDefinition } from '../../plugin/definition.ts';
import { TABLE_NAMES, tableColumns } from '../../simulator/district/schema.ts';
import { DEMO_FACTS as F } from '../../simulator/seeds/demo-facts.ts';
import { demoSimulator, type DemoSimulator } from './district-harness.ts';

let sim: DemoSimulator;
let everything: DemoSimulator;
beforeAll(async () => {
  sim = await demoSimulator();
  const definition = defaultPluginDefinition({ psVersion: '25.3.0' });
  definition.accessRequest = TABLE_NAMES.flatMap((table) =>
    tableColumns(table).map((field) => ({
      table: table.toUpperCase(),
      field: field.toUpperCase(),
      access: 'ViewOnly' as const,
    })),
  );
  everything = await demoSimulator({ definition });
});

const ids = (body: { record: { id: number }[] }): number[] => body.record.map((r) => r.id);

describe('projection as PowerSchool takes it', () => {
  it.each([
    ['*', 16],
    ['students.*', 16],
    ['STUDENTS.*', 16],
    ['DCID,STUDENT_NUMBER,LASTFIRST', 3],
    ['students.dcid,students.last_name', 2],
    ['dcid,DCID,students.dcid', 1],
  ])('projection=%s gives %i columns', async (projection, columns) => {
    const { status, body } = await everything.json(
      'GET',
      `/ws/schema/table/students?projection=${projection}&q=dcid==${F.students.meeting.dcid}`,
    );
    expect(status).toBe(200);
    expect(Object.keys(body.record[0].tables.students)).toHaveLength(columns);
  });

  it('refuses a column of another table and a list read without a projection', async () => {
    const other = await everything.json('GET', '/ws/schema/table/students?projection=cc.id');
    expect(other.status).toBe(400);
    expect(other.body.message).toBe(
      'Invalid field specified: cc.id is not valid column for table: students',
    );
    const none = await everything.json('GET', '/ws/schema/table/students');
    expect(none.status).toBe(400);
    expect(none.body.message).toMatch(/^A projection is required: send projection=\*/);
  });
});

describe('order, paging and counts', () => {
  it('sorts with sort and sortdescending=false/true, upper-case names too (TL, NP)', async () => {
    const ascending = await everything.json(
      'GET',
      '/ws/schema/table/students?projection=ID,STUDENT_NUMBER&sort=STUDENT_NUMBER&sortdescending=false&pagesize=0',
    );
    const numbers = ascending.body.record.map(
      (r: { tables: { students: { student_number: string } } }) =>
        Number(r.tables.students.student_number),
    );
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    const descending = await everything.json(
      'GET',
      '/ws/schema/table/students?projection=id&sort=student_number&sortdescending=true&pagesize=0',
    );
    expect(ids(descending.body)).toEqual([...ids(ascending.body)].reverse());
  });

  it('orders with the ad-hoc order, each column with its own direction', async () => {
    const { body } = await everything.json(
      'GET',
      '/ws/schema/table/students?projection=id,grade_level,last_name&order=grade_level;desc,last_name&pagesize=0',
    );
    const rows = body.record.map((r: { tables: { students: Record<string, string> } }) => [
      Number(r.tables.students.grade_level),
      r.tables.students.last_name,
    ]);
    const sorted = [...rows].sort(
      (a, b) => b[0] - a[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0),
    );
    expect(rows).toEqual(sorted);
  });

  it('pages in order without overlap, 100 rows by default, every row with pagesize=0', async () => {
    const all = ids(
      (
        await everything.json(
          'GET',
          '/ws/schema/table/calendar_day?projection=id&sort=id&pagesize=0',
        )
      ).body,
    );
    expect(all.length).toBeGreaterThan(200);
    const first = ids(
      (await everything.json('GET', '/ws/schema/table/calendar_day?projection=id&sort=id')).body,
    );
    expect(first).toEqual(all.slice(0, 100));
    const pages: number[] = [];
    for (let page = 1; page <= Math.ceil(all.length / 250); page += 1) {
      pages.push(
        ...ids(
          (
            await everything.json(
              'GET',
              `/ws/schema/table/calendar_day?projection=id&sort=id&pagesize=250&page=${page}`,
            )
          ).body,
        ),
      );
    }
    expect(pages).toEqual(all);
    const count = await everything.json('GET', '/ws/schema/table/calendar_day/count');
    expect(count.body).toEqual({ count: all.length });
  });

  it('filters with a list of values (either of them) and ignores an empty q', async () => {
    const read = async (q: string): Promise<number[]> =>
      ids(
        (await everything.json('GET', `/ws/schema/table/students?projection=id&q=${q}&sort=id`))
          .body,
      );
    const listed = await read('grade_level==(3,7)');
    const either = [...(await read('grade_level==3')), ...(await read('grade_level==7'))];
    expect(listed).toEqual(either.sort((a, b) => a - b));
    expect(listed.length).toBeGreaterThan(1);
    const empty = await everything.json('GET', '/ws/schema/table/students/count?q=');
    expect(empty.body).toEqual({ count: 19 });
  });
});

describe('GET /ws/schema/table/{table}/metadata', () => {
  it('lists the columns with types and lengths, and the access TS builds its projection from', async () => {
    const { status, body } = await sim.json(
      'GET',
      '/ws/schema/table/students/metadata?expansions=access',
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({ name: 'STUDENTS', primaryKey: 'ID' });
    expect(body.columns).toContainEqual({
      name: 'DCID',
      type: 'NUMBER',
      length: 10,
      nullable: false,
      access: 'ViewOnly',
    });
    expect(body.columns).toContainEqual(
      expect.objectContaining({ name: 'FIRST_NAME', type: 'VARCHAR2', length: 50 }),
    );
    expect(body.columns).toContainEqual(
      expect.objectContaining({ name: 'ENTRYDATE', type: 'DATE', length: 7 }),
    );
    // TS client.py: the default projection is every column without NoAccess, lower case.
    const projection = body.columns
      .filter((c: { access: string }) => !['NoAccess', 'BlackListNoAccess'].includes(c.access))
      .map((c: { name: string }) => c.name.toLowerCase())
      .join(',');
    const read = await sim.json(
      'GET',
      `/ws/schema/table/students?projection=${projection}&pagesize=1000`,
    );
    expect(read.status).toBe(200);
    expect(read.body.record).toHaveLength(19);
  });

  it('leaves access out unless asked, and 404s an unknown table', async () => {
    const { body } = await sim.json('GET', '/ws/schema/table/cc/metadata');
    expect(body.columns.every((c: object) => !('access' in c))).toBe(true);
    expect((await sim.json('GET', '/ws/schema/table/gradebook/metadata')).status).toBe(404);
  });
});
