/**
 * The /ws/schema/table/{table} engine: q filter, projection, order. Unknown table 404, unknown
 * column 400 "Invalid field specified: X is not valid column for table: T" (reference section 3).
 * Access (403) is checked by the route with the columns this module reports as touched.
 */
import { psError } from '../http/errors.ts';
import type { District } from './district.ts';
import { QueryParseError, clauseMatcher, parseQ, type QClause } from './q-parser.ts';
import { orderRows, readOrderParameter, readSortParameters, type SortKey } from './row-order.ts';
import {
  TABLE_NAMES,
  isNumberColumn,
  isTableName,
  tableColumns,
  type TableName,
} from './schema.ts';

/** The query-string parameters the endpoint reads. */
export interface SchemaTableParams {
  q?: string | undefined;
  projection?: string | undefined;
  sort?: string | undefined;
  sortdescending?: string | undefined;
  order?: string | undefined;
}

/** A checked request: the table, the columns to return, and every column it reads. */
export interface PreparedTableQuery {
  table: TableName;
  projection: string[];
  clauses: QClause[];
  order: SortKey[];
  /** Projection + q + order columns: what the plugin needs access to. */
  touched: string[];
}

type AnyRow = Record<string, unknown>;

/** Resolves the table name (case-insensitive); 404 when the district has no such table. */
export function resolveTable(name: string): TableName {
  const lower = name.toLowerCase();
  if (!isTableName(lower)) {
    throw psError(404, `Table not found: ${name}. Tables: ${TABLE_NAMES.join(', ')}.`);
  }
  return lower;
}

/** `column`, `COLUMN` or `table.column` of this table, as its lower-case column; else 400. */
export function resolveColumn(table: TableName, written: string): string {
  const text = written.trim();
  const dot = text.lastIndexOf('.');
  const owner = dot === -1 ? table : text.slice(0, dot).toLowerCase();
  const column = (dot === -1 ? text : text.slice(dot + 1)).toLowerCase();
  if (owner !== table || !tableColumns(table).includes(column)) {
    throw psError(400, `Invalid field specified: ${text} is not valid column for table: ${table}`, [
      { resource: table, field: text, code: 'InvalidField' },
    ]);
  }
  return column;
}

/**
 * The columns of a projection: `*`, `table.*` (API-REF: "An asterisk (*) or tablename. with an
 * asterisk (tablename.*)"), column names in any case (TL sends "DCID,STUDENT_NUMBER") or
 * `table.column`. Each column once, in the order asked.
 */
export function parseProjection(table: TableName, text: string): string[] {
  const columns = new Set<string>();
  for (const item of text.split(',').map((part) => part.trim())) {
    if (item === '') continue;
    if (item === '*' || item.toLowerCase() === `${table}.*`) {
      for (const column of tableColumns(table)) columns.add(column);
    } else {
      columns.add(resolveColumn(table, item));
    }
  }
  if (columns.size === 0) throw projectionRequired(table);
  return [...columns];
}

/**
 * Inferred status and text: a table read without a projection is refused (GH RequestBuilder.php:
 * "Get requests are required to have a projection parameter"; it adds projection=*).
 */
function projectionRequired(table: TableName): Error {
  return psError(
    400,
    `A projection is required: send projection=* (every column), projection=${table}.* or a comma-separated list of ${table}'s columns.`,
    [{ resource: table, field: 'projection', code: 'MissingProjection' }],
  );
}

function invalidQuery(table: TableName, error: unknown): never {
  if (error instanceof QueryParseError) {
    throw psError(400, error.message, [{ resource: table, field: 'q', code: 'InvalidQuery' }]);
  }
  throw error;
}

/**
 * Checks q, projection and order against the table's columns; 400 for anything malformed. An
 * empty q (`q=`, as PowerShell clients send an unset filter) filters nothing (inferred).
 */
export function prepareTableQuery(
  tableName: string,
  params: SchemaTableParams,
  options: { requireProjection?: boolean } = {},
): PreparedTableQuery {
  const table = resolveTable(tableName);
  const projectionText = params.projection?.trim();
  if (!projectionText && options.requireProjection) throw projectionRequired(table);
  const projection = projectionText
    ? parseProjection(table, projectionText)
    : [...tableColumns(table)];
  let clauses: QClause[] = [];
  let order: SortKey[] = [];
  try {
    if (params.q?.trim()) clauses = parseQ(params.q);
    for (const clause of clauses) clause.field = resolveColumn(table, clause.field);
    const resolve = (name: string): string => resolveColumn(table, name);
    // Inferred: the ad-hoc `order` of PowerQueries is taken here too, before sort.
    order = params.order?.trim()
      ? readOrderParameter(params.order, resolve)
      : readSortParameters(params.sort, params.sortdescending, resolve);
  } catch (error) {
    invalidQuery(table, error);
  }
  const touched = [
    ...new Set([...projection, ...clauses.map((c) => c.field), ...order.map((k) => k.column)]),
  ];
  return { table, projection, clauses, order, touched };
}

/** Rows matching the q clauses, in order; an equality on an indexed column is an index lookup. */
export function runTableQuery(district: District, prepared: PreparedTableQuery): AnyRow[] {
  const { table, clauses } = prepared;
  const source = candidateRows(district, table, clauses);
  let matchers: ((row: AnyRow) => boolean)[] = [];
  try {
    matchers = clauses.map((clause) => {
      const test = clauseMatcher(clause, isNumberColumn(table, clause.field));
      return (row: AnyRow) => test(row[clause.field]);
    });
  } catch (error) {
    invalidQuery(table, error);
  }
  const rows = source.filter((row) => matchers.every((matches) => matches(row)));
  return orderRows(rows, prepared.order, (row, column) => row[column]);
}

function candidateRows(
  district: District,
  table: TableName,
  clauses: QClause[],
): readonly AnyRow[] {
  const indexed = district.table(table);
  for (const clause of clauses) {
    if (clause.operator !== '==' || clause.values || clause.value.includes('*')) continue;
    if (clause.field === 'id' && table !== 'terms' && /^-?\d+$/.test(clause.value)) {
      const row = indexed.get(Number(clause.value));
      return (row ? [row] : []) as AnyRow[];
    }
    if (indexed.hasIndex(clause.field))
      return indexed.lookup(clause.field, clause.value) as readonly AnyRow[];
  }
  return indexed.all() as readonly AnyRow[];
}

/**
 * One record as /ws/schema/table answers it: `{id, name, tables: {table: {column: "value"}}}`.
 * Inferred: values are strings; null columns are left out.
 */
export function toSchemaRecord(
  table: TableName,
  row: AnyRow,
  projection: readonly string[],
): object {
  const values: Record<string, string> = {};
  for (const column of projection) {
    const value = row[column];
    if (value !== null && value !== undefined) values[column] = String(value);
  }
  return { id: row.id, name: table, tables: { [table]: values } };
}
