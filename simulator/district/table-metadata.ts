/**
 * GET /ws/schema/table/{table}/metadata: the table and its columns with types and lengths, what
 * clients build a default projection from (TS client.py reads `columns[].name` and, with
 * `expansions=access`, `columns[].access`, skipping NoAccess and BlackListNoAccess). The
 * envelope's fields follow API-REF TableInfo (name, comment, primaryKey, queries, schemaType,
 * coreTable, collection, columns). Inferred: names upper case, as Oracle reports them (TS lower-
 * cases them); the column fields beyond name and access; Oracle's types and the lengths not in
 * PSU's data dictionary.
 */
import {
  isDateColumn,
  isNullableColumn,
  isNumberColumn,
  tableColumns,
  type TableName,
} from './schema.ts';

/** The access a plugin holds on a column, as the metadata reports it. */
export const COLUMN_ACCESS = ['FullAccess', 'ViewOnly', 'NoAccess', 'BlackListNoAccess'] as const;
export type ColumnAccess = (typeof COLUMN_ACCESS)[number];

/** One column of a table's metadata. */
export interface ColumnInfo {
  name: string;
  type: 'NUMBER' | 'VARCHAR2' | 'DATE';
  length: number;
  nullable: boolean;
  access?: ColumnAccess;
}

/** A table's metadata. */
export interface TableInfo {
  name: string;
  comment: string;
  primaryKey: string;
  queries: Record<string, never>;
  schemaType: string;
  coreTable: string;
  collection: string;
  columns: ColumnInfo[];
}

/** VARCHAR2 lengths from PSU PS_API_NOTES.md's data dictionary; the rest inferred. */
const TEXT_LENGTHS: Record<string, number> = {
  'students.first_name': 50,
  'students.last_name': 50,
  'students.middle_name': 30,
  'students.student_web_id': 20,
  'students.state_studentnumber': 32,
  'students.gender': 2,
  'students.lastfirst': 101,
  'attendance.att_comment': 4000,
  'sections.expression': 80,
  'courses.course_number': 11,
  'courses.course_name': 40,
};

/** Inferred: Oracle NUMBER columns reported with 10 digits, DATE with its 7 bytes. */
const NUMBER_LENGTH = 10;
const DATE_LENGTH = 7;
const DEFAULT_TEXT_LENGTH = 80;

function columnInfo(table: TableName, column: string): ColumnInfo {
  const nullable = isNullableColumn(table, column);
  const name = column.toUpperCase();
  if (isNumberColumn(table, column)) {
    return { name, type: 'NUMBER', length: NUMBER_LENGTH, nullable };
  }
  if (isDateColumn(table, column)) return { name, type: 'DATE', length: DATE_LENGTH, nullable };
  const length = TEXT_LENGTHS[`${table}.${column}`] ?? DEFAULT_TEXT_LENGTH;
  return { name, type: 'VARCHAR2', length, nullable };
}

/** The metadata of a table; with `accessOf`, each column says the plugin's access to it. */
export function tableMetadata(
  table: TableName,
  accessOf?: (column: string) => ColumnAccess,
): TableInfo {
  const upper = table.toUpperCase();
  return {
    name: upper,
    comment: '',
    // TERMS reuses ids across schools: DCID is its key (reference section 5).
    primaryKey: table === 'terms' ? 'DCID' : 'ID',
    queries: {},
    schemaType: 'core',
    coreTable: upper,
    collection: '',
    columns: tableColumns(table).map((column) => {
      const info = columnInfo(table, column);
      return accessOf ? { ...info, access: accessOf(column) } : info;
    }),
  };
}
