import { beforeAll, describe, expect, it } from 'vitest';
import { QUERY_NAMES } from '../../plugin/contract.ts';
import { demoSimulator, type DemoSimulator } from './district-harness.ts';

let sim: DemoSimulator;
beforeAll(async () => {
  sim = await demoSimulator();
});

const json = { 'content-type': 'application/json' };
const huge = JSON.stringify({
  name: 'attendance',
  record: [{ name: 'attendance', tables: { attendance: { att_comment: 'x'.repeat(1_100_000) } } }],
});

describe('malformed requests get a PowerSchool-style 4xx and the simulator keeps serving', () => {
  it.each([
    {
      name: 'bad JSON to an attendance write',
      method: 'POST',
      path: '/ws/attendance/daily_time',
      body: '{"name":"attendance",',
      headers: json,
      status: 400,
      message: /Invalid JSON/,
    },
    {
      name: 'bad JSON to a PowerQuery',
      method: 'POST',
      path: `/ws/schema/query/${QUERY_NAMES.schoolDay}`,
      body: '{schoolid: 103}',
      headers: json,
      status: 400,
      message: /Invalid JSON/,
    },
    {
      name: 'a body over 1 MiB',
      method: 'POST',
      path: '/ws/attendance/daily_time',
      body: huge,
      headers: json,
      status: 413,
      message: /too large/,
    },
    {
      name: 'a form body to an attendance write',
      method: 'POST',
      path: '/ws/attendance/daily_time',
      body: 'studentid=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      status: 415,
      message: /content-type/,
    },
    {
      name: 'no content type on a PowerQuery',
      method: 'POST',
      path: `/ws/schema/query/${QUERY_NAMES.schoolDay}`,
      body: '{}',
      headers: { 'content-type': '' },
      status: 415,
      message: /content-type/,
    },
    {
      name: 'an empty attendance body',
      method: 'POST',
      path: '/ws/attendance/daily_time',
      body: ' ',
      headers: json,
      status: 400,
      message: /empty/,
    },
    {
      name: 'an attendance body that is an array',
      method: 'POST',
      path: '/ws/attendance/daily_time',
      body: '[1,2]',
      headers: json,
      status: 400,
      message: /record/,
    },
    {
      name: 'a record without tables.attendance',
      method: 'POST',
      path: '/ws/attendance/daily_time',
      body: '{"record":[{"name":"attendance"}]}',
      headers: json,
      status: 400,
      message: /tables\.attendance/,
    },
    {
      name: 'a PowerQuery body that is a string',
      method: 'POST',
      path: `/ws/schema/query/${QUERY_NAMES.schoolDay}`,
      body: '"103"',
      headers: json,
      status: 400,
      message: /JSON object/,
    },
    {
      name: 'a q with no operator',
      method: 'GET',
      path: '/ws/schema/table/students?projection=id&q=dcid',
      status: 400,
      message: /no operator/,
    },
    {
      name: 'a q with an empty value',
      method: 'GET',
      path: '/ws/schema/table/students?projection=id&q=dcid==',
      status: 400,
      message: /no value/,
    },
    {
      name: 'a q with a wildcard in a range',
      method: 'GET',
      path: '/ws/schema/table/students?projection=id&q=dcid=gt=5*',
      status: 400,
      message: /wildcard/,
    },
    {
      name: 'a q of 5,000 characters',
      method: 'GET',
      path: `/ws/schema/table/students?projection=id&q=${'a'.repeat(5000)}`,
      status: 400,
      message: /limit/,
    },
    {
      name: 'an unknown table',
      method: 'GET',
      path: '/ws/schema/table/gradebook?projection=id',
      status: 404,
      message: /Table not found/,
    },
    {
      name: 'an unknown field',
      method: 'GET',
      path: '/ws/schema/table/students?projection=ssn',
      status: 400,
      message: /Invalid field specified: ssn/,
    },
    {
      name: 'a page that is not a number',
      method: 'GET',
      path: '/ws/schema/table/students?projection=id&page=two',
      status: 400,
      message: /Invalid page/,
    },
    {
      name: 'an unknown endpoint',
      method: 'GET',
      path: '/ws/v2/everything',
      status: 404,
      message: /Not Found/,
    },
    {
      name: 'a GET on a write endpoint',
      method: 'GET',
      path: '/ws/attendance/daily_time',
      status: 405,
      message: /Method Not Allowed/,
    },
  ])('$name: $status', async ({ method, path, body, headers, status, message }) => {
    const response = await sim.call(method, path, {
      ...(body !== undefined ? { body } : {}),
      ...(headers ? { headers } : {}),
    });
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    const answer = (await response.json()) as { message: string };
    expect(answer.message).toMatch(message);
    const still = await sim.json('GET', '/ws/v1/district/school/count');
    expect(still).toEqual({ status: 200, body: { resource: { count: 3 } } });
  });
});
