/**
 * The data contract: the one declaration of what the Navigate360 Attendance Access plugin may
 * touch in PowerSchool. The bundle's access_request and queries_root are generated from it; the
 * connector calls the queries by these names; the simulator executes them natively.
 *
 * Facts: docs/powerschool-reference.md sections 1, 4 and 5. Where a table or column is not in a
 * public source it is marked "inferred". The queries themselves are in contract-queries.ts.
 */
import { QUERIES } from './contract-queries.ts';
import type { FieldAccess, QueryDefinition } from './contract-types.ts';

export * from './contract-types.ts';

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

/**
 * The file under queries_root/ that holds every query. File names share one server-wide
 * namespace, so PowerSchool's PowerQueries page recommends a reverse-domain name like this.
 */
export const QUERIES_FILE = 'com.navigate360.attendance.named_queries.xml';

export { CORE_DCID_ID_MAP_QUERY, QUERIES, QUERY_NAMES, type QueryKey } from './contract-queries.ts';

/**
 * ATTENDANCE fields a writeback sets: FullAccess is needed on each (D118 README for the first
 * nine; CCID and PERIODID for meeting records and TOTAL_MINUTES for Time records are inferred).
 * DCID names the Time record an update changes (MT: "an update of a Time record names its
 * dcid"): a return to school recomputes the minutes of the early check-out's record.
 */
export const ATTENDANCE_WRITE_FIELDS: readonly string[] = [
  'ATTENDANCE_CODEID',
  'CALENDAR_DAYID',
  'DCID',
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
