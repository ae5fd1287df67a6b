/**
 * /ws/schema: table reads (`/table/{table}`, `/count`, `/{id}`, `/metadata`) and the PowerQuery
 * routes (query-routes.ts). Table order: bearer (401) -> unknown table 404 / unknown column or
 * bad q, projection or order 400 -> access_request (403) -> paging (400) -> rows.
 */
import { Hono } from 'hono';
import { psError } from '../http/errors.ts';
import { routeMounter } from '../http/route-spec.ts';
import type { District } from '../district/district.ts';
import {
  prepareTableQuery,
  resolveTable,
  runTableQuery,
  toSchemaRecord,
} from '../district/schema-table.ts';
import { tableMetadata, type ColumnAccess } from '../district/table-metadata.ts';
import type { TableName } from '../district/schema.ts';
import {
  assertReadAccess,
  assertWriteAccess,
  grantedAccess,
  requireBearer,
  type Platform,
  type PlatformEnv,
} from '../platform/index.ts';
import type { InstalledPlugin } from '../sim-env.ts';
import { SCHEMA_PAGING, pageOf, readPaging } from './paging.ts';
import { addQueryRoutes } from './query-routes.ts';
import { SCHEMA_ROUTES } from './schema-specs.ts';

/** The plugin's access to each column of a table, as table metadata reports it. */
function accessOf(plugin: InstalledPlugin, table: TableName): (column: string) => ColumnAccess {
  return (column) => grantedAccess(plugin, `${table}.${column}`) ?? 'NoAccess';
}

/** The /ws/schema sub-app (mount at /ws/schema). */
export function schemaRoutes(platform: Platform, district: District): Hono<PlatformEnv> {
  const app = new Hono<PlatformEnv>();
  app.use('*', requireBearer(platform));
  const route = routeMounter(app, '/ws/schema', SCHEMA_ROUTES);

  route('GET', '/ws/schema/table/:table/metadata', (c) => {
    const table = resolveTable(c.req.param('table') ?? '');
    const access = accessOf(c.get('plugin'), table);
    const metadata = tableMetadata(table, access);
    // Inferred: a plugin that requested no column of the table may not read its metadata
    // (API-REF lists 403 "Insufficient Permission").
    if (metadata.columns.every((column) => column.access === 'NoAccess')) {
      throw psError(403, `Insufficient permission: the plugin has no access to ${table}.`, [
        { resource: table, code: 'NoAccess' },
      ]);
    }
    const expansions = (c.req.query('expansions') ?? '').toLowerCase().split(',');
    if (expansions.map((e) => e.trim()).includes('access')) return c.json(metadata);
    return c.json({ ...metadata, columns: metadata.columns.map(({ access: _, ...rest }) => rest) });
  });
  route('GET', '/ws/schema/table/:table/count', (c) => {
    const prepared = prepareTableQuery(c.req.param('table') ?? '', { q: c.req.query('q') });
    assertReadAccess(
      c.get('plugin'),
      prepared.clauses.map((clause) => `${prepared.table}.${clause.field}`),
      prepared.table,
    );
    return c.json({ count: runTableQuery(district, prepared).length });
  });
  route('GET', '/ws/schema/table/:table/:id', (c) => {
    const table = resolveTable(c.req.param('table') ?? '');
    const prepared = prepareTableQuery(table, { projection: c.req.query('projection') });
    assertReadAccess(
      c.get('plugin'),
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
  route('DELETE', '/ws/schema/table/:table/:id', (c) => {
    const table = resolveTable(c.req.param('table') ?? '');
    // Inferred (reference section 7): the one core table this simulator lets a plugin delete
    // from is ATTENDANCE, and only with FullAccess on it, as for writing.
    if (table !== 'attendance') {
      throw psError(403, `Insufficient permission: records of ${table} cannot be deleted.`, [
        { resource: table, code: 'DeleteNotAllowed' },
      ]);
    }
    // Inferred: removing a record needs the access writing one does.
    assertWriteAccess(c.get('plugin'), 'ATTENDANCE', ['studentid']);
    const id = c.req.param('id') ?? '';
    const row = /^\d+$/.test(id) ? district.table('attendance').get(Number(id)) : undefined;
    if (!row) throw psError(404, `Not Found: attendance has no record with id ${id}.`);
    district.removeAttendance(row.id);
    return c.body(null, 204);
  });
  route('GET', '/ws/schema/table/:table', (c) => {
    const query = c.req.query();
    const prepared = prepareTableQuery(c.req.param('table') ?? '', query, {
      requireProjection: true,
    });
    assertReadAccess(
      c.get('plugin'),
      prepared.touched.map((column) => `${prepared.table}.${column}`),
      prepared.table,
    );
    const rows = pageOf(runTableQuery(district, prepared), readPaging(query, SCHEMA_PAGING));
    return c.json({
      name: prepared.table,
      record: rows.map((row) => toSchemaRecord(prepared.table, row, prepared.projection)),
      '@extensions': '',
    });
  });

  addQueryRoutes(route, district);
  return app;
}
