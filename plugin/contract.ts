/**
 * The data contract: the one declaration of what the Navigate360 Attendance Access plugin may
 * touch in PowerSchool. The bundle's access_request and queries_root are generated from it; the
 * connector calls the queries by these names; the simulator executes them natively.
 *
 * Facts: docs/powerschool-reference.md sections 1, 4 and 5. Where a table or column is not in a
 * public source it is marked "inferred". The queries themselves are in contract-queries.ts.
 */
import { QUERIES } from './contract-queries.ts';

/** The two access levels an access_request field may ask for. */
export const FIELD_ACCESS_LEVELS = ['ViewOnly', 'FullAccess'] as const;
export type FieldAccessLevel = (typeof FIELD_ACCESS_LEVELS)[number];

/** One `<field table=".." field=".." access=".."/>` of access_request. Names are upper case. */
export interface FieldAccess {
  table: string;
  field: string;
  access: FieldAccessLevel;
}

/** The kinds of value a PowerQuery `<arg type="..">` takes. */
export const QUERY_ARG_TYPES = ['primitive', 'array'] as const;
export type QueryArgType = (typeof QUERY_ARG_TYPES)[number];

/** `<arg casing="..">` values (PowerSchool 22.11.0.0+): how string values are cased server side. */
export const QUERY_ARG_CASINGS = ['upper', 'lower', 'none'] as const;
export type QueryArgCasing = (typeof QUERY_ARG_CASINGS)[number];

/** One `<arg>` of a PowerQuery. */
export interface QueryArg {
  name: string;
  type: QueryArgType;
  required: boolean;
  /** '' when the file gives none. */
  description: string;
  /** TABLE.FIELD the argument is compared with, when it maps to one. */
  column?: string;
  /** Server-side casing of string values; only PowerSchool 22.11.0.0 and later know it. */
  casing?: QueryArgCasing;
}

/** One `<column column="table.field">alias</column>` of a PowerQuery, in SQL output order. */
export interface QueryColumn {
  /** table.field, lower case, as PowerSchool's own query files write it. */
  column: string;
  /** The key the flattened record carries for this column. */
  alias: string;
}

/** A PowerQuery as declared in queries_root/*.named_queries.xml. */
export interface QueryDefinition {
  /** Five dotted parts, snake_case: com.navigate360.attendance.<area>.<name>. */
  name: string;
  /** The table extensions come from; '' when the query declares none. */
  coreTable: string;
  /**
   * `flattened="true"`: records carry every column at one level (what the connector reads).
   * Undefined renders as true; PowerSchool's own default when the attribute is absent is the
   * grouped-by-table shape, so a parsed file always sets it.
   */
  flattened?: boolean;
  /** At most 50 characters (shown in Data Export Manager); '' when absent. */
  summary: string;
  description: string;
  args: readonly QueryArg[];
  columns: readonly QueryColumn[];
  /**
   * table.field read by the SQL (joins, filters) beyond the output columns. Not part of the
   * query file: it feeds access_request only, so a parsed file gives [].
   */
  alsoReads: readonly string[];
  sql: string;
}

/** The plugin's identity as PowerSchool lists it under Installed Plugins. */
export const PLUGIN_IDENTITY = {
  name: 'Navigate360 Attendance Access',
  version: '1.0.0',
  description:
    'Lets Navigate360 Visitor Management write late check-ins and early check-outs back to PowerSchool as attendance records.',
  publisher: {
    name: 'Navigate360',
    // Inferred: the real support address is not public; override with --contact-email.
    contact: { email: 'support@navigate360.com' },
  },
} as const;

/** The file under queries_root/ that holds every query. */
export const QUERIES_FILE = 'navigate360_attendance.named_queries.xml';

export { CORE_DCID_ID_MAP_QUERY, QUERIES, QUERY_NAMES, type QueryKey } from './contract-queries.ts';

/**
 * ATTENDANCE fields a writeback sets: FullAccess is needed on each (D118 README for the first
 * nine; CCID and PERIODID for meeting records and TOTAL_MINUTES for Time records are inferred).
 */
export const ATTENDANCE_WRITE_FIELDS: readonly string[] = [
  'ATTENDANCE_CODEID',
  'CALENDAR_DAYID',
  'SCHOOLID',
  'YEARID',
  'STUDENTID',
  'ATT_MODE_CODE',
  'ATT_COMMENT',
  'ATT_DATE',
  'PROGRAMID',
  'CCID',
  'PERIODID',
  'TOTAL_MINUTES',
];

/** Splits "table.field" into upper-case parts; throws on any other shape. */
export function splitTableField(tableField: string): { table: string; field: string } {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(tableField);
  if (!match) throw new Error(`"${tableField}" is not TABLE.FIELD`);
  return { table: match[1]!.toUpperCase(), field: match[2]!.toUpperCase() };
}

/** Every table.field a query touches: its output columns, its args' columns, its other reads. */
export function queryReads(query: QueryDefinition): string[] {
  const argColumns = query.args.flatMap((arg) => (arg.column ? [arg.column] : []));
  return [...query.columns.map((column) => column.column), ...argColumns, ...query.alsoReads];
}

/** Orders by code point, never by locale: the generated plugin.xml must not depend on the machine. */
function compareOrdinal(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/**
 * The access_request derived from the contract: ViewOnly on every field a query reads,
 * FullAccess on every attendance write field (FullAccess wins where both apply). Sorted by
 * table then field, in code-point order; no duplicates.
 */
export function deriveAccessRequest(
  queries: readonly QueryDefinition[] = QUERIES,
  writeFields: readonly string[] = ATTENDANCE_WRITE_FIELDS,
): FieldAccess[] {
  const byKey = new Map<string, FieldAccess>();
  for (const query of queries) {
    for (const tableField of queryReads(query)) {
      const { table, field } = splitTableField(tableField);
      byKey.set(`${table}.${field}`, { table, field, access: 'ViewOnly' });
    }
  }
  for (const rawField of writeFields) {
    const field = rawField.toUpperCase();
    byKey.set(`ATTENDANCE.${field}`, { table: 'ATTENDANCE', field, access: 'FullAccess' });
  }
  return [...byKey.values()].sort(
    (a, b) => compareOrdinal(a.table, b.table) || compareOrdinal(a.field, b.field),
  );
}

/** Finds a declared query by name. */
export function findQuery(
  name: string,
  queries: readonly QueryDefinition[] = QUERIES,
): QueryDefinition | undefined {
  return queries.find((query) => query.name === name);
}
