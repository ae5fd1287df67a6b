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

/** A flattened PowerQuery result (reference section 3, GH README; values as strings inferred). */
export const queryResultAnswer = z.strictObject({
  name: z.string(),
  count: z.number().int().nonnegative().optional(),
  record: z.array(z.record(z.string(), z.string())),
  '@extensions': z.string(),
});

/** GET /ws/schema/table/{table}/metadata (API-REF TableInfo; column fields inferred). */
export const tableMetadataAnswer = z.strictObject({
  name: z.string(),
  comment: z.string(),
  primaryKey: z.string(),
  queries: z.strictObject({}),
  schemaType: z.string(),
  coreTable: z.string(),
  collection: z.string(),
  columns: z.array(
    z.strictObject({
      name: z.string(),
      type: z.enum(['NUMBER', 'VARCHAR2', 'DATE']),
      length: z.number().int(),
      nullable: z.boolean(),
      access: z.enum(['FullAccess', 'ViewOnly', 'NoAccess', 'BlackListNoAccess']).optional(),
    }),
  ),
});

/** GET /ws/schema/query/api: a Swagger 2.0 document of the queries (PQUI). */
export const queryCatalogueAnswer = z.looseObject({
  swagger: z.literal('2.0'),
  paths: z.record(
    z.string(),
    z.strictObject({
      post: z.looseObject({ tags: z.array(z.string()), summary: z.string() }),
    }),
  ),
  definitions: z.record(z.string(), z.looseObject({ type: z.string() })),
});

/** GET /ws/schema/query/{name}/metadata (inferred shape). */
export const queryMetadataAnswer = z.strictObject({
  name: z.string(),
  summary: z.string(),
  description: z.string(),
  coreTable: z.string(),
  flattened: z.boolean(),
  arguments: z.array(
    z.strictObject({
      name: z.string(),
      type: z.enum(['primitive', 'array']),
      required: z.boolean(),
      column: z.string(),
      description: z.string(),
    }),
  ),
  columns: z.array(z.strictObject({ name: z.string(), column: z.string() })),
});

const paging: Record<string, RouteParameter> = {
  page: { description: 'Page number, from 1.' },
  pagesize: { description: 'Rows per page: 100 by default, at most 1000; 0 for every row.' },
};

const tableQuery: Record<string, RouteParameter> = {
  q: { description: 'FIQL-like criteria: column==value;column=gt=value...' },
  projection: { description: 'Comma-separated columns, * or table.*.' },
  ...paging,
  sort: { description: 'Columns to sort by.' },
  sortdescending: { description: 'true to sort descending.' },
  order: { description: 'Ad-hoc order: column;asc or column;desc, separated by commas.' },
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
  table(
    '/ws/schema/table/:table/metadata',
    "a table's columns with their types and lengths",
    tableMetadataAnswer,
    { expansions: { description: "access adds the plugin's access to each column (TS)." } },
  ),
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
    method: 'DELETE',
    path: '/ws/schema/table/:table/:id',
    area: 'schema-table',
    auth: 'bearer',
    summary: 'remove one attendance record by id (other core tables: 403)',
    // MT: the generic DELETE "is only available to extension tables and a few core tables";
    // whether ATTENDANCE is one of them is not public. The simulator allows it for attendance.
    source: `inferred (MT: DELETE /ws/schema/table/{table}/{id} on "a few core tables"; ${SCHEMA_REF})`,
    answers: { 204: { description: 'Removed.', schema: z.undefined() } },
  },
  {
    method: 'GET',
    path: '/ws/schema/query/api',
    area: 'powerquery',
    auth: 'bearer',
    summary: 'the PowerQueries the plugin may run, as a Swagger 2.0 document',
    source: 'TS client.py list_named_queries; PQUI for the document (paths, definitions)',
    answers: { 200: { description: 'The queries.', schema: queryCatalogueAnswer } },
  },
  {
    method: 'GET',
    path: '/ws/schema/query/:name/metadata',
    area: 'powerquery',
    auth: 'bearer',
    summary: "a PowerQuery's arguments and columns",
    source: 'TS client.py Schema.metadata (the route); the answer inferred',
    answers: { 200: { description: 'The query.', schema: queryMetadataAnswer } },
  },
  {
    method: 'POST',
    path: '/ws/schema/query/:name',
    area: 'powerquery',
    auth: 'bearer',
    summary: 'run a PowerQuery the installed plugin declares (or the core DCID map)',
    source: `${SCHEMA_REF} POST /ws/schema/query/{queryname}; PSU for the core student_dcid_id_map`,
    query: {
      ...paging,
      count: { description: 'true adds the total count.' },
      $q: { description: 'Ad-hoc filter on the columns (alias or table.column).' },
      order: { description: 'Ad-hoc order: column;asc or column;desc, separated by commas.' },
    },
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
    query: { $q: { description: 'Ad-hoc filter, applied before counting.' } },
    body: queryBody,
    answers: { 200: { description: 'The count.', schema: countAnswer } },
  },
];
