/**
 * The /ws/schema/table/{table} engine: q filter, projection, sort. Unknown table 404, unknown
 * column 400 "Invalid field specified: X is not valid column for table: T" (reference section 3).
 * Access (403) is checked by the route with the columns this module reports as touched.
 */
import { psError } from '../http/errors.ts';
import type { District } from './district.ts';
import { QueryParseError, clauseMatcher, parseQ, type QClause } from './q-parser.ts';
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
}

/** A checked request: the table, the columns to return, and every column it reads. */
export interface PreparedTableQuery {
  table: TableName;
  projection: string[];
  clauses: QClause[];
  sort: string[];
  descending: boolean;
  /** Projection + q + sort columns: what the plugin needs access to. */
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

function checkColumn(table: TableName, column: string): string {
  const lower = column.trim().toLowerCase();
  if (!tableColumns(table).includes(lower)) {
    throw psError(
      400,
      `Invalid field specified: ${column.trim()} is not valid column for table: ${table}`,
      [{ resource: table, field: column.trim(), code: 'InvalidField' }],
    );
  }
  return lower;
}

/** Checks q, projection and sort against the table's columns; 400 for anything malformed. */
export function prepareTableQuery(
  tableName: string,
  params: SchemaTableParams,
): PreparedTableQuery {
  const table = resolveTable(tableName);
  const projectionText = params.projection?.trim() || '*';
  const projection =
    projectionText === '*'
      ? [...tableColumns(table)]
      : projectionText.split(',').map((column) => checkColumn(table, column));
  let clauses: QClause[] = [];
  if (params.q !== undefined) {
    try {
      clauses = parseQ(params.q);
    } catch (error) {
      if (error instanceof QueryParseError)
        throw psError(400, error.message, [{ resource: table, field: 'q', code: 'InvalidQuery' }]);
      throw error;
    }
    for (const clause of clauses) clause.field = checkColumn(table, clause.field);
  }
  const sort = params.sort
    ? params.sort.split(',').map((column) => checkColumn(table, column))
    : [];
  const touched = [...new Set([...projection, ...clauses.map((c) => c.field), ...sort])];
  return {
    table,
    projection,
    clauses,
    sort,
    descending: params.sortdescending === 'true',
    touched,
  };
}

/** Rows matching the q clauses, sorted; an equality on an indexed column is an index lookup. */
export function runTableQuery(district: District, prepared: PreparedTableQuery): AnyRow[] {
  const { table, clauses } = prepared;
  const source = candidateRows(district, table, clauses);
  let matchers: ((row: AnyRow) => boolean)[];
  try {
    matchers = clauses.map((clause) => {
      const test = clauseMatcher(clause, isNumberColumn(table, clause.field));
      return (row: AnyRow) => test(row[clause.field]);
    });
  } catch (error) {
    if (error instanceof QueryParseError)
      throw psError(400, error.message, [{ resource: table, field: 'q', code: 'InvalidQuery' }]);
    throw error;
  }
  const rows = source.filter((row) => matchers.every((matches) => matches(row)));
  return prepared.sort.length ? sortRows(rows, prepared.sort, prepared.descending) : rows;
}

function candidateRows(
  district: District,
  table: TableName,
  clauses: QClause[],
): readonly AnyRow[] {
  const indexed = district.table(table);
  for (const clause of clauses) {
    if (clause.operator !== '==' || clause.value.includes('*')) continue;
    if (clause.field === 'id' && table !== 'terms' && /^-?\d+$/.test(clause.value)) {
      const row = indexed.get(Number(clause.value));
      return (row ? [row] : []) as AnyRow[];
    }
    if (indexed.hasIndex(clause.field))
      return indexed.lookup(clause.field, clause.value) as readonly AnyRow[];
  }
  return indexed.all() as readonly AnyRow[];
}

function sortRows(rows: AnyRow[], columns: string[], descending: boolean): AnyRow[] {
  const direction = descending ? -1 : 1;
  return rows.sort((a, b) => {
    for (const column of columns) {
      const left = a[column];
      const right = b[column];
      if (left === right) continue;
      if (left === null || left === undefined) return -direction;
      if (right === null || right === undefined) return direction;
      return (left < right ? -1 : 1) * direction;
    }
    return 0;
  });
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
