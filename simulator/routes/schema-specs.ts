/**
 * The /ws/schema routes in the route table: table reads and PowerQueries (API-REF
 * plugins/powerschool-api-schema.md; what is inferred says so).
 */
import { z } from 'zod';
import { countAnswer } from '../http/answers.ts';
import type { RouteParameter, RouteSpec } from '../http/route-spec.ts';

/** One /ws/schema/table record: `{id, name, tables: {table: {column: "value"}}}` (reference 3). */
export const tableRecordAnswer = z.strictObject({
  id: z.number().int(),
  name: z.string(),
  tables: z.record(z.string(), z.record(z.string(), z.string())),
});

const tableListAnswer = z.strictObject({
  name: z.string(),
  record: z.array(tableRecordAnswer),
  '@extensions': z.string(),
});

/** A flattened PowerQuery result (reference section 3; values as strings inferred). */
export const queryResultAnswer = z.strictObject({
  name: z.string(),
  record: z.array(z.record(z.string(), z.string())),
  count: z.number().int().nonnegative().optional(),
});

const paging: Record<string, RouteParameter> = {
  page: { description: 'Page number, from 1.' },
  pagesize: { description: 'Rows per page.' },
};

const tableQuery: Record<string, RouteParameter> = {
  q: { description: 'FIQL-like criteria: column==value;column=gt=value...' },
  projection: { description: 'Comma-separated columns, * or table.*.' },
  ...paging,
  sort: { description: 'Columns to sort by.' },
  sortdescending: { description: 'true to sort descending.' },
};

const SCHEMA_REF = 'API-REF plugins/powerschool-api-schema.md';

function table(
  path: string,
  summary: string,
  answer: z.ZodType,
  query: Record<string, RouteParameter>,
): RouteSpec {
  return {
    method: 'GET',
    path,
    area: 'schema-table',
    auth: 'bearer',
    summary,
    source: `${SCHEMA_REF} GET ${path.replace(':table', '{tablename}')}`,
    query,
    answers: { 200: { description: summary, schema: answer } },
  };
}

const queryBody = {
  mediaTypes: ['application/json'],
  schema: z.record(z.string(), z.unknown()),
  description: 'The arguments, as a JSON object ({} or an empty body when none).',
};

/** Every /ws/schema route. */
export const SCHEMA_ROUTES: readonly RouteSpec[] = [
  table('/ws/schema/table/:table/count', 'rows of a table matching q', countAnswer, {
    q: tableQuery.q!,
  }),
  table('/ws/schema/table/:table/:id', 'one row of a table by id', tableRecordAnswer, {
    projection: tableQuery.projection!,
  }),
  table(
    '/ws/schema/table/:table',
    'rows of a table: q, projection, paging, sort',
    tableListAnswer,
    tableQuery,
  ),
  {
    method: 'POST',
    path: '/ws/schema/query/:name',
    area: 'powerquery',
    auth: 'bearer',
    summary: 'run a PowerQuery the installed plugin declares (or the core DCID map)',
    source: `${SCHEMA_REF} POST /ws/schema/query/{queryname}; PSU for the core student_dcid_id_map`,
    query: { ...paging, count: { description: 'true adds the total count.' } },
    body: queryBody,
    answers: { 200: { description: 'The rows, flattened.', schema: queryResultAnswer } },
  },
  {
    method: 'POST',
    path: '/ws/schema/query/:name/count',
    area: 'powerquery',
    auth: 'bearer',
    summary: 'how many rows a PowerQuery returns',
    source: `${SCHEMA_REF} POST /ws/schema/query/{queryname}/count`,
    body: queryBody,
    answers: { 200: { description: 'The count.', schema: countAnswer } },
  },
];
