/**
 * PowerQueries as the public clients call them: the list (TS list_named_queries, PQUI), one
 * query's metadata, count with $q (GH, TS), the ad-hoc filter and order (GH, NP, TL), paging
 * with pagesize=0 (PSM), and array arguments in every form clients send.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CORE_DCID_ID_MAP_QUERY, QUERY_NAMES } from '../../plugin/contract.ts';
import { DEMO_FACTS as F } from '../../simulator/seeds/demo-facts.ts';
import { demoSimulator, type DemoSimulator } from './district-harness.ts';

let sim: DemoSimulator;
beforeAll(async () => {
  sim = await demoSimulator();
});

const post = (path: string, body?: unknown) =>
  sim.json(
    'POST',
    path,
    body === undefined ? { headers: { 'content-type': 'application/json' } } : { body },
  );
const codesOf101 = { schoolid: '101', yearid: '36' };
const codesPath = `/ws/schema/query/${QUERY_NAMES.attendanceCodes}`;

describe('GET /ws/schema/query/api', () => {
  it('lists the queries the plugin may run as Swagger 2.0, as plugin pages read it', async () => {
    const { status, body } = await sim.json('GET', '/ws/schema/query/api');
    expect(status).toBe(200);
    expect(body.swagger).toBe('2.0');
    const path = `/ws/schema/query/${QUERY_NAMES.studentsByDcid}`;
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining([path, `/ws/schema/query/${CORE_DCID_ID_MAP_QUERY}`]),
    );
    const post = body.paths[path].post;
    expect(post.summary).toBe('Student IDs and profiles by DCID');
    expect(post['x-plugin-id']).toBe(sim.plugin.id);
    // PQUI: the parameters' $ref names the definition holding the args, and their required list.
    const definition = post.parameters[0].schema.$ref.split('/')[2];
    expect(body.definitions[definition]).toMatchObject({
      properties: { students_dcid: { type: 'array' } },
      required: ['students_dcid'],
    });
    expect(
      Object.keys(
        body.definitions[`powerquery.resp.${QUERY_NAMES.studentsByDcid}.record`].properties,
      ),
    ).toContain('student_number');
  });

  it('describes one query with GET /{name}/metadata, and 404s one the plugin does not declare', async () => {
    const { body } = await sim.json(
      'GET',
      `/ws/schema/query/${QUERY_NAMES.attendanceCodes}/metadata`,
    );
    expect(body.arguments.map((a: { name: string }) => a.name)).toEqual(['schoolid', 'yearid']);
    expect(body.columns).toContainEqual({ name: 'att_code', column: 'attendance_code.att_code' });
    expect((await sim.json('GET', '/ws/schema/query/com.example.nope.x.y/metadata')).status).toBe(
      404,
    );
  });
});

describe('ad-hoc filter, order, count and paging', () => {
  it('applies $q by alias or table.column, and counts after it', async () => {
    const all = (await post(codesPath, codesOf101)).body.record as Record<string, string>[];
    const absent = all.filter((r) => r.presence_status_cd === 'Absent');
    expect(absent.length).toBeGreaterThan(0);
    const byAlias = await post(`${codesPath}?$q=presence_status_cd==Absent`, codesOf101);
    expect(byAlias.body.record).toEqual(absent);
    const byColumn = await post(
      `${codesPath}?$q=attendance_code.presence_status_cd==Absent`,
      codesOf101,
    );
    expect(byColumn.body.record).toEqual(absent);
    const count = await post(`${codesPath}/count?$q=presence_status_cd==Absent`, codesOf101);
    expect(count.body).toEqual({ count: absent.length });
    const numeric = await post(`${codesPath}?$q=sortorder=gt=3`, codesOf101);
    expect(numeric.body.record).toEqual(all.filter((r) => Number(r.sortorder) > 3));
  });

  it('orders with order=column;desc, numbers as numbers', async () => {
    const { body } = await post(`${codesPath}?order=sortorder;desc`, codesOf101);
    const orders = body.record.map((r: { sortorder: string }) => Number(r.sortorder));
    expect(orders).toEqual([...orders].sort((a, b) => b - a));
    const two = await post(
      `${codesPath}?order=presence_status_cd,attendance_code.att_code;desc`,
      codesOf101,
    );
    const keys = two.body.record.map(
      (r: Record<string, string>) => `${r.presence_status_cd}|${r.att_code}`,
    );
    expect(keys).toEqual(
      [...keys].sort((a: string, b: string) => {
        const [pa, ca] = a.split('|');
        const [pb, cb] = b.split('|');
        return pa! < pb! ? -1 : pa! > pb! ? 1 : ca! < cb! ? 1 : ca! > cb! ? -1 : 0;
      }),
    );
  });

  it('pages 100 by default, every row with pagesize=0, and adds count with count=true', async () => {
    const dcids = Array.from({ length: 19 }, (_, i) => 5001 + i);
    const every = await post(
      `/ws/schema/query/${QUERY_NAMES.studentsByDcid}?pagesize=0&count=true`,
      {
        students_dcid: dcids,
      },
    );
    expect(every.body.record).toHaveLength(every.body.count);
    const page = await post(`/ws/schema/query/${QUERY_NAMES.studentsByDcid}?pagesize=5&page=2`, {
      students_dcid: dcids,
    });
    expect(page.body.record).toEqual(every.body.record.slice(5, 10));
  });

  it('refuses an unknown $q column and bad syntax with 400', async () => {
    const unknown = await post(`${codesPath}?$q=shoe_size==9`, codesOf101);
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/shoe_size is not a column of PowerQuery/);
    expect((await post(`${codesPath}?order=sortorder;sideways`, codesOf101)).status).toBe(400);
  });
});

describe('array arguments in every form clients send', () => {
  const expected = [String(F.students.daily.dcid), String(F.students.meeting.dcid)];
  it.each([
    [
      'a JSON array of strings (GH)',
      [String(F.students.daily.dcid), String(F.students.meeting.dcid)],
    ],
    ['a JSON array of numbers', [F.students.daily.dcid, F.students.meeting.dcid]],
    ['a comma-joined string (NP, TL)', `${F.students.daily.dcid},${F.students.meeting.dcid}`],
  ])('takes %s', async (_form, value) => {
    const { status, body } = await post(`/ws/schema/query/${CORE_DCID_ID_MAP_QUERY}`, {
      students_dcid: value,
    });
    expect(status).toBe(200);
    expect(body.record.map((r: { dcid: string }) => r.dcid)).toEqual(expected);
  });

  it.each([
    ['an object for an array arg', { students_dcid: { a: 1 } }, /expected an array, got an object/],
    [
      'an array for a one-value arg',
      { schoolid: ['101'], yearid: '36' },
      /expected one value, got an array/,
    ],
    ['a word for a number arg', { schoolid: 'maple', yearid: '36' }, /expected a whole number/],
  ])('refuses %s with 400 naming the argument', async (_name, body, message) => {
    const path =
      'students_dcid' in body ? `/ws/schema/query/${QUERY_NAMES.studentsByDcid}` : codesPath;
    const answer = await post(path, body);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(message);
  });

  it("ignores PowerSchool's own $ keys ($dataversion, GH dataVersion) and reads an empty body as {}", async () => {
    const { status } = await post(codesPath, {
      ...codesOf101,
      $dataversion: '1',
      $dataversion_applicationname: 'x',
    });
    expect(status).toBe(200);
    const empty = await post(`/ws/schema/query/${CORE_DCID_ID_MAP_QUERY}`);
    expect(empty.body.record).toEqual([]);
  });
});
