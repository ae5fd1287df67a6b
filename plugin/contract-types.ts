/**
 * The types of the data contract (access_request fields and PowerQuery declarations), apart
 * from the declarations themselves so contract.ts and contract-queries.ts both import them
 * without importing each other.
 */
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
  /** The value used when the caller gives none; may hold a PowerSchool HTML tag. */
  default?: string;
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
