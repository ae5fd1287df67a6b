import { describe, expect, it } from 'vitest';
import {
  createPowerSchoolClient,
  getDistrictMetadata,
  listDistrictSchools,
} from '../../connector/index.ts';
import { runPowerQueryAllPages } from '../../connector/powerschool/index.ts';
import { BASE_URL, instantRetry, mockPowerSchool, replyToken } from './support/mock-powerschool.ts';

function setUp() {
  const { agent, pool } = mockPowerSchool();
  replyToken(pool);
  const client = createPowerSchoolClient({
    baseUrl: BASE_URL,
    clientId: 'i',
    clientSecret: 's',
    dispatcher: agent,
    retry: instantRetry(),
  });
  return { pool, client };
}

describe('PowerSchool answers the connector reads', () => {
  it('accepts a v1 collection of one item sent as an object, with numbers as strings', async () => {
    const { pool, client } = setUp();
    pool
      .intercept({ path: '/ws/v1/district/school?page=1&pagesize=100', method: 'GET' })
      .reply(200, {
        schools: { school: { id: '1001', school_number: '101', name: 'Maple Grove' } },
      });
    expect(await listDistrictSchools(client)).toEqual([
      { dcid: 1001, schoolNumber: 101, name: 'Maple Grove' },
    ]);
  });

  it('reads PowerQuery pages until a short page', async () => {
    const { pool, client } = setUp();
    const path = (page: number) => `/ws/schema/query/q.a.b.c.d?page=${page}&pagesize=2`;
    pool
      .intercept({ path: path(1), method: 'POST' })
      .reply(200, { record: [{ id: 1 }, { id: '2' }] });
    pool.intercept({ path: path(2), method: 'POST' }).reply(200, { record: [{ id: 3 }] });
    const rows = await runPowerQueryAllPages(client, 'q.a.b.c.d', {}, { pageSize: 2 });
    expect(rows.map((row) => Number(row.id))).toEqual([1, 2, 3]);
  });

  it('stops when the server ignores paging and answers more than a page', async () => {
    const { pool, client } = setUp();
    pool
      .intercept({ path: '/ws/schema/query/q.a.b.c.d?page=1&pagesize=2', method: 'POST' })
      .reply(200, { record: [{ id: 1 }, { id: 2 }, { id: 3 }] });
    const rows = await runPowerQueryAllPages(client, 'q.a.b.c.d', {}, { pageSize: 2 });
    expect(rows).toHaveLength(3);
  });

  it('treats an empty PowerQuery result without "record" as no rows', async () => {
    const { pool, client } = setUp();
    pool
      .intercept({ path: '/ws/schema/query/q.a.b.c.d?page=1&pagesize=5', method: 'POST' })
      .reply(200, { name: 'q', count: 0 });
    expect(await runPowerQueryAllPages(client, 'q.a.b.c.d', {}, { pageSize: 5 })).toEqual([]);
  });

  it('reads metadata without a token, page sizes given as strings', async () => {
    const { agent, pool } = mockPowerSchool();
    pool.intercept({ path: '/ws/v1/metadata', method: 'GET' }).reply(200, {
      metadata: {
        district_timezone: 'America/Chicago',
        powerschool_version: '24.11.0.0',
        schema_table_query_max_page_size: '500',
      },
    });
    const client = createPowerSchoolClient({
      baseUrl: BASE_URL,
      clientId: 'i',
      clientSecret: 's',
      dispatcher: agent,
    });
    expect(await getDistrictMetadata(client)).toMatchObject({
      districtTimezone: 'America/Chicago',
      queryMaxPageSize: 500,
    });
    expect(client.stats().tokenRequests).toBe(0);
  });
});
