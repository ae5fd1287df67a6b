/**
 * /ws/schema: table reads (`/table/{table}`, `/count`, `/{id}`) and PowerQueries
 * (`POST /query/{name}`). Order: bearer (401) -> unknown table 404 / unknown column 400 ->
 * access_request (403) -> paging (400) -> rows.
 */
import { Hono, type Context } from 'hono';
import { findQuery, queryReads, type QueryDefinition } from '../../plugin/contract.ts';
import { psError } from '../http/errors.ts';
import type { District } from '../district/district.ts';
import {
  CORE_DCID_ID_MAP_ARGS,
  executeCoreDcidIdMap,
  executePowerQuery,
  hasNativeExecutor,
  CORE_DCID_ID_MAP_QUERY,
} from '../district/power-queries.ts';
import {
  prepareTableQuery,
  resolveTable,
  runTableQuery,
  toSchemaRecord,
} from '../district/schema-table.ts';
import {
  assertQueryAccess,
  assertReadAccess,
  requireBearer,
  type Platform,
  type PlatformEnv,
} from '../platform/index.ts';
import { routeMounter } from '../http/route-spec.ts';
import { MAX_PAGE_SIZES, pageOf, readPaging } from './paging.ts';
import { SCHEMA_ROUTES } from './schema-specs.ts';
import { checkQueryArgs } from './query-args.ts';
import {
  MAX_API_BODY_BYTES,
  assertContentType,
  readJsonBody,
  type BodyRules,
} from '../http/request-body.ts';

/** PowerQuery arguments: a JSON object; PowerSchool reads an empty body as `{}` (ref 3). */
const QUERY_BODY: BodyRules = {
  what: 'PowerQuery arguments',
  maxBytes: MAX_API_BODY_BYTES,
  accept: 'json',
  blankMeans: {},
};

const MAX = MAX_PAGE_SIZES.schema_table_query_max_page_size;

/** The /ws/schema sub-app (mount at /ws/schema). */
export function schemaRoutes(platform: Platform, district: District): Hono<PlatformEnv> {
  const app = new Hono<PlatformEnv>();
  app.use('*', requireBearer(platform));
  const route = routeMounter(app, '/ws/schema', SCHEMA_ROUTES);

  route('GET', '/ws/schema/table/:table/count', (c) => {
    const prepared = prepareTableQuery(c.req.param('table') ?? '', { q: c.req.query('q') });
    assertReadAccess(
      c.var.plugin,
      prepared.clauses.map((clause) => `${prepared.table}.${clause.field}`),
      prepared.table,
    );
    return c.json({ count: runTableQuery(district, prepared).length });
  });
  route('GET', '/ws/schema/table/:table/:id', (c) => {
    const table = resolveTable(c.req.param('table') ?? '');
    const prepared = prepareTableQuery(table, { projection: c.req.query('projection') });
    assertReadAccess(
      c.var.plugin,
      prepared.projection.map((column) => `${table}.${column}`),
      table,
    );
    const id = c.req.param('id') ?? '';
    const row =
      /^\d+$/.test(id) && table !== 'terms'
        ? (district.table(table).get(Number(id)) as Record<string, unknown> | undefined)
        : undefined;
    if (!row) throw psError(404, `Not Found: ${table} has no record with id ${id}.`);
    return c.json(toSchemaRecord(table, row, prepared.projection));
  });
  route('GET', '/ws/schema/table/:table', (c) => {
    const query = c.req.query();
    const prepared = prepareTableQuery(c.req.param('table') ?? '', query);
    assertReadAccess(
      c.var.plugin,
      prepared.touched.map((column) => `${prepared.table}.${column}`),
      prepared.table,
    );
    const paging = readPaging(query, MAX);
    const rows = pageOf(runTableQuery(district, prepared), paging);
    return c.json({
      name: prepared.table,
      record: rows.map((row) => toSchemaRecord(prepared.table, row, prepared.projection)),
      '@extensions': '',
    });
  });

  app.use('/query/*', function requireJsonArguments(c, next) {
    if (c.req.method === 'POST') assertContentType(c, QUERY_BODY);
    return next();
  });
  route('POST', '/ws/schema/query/:name', (c) => runQuery(c, district));
  route('POST', '/ws/schema/query/:name/count', (c) => runQuery(c, district, true));
  return app;
}

/** The installed plugin's own declaration of a query (what it was approved for), or 404. */
function installedQuery(c: Context<PlatformEnv>, name: string): QueryDefinition {
  const definition = findQuery(name, c.var.plugin.definition.queries);
  if (!definition) {
    throw psError(
      404,
      `PowerQuery not found: ${name}. The installed plugin declares ${c.var.plugin.definition.queries.map((q) => q.name).join(', ') || 'no queries'}.`,
    );
  }
  return definition;
}

async function runQuery(
  c: Context<PlatformEnv>,
  district: District,
  countOnly = false,
): Promise<Response> {
  const name = c.req.param('name') ?? '';
  const body = await readJsonBody(c, QUERY_BODY);
  const query = c.req.query();
  if (name === CORE_DCID_ID_MAP_QUERY) {
    // Inferred: the core map needs no declaration and no access_request entry (PSU calls it bare).
    const args = checkQueryArgs(name, body, CORE_DCID_ID_MAP_ARGS);
    return answer(c, name, executeCoreDcidIdMap(district, args), countOnly, query);
  }
  const definition = installedQuery(c, name);
  // Every column the query touches: the installed file's columns and args, plus what the native
  // executor joins and filters on (a parsed bundle carries no alsoReads; the contract knows them).
  const reads = [...queryReads(definition), ...(findQuery(name)?.alsoReads ?? [])];
  assertQueryAccess(c.var.plugin, reads, name);
  const args = checkQueryArgs(name, body, definition.args);
  if (!hasNativeExecutor(name)) {
    throw psError(
      500,
      `The simulator cannot run PowerQuery ${name}: it executes only the Navigate360 queries natively (see docs/simulator.md).`,
    );
  }
  const rows = executePowerQuery(district, name, args).map((row) => {
    // Flattened output keyed by the installed definition's aliases. Inferred: values as strings;
    // null values left out.
    const record: Record<string, string> = {};
    for (const { column, alias } of definition.columns) {
      const value = row[column.toLowerCase()];
      if (value !== null && value !== undefined) record[alias] = String(value);
    }
    return record;
  });
  return answer(c, name, rows, countOnly, query);
}

function answer(
  c: Context<PlatformEnv>,
  name: string,
  rows: readonly object[],
  countOnly: boolean,
  query: Record<string, string>,
): Response {
  if (countOnly) return c.json({ count: rows.length });
  const paging = readPaging(query, MAX);
  const record = pageOf(rows, paging).map((row) => stringValues(row));
  return c.json({ name, record, ...(query.count === 'true' ? { count: rows.length } : {}) });
}

function stringValues(row: object): Record<string, string> {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, String(value)]));
}
