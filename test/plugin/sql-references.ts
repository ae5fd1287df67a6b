/**
 * Reads which TABLE.FIELDs a PowerQuery's SQL touches, independently of plugin/ (its own
 * masking and regular expressions), so the coverage test does not trust the code it checks:
 * FROM/JOIN `table alias` gives an alias map, then every `alias.field` token is resolved.
 */
import type { FieldAccess, QueryDefinition } from '../../plugin/contract.ts';

const NOT_ALIASES = new Set(
  'on where join left right inner outer full cross group order and or union select from using having'.split(
    ' ',
  ),
);

/** The SQL without string literals and comments (their words are not references). */
function withoutLiterals(sql: string): string {
  return sql
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ');
}

/** alias -> table (lower case), from every `FROM table alias` and `JOIN table alias`. */
export function tableAliases(sql: string): Map<string, string> {
  const aliases = new Map<string, string>();
  const pattern = /\b(?:from|join)\s+([a-z_][\w$#]*)(?:\s+(?:as\s+)?([a-z_][\w$#]*))?/gi;
  for (const [, table, alias] of withoutLiterals(sql).matchAll(pattern)) {
    const tableName = table!.toLowerCase();
    aliases.set(tableName, tableName);
    if (alias && !NOT_ALIASES.has(alias.toLowerCase())) aliases.set(alias.toLowerCase(), tableName);
  }
  return aliases;
}

/** Every TABLE.FIELD the SQL references, and any `x.field` whose x is no known alias. */
export function sqlReads(sql: string): { reads: Set<string>; unknownAliases: string[] } {
  const aliases = tableAliases(sql);
  const reads = new Set<string>();
  const unknownAliases: string[] = [];
  for (const [, alias, field] of withoutLiterals(sql).matchAll(
    /\b([a-z_][\w$#]*)\.([a-z_][\w$#]*)\b/gi,
  )) {
    const table = aliases.get(alias!.toLowerCase());
    if (table === undefined) unknownAliases.push(`${alias}.${field}`);
    else reads.add(`${table}.${field}`.toUpperCase());
  }
  return { reads, unknownAliases };
}

/** Every TABLE.FIELD a query touches: its SQL's references plus its declared columns and args. */
export function queryTouches(query: QueryDefinition): Set<string> {
  const touched = new Set(sqlReads(query.sql).reads);
  for (const column of query.columns) touched.add(column.column.toUpperCase());
  for (const arg of query.args) if (arg.column) touched.add(arg.column.toUpperCase());
  return touched;
}

/** "query name: TABLE.FIELD" for each touched field that access_request does not request. */
export function findUnrequestedFields(
  queries: readonly QueryDefinition[],
  accessRequest: readonly FieldAccess[],
): string[] {
  const requested = new Set(
    accessRequest.map((field) => `${field.table}.${field.field}`.toUpperCase()),
  );
  return queries.flatMap((query) =>
    [...queryTouches(query)]
      .filter((field) => !requested.has(field))
      .map((field) => `${query.name}: ${field}`),
  );
}
