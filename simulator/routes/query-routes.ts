/**
 * PowerQueries under /ws/schema/query: run one (`POST /{name}`), count its rows (`/count`),
 * describe one (`GET /{name}/metadata`) and list those the plugin may run (`GET /api`). Order:
 * bearer (401) -> content type (415) -> JSON (400) -> unknown query (404) -> access (403) ->
 * args (400) -> rows, then `$q`, `order` and paging.
 */
import type { Context } from 'hono';
import { findQuery, queryReads, type QueryDefinition } from '../../plugin/contract.ts';
import { psError } from '../http/errors.ts';
import {
  MAX_API_BODY_BYTES,
  assertContentType,
  readJsonBody,
  type BodyRules,
} from '../http/request-body.ts';
import type { RouteHandler, RouteMethod } from '../http/route-spec.ts';
import type { District } from '../district/district.ts';
import {
  CORE_DCID_ID_MAP_ARGS,
  CORE_DCID_ID_MAP_QUERY,
  executeCoreDcidIdMap,
  executePowerQuery,
  hasNativeExecutor,
} from '../district/power-queries.ts';
import { assertQueryAccess, type PlatformEnv } from '../platform/index.ts';
import type { InstalledPlugin } from '../sim-env.ts';
import { SCHEMA_PAGING, pageOf, readPaging } from './paging.ts';
import { checkQueryArgs } from './query-args.ts';
import {
  queryCatalogue,
  queryMetadata,
  runnableFrom,
  type RunnableQuery,
} from './query-catalogue.ts';
import { refineQueryRows } from './query-results.ts';

/** PowerQuery arguments: a JSON object; PowerSchool reads an empty body as `{}` (ref 3). */
const QUERY_BODY: BodyRules = {
  what: 'PowerQuery arguments',
  maxBytes: MAX_API_BODY_BYTES,
  accept: 'json',
  blankMeans: {},
};

/** PowerSchool's core DCID -> ID map (PSU), which no plugin declares. */
const CORE_DCID_ID_MAP: RunnableQuery = {
  name: CORE_DCID_ID_MAP_QUERY,
  summary: 'Student DCID to ID map',
  description: 'Maps STUDENTS.DCID to STUDENTS.ID (students_dcid), or back (students_id).',
  coreTable: 'students',
  args: CORE_DCID_ID_MAP_ARGS,
  columns: [
    { alias: 'id', column: 'STUDENTS.ID' },
    { alias: 'dcid', column: 'STUDENTS.DCID' },
  ],
};

type Mount = (method: RouteMethod, path: string, ...handlers: RouteHandler<PlatformEnv>[]) => void;

/** Mounts the PowerQuery routes (on the /ws/schema sub-app, behind its bearer check). */
export function addQueryRoutes(route: Mount, district: District): void {
  route('GET', '/ws/schema/query/api', (c) => {
    const plugin = c.get('plugin');
    const declared = plugin.definition.queries.map((definition) => ({
      query: runnableFrom(definition),
      pluginId: plugin.id,
    }));
    return c.json(queryCatalogue([{ query: CORE_DCID_ID_MAP }, ...declared]));
  });
  route('GET', '/ws/schema/query/:name/metadata', (c) =>
    c.json(queryMetadata(runnableQuery(c.get('plugin'), c.req.param('name') ?? ''))),
  );
  route('POST', '/ws/schema/query/:name', (c) => runQuery(c, district, false));
  route('POST', '/ws/schema/query/:name/count', (c) => runQuery(c, district, true));
}

/** The installed plugin's own declaration of a query (what it was approved for), or 404. */
function installedQuery(plugin: InstalledPlugin, name: string): QueryDefinition {
  const definition = findQuery(name, plugin.definition.queries);
  if (!definition) {
    throw psError(
      404,
      `PowerQuery not found: ${name}. The installed plugin declares ${plugin.definition.queries.map((q) => q.name).join(', ') || 'no queries'}.`,
    );
  }
  return definition;
}

function runnableQuery(plugin: InstalledPlugin, name: string): RunnableQuery {
  return name === CORE_DCID_ID_MAP_QUERY
    ? CORE_DCID_ID_MAP
    : runnableFrom(installedQuery(plugin, name));
}

/** A native executor's rows keyed by the query's aliases. Inferred: strings; nulls left out. */
function byAlias(
  rows: readonly Record<string, string | number | null>[],
  columns: RunnableQuery['columns'],
  keyOf: (column: string, alias: string) => string,
): Record<string, string>[] {
  return rows.map((row) => {
    const record: Record<string, string> = {};
    for (const { column, alias } of columns) {
      const value = row[keyOf(column, alias)];
      if (value !== null && value !== undefined) record[alias] = String(value);
    }
    return record;
  });
}

/** The query's rows before `$q`, `order` and paging. */
function executeFor(
  plugin: InstalledPlugin,
  district: District,
  name: string,
  body: unknown,
): { query: RunnableQuery; rows: Record<string, string>[] } {
  if (name === CORE_DCID_ID_MAP_QUERY) {
    // Inferred: the core map needs no declaration and no access_request entry (PSU calls it bare).
    const args = checkQueryArgs(name, body, CORE_DCID_ID_MAP_ARGS);
    const rows = executeCoreDcidIdMap(district, args);
    return { query: CORE_DCID_ID_MAP, rows: byAlias(rows, CORE_DCID_ID_MAP.columns, (_, a) => a) };
  }
  const definition = installedQuery(plugin, name);
  // Every column the query touches: the installed file's columns and args, plus what the native
  // executor joins and filters on (a parsed bundle carries no alsoReads; the contract knows them).
  const reads = [...queryReads(definition), ...(findQuery(name)?.alsoReads ?? [])];
  assertQueryAccess(plugin, reads, name);
  const args = checkQueryArgs(name, body, definition.args);
  if (!hasNativeExecutor(name)) {
    throw psError(
      500,
      `The simulator cannot run PowerQuery ${name}: it executes only the Navigate360 queries natively (see docs/simulator.md).`,
    );
  }
  const query = runnableFrom(definition);
  // Flattened output keyed by the installed definition's aliases, so an older bundle gets its own.
  const rows = byAlias(executePowerQuery(district, name, args), query.columns, (column) =>
    column.toLowerCase(),
  );
  return { query, rows };
}

async function runQuery(
  c: Context<PlatformEnv>,
  district: District,
  countOnly: boolean,
): Promise<Response> {
  assertContentType(c, QUERY_BODY);
  const name = c.req.param('name') ?? '';
  const body = await readJsonBody(c, QUERY_BODY);
  const params = c.req.query();
  const { query, rows } = executeFor(c.get('plugin'), district, name, body);
  const refined = refineQueryRows(name, rows, query.columns, {
    adHocFilter: params.$q,
    order: params.order,
  });
  if (countOnly) return c.json({ count: refined.length });
  const record = pageOf(refined, readPaging(params, SCHEMA_PAGING));
  // GH README (includeCount): name, count, record and @extensions.
  return c.json({
    name,
    ...(params.count === 'true' ? { count: refined.length } : {}),
    record,
    '@extensions': '',
  });
}
