/**
 * The ad-hoc filter (`$q`) and order (`order`) PowerSchool applies to a PowerQuery's rows
 * (GH README adHocFilter "number_column=lt=100" and adHocOrder
 * "students.last_name,students.first_name,students.entrydate;desc"; NP and TL send the same
 * parameters). A column is named by its alias or by its `table.column` (inferred: both; the
 * public examples use each), any case. Number columns compare as numbers (inferred).
 */
import { psError } from '../http/errors.ts';
import { QueryParseError, clauseMatcher, parseQ } from '../district/q-parser.ts';
import { orderRows, readOrderParameter } from '../district/row-order.ts';
import { isNumberColumn, isTableName } from '../district/schema.ts';

/** One output column of a query: its alias and the `TABLE.FIELD` it reads. */
export interface ResultColumn {
  alias: string;
  column: string;
}

type Row = Record<string, string>;

function isNumeric(column: string): boolean {
  const [table, field] = column.toLowerCase().split('.');
  return !!table && !!field && isTableName(table) && isNumberColumn(table, field);
}

/** Applies `$q` then `order` to a query's rows; 400 for an unknown column or bad syntax. */
export function refineQueryRows(
  query: string,
  rows: readonly Row[],
  columns: readonly ResultColumn[],
  params: { adHocFilter?: string | undefined; order?: string | undefined },
): Row[] {
  const byName = new Map<string, ResultColumn>();
  for (const column of columns) {
    byName.set(column.alias.toLowerCase(), column);
    byName.set(column.column.toLowerCase(), column);
  }
  const resolve = (name: string): ResultColumn => {
    const found = byName.get(name.trim().toLowerCase());
    if (!found) {
      throw new QueryParseError(
        `${name.trim()} is not a column of PowerQuery ${query}; use one of ${columns.map((c) => c.alias).join(', ')}.`,
      );
    }
    return found;
  };
  try {
    let refined = [...rows];
    if (params.adHocFilter?.trim()) {
      const tests = parseQ(params.adHocFilter).map((clause) => {
        const column = resolve(clause.field);
        const matches = clauseMatcher(clause, isNumeric(column.column));
        return (row: Row): boolean => matches(row[column.alias]);
      });
      refined = refined.filter((row) => tests.every((test) => test(row)));
    }
    const keys = readOrderParameter(params.order, (name) => resolve(name).alias);
    const numeric = new Set(columns.filter((c) => isNumeric(c.column)).map((c) => c.alias));
    return orderRows(refined, keys, (row, alias) => {
      const value = row[alias];
      return value !== undefined && numeric.has(alias) ? Number(value) : value;
    });
  } catch (error) {
    if (error instanceof QueryParseError) {
      const message = error.message.startsWith('Invalid')
        ? error.message.replace(/^Invalid q:/, 'Invalid $q:')
        : `Invalid $q or order: ${error.message}`;
      throw psError(400, message, [{ resource: query, field: '$q', code: 'InvalidQuery' }]);
    }
    throw error;
  }
}
