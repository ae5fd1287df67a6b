/**
 * Ordering rows as PowerSchool's reads take it: `sort=col1,col2&sortdescending=true` on schema
 * tables (API-REF GET /ws/schema/table/{tablename}) and the ad-hoc `order=col1,col2;desc` of
 * PowerQueries (GH README adHocOrder: "students.last_name,students.first_name,students.entrydate;desc",
 * each column with its own `;asc` or `;desc`). Nulls sort last ascending and first descending,
 * as Oracle sorts them (inferred). Ties keep the rows' stored order, so paging over an ordered
 * read is stable; without an order PowerSchool promises none (inferred).
 */
import { QueryParseError } from './q-parser.ts';

/** One column to order by. */
export interface SortKey {
  column: string;
  descending: boolean;
}

/** Resolves a name a client wrote to the column it orders by; throws for an unknown one. */
export type ColumnResolver = (name: string) => string;

/** `sort` and `sortdescending` (true, any case, for descending; anything else ascending). */
export function readSortParameters(
  sort: string | undefined,
  sortDescending: string | undefined,
  resolve: ColumnResolver,
): SortKey[] {
  if (!sort?.trim()) return [];
  const descending = sortDescending?.trim().toLowerCase() === 'true';
  return sort
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean)
    .map((name) => ({ column: resolve(name), descending }));
}

/** The ad-hoc `order`: `col`, `col;asc` or `col;desc`, separated by commas. */
export function readOrderParameter(order: string | undefined, resolve: ColumnResolver): SortKey[] {
  if (!order?.trim()) return [];
  return order
    .split(',')
    .map((term) => term.trim())
    .filter(Boolean)
    .map((term) => {
      const [name = '', direction = 'asc', ...rest] = term.split(';').map((part) => part.trim());
      const lower = direction.toLowerCase();
      if (rest.length > 0 || (lower !== 'asc' && lower !== 'desc')) {
        throw new QueryParseError(
          `Invalid order: "${term}"; write column, column;asc or column;desc, separated by commas.`,
        );
      }
      return { column: resolve(name), descending: lower === 'desc' };
    });
}

function compareValues(left: unknown, right: unknown): number {
  const leftMissing = left === null || left === undefined;
  const rightMissing = right === null || right === undefined;
  if (leftMissing || rightMissing) return leftMissing === rightMissing ? 0 : leftMissing ? 1 : -1;
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  const a = String(left);
  const b = String(right);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The rows in order (a new array; a stable sort, so ties keep their stored order). */
export function orderRows<Row>(
  rows: readonly Row[],
  keys: readonly SortKey[],
  valueOf: (row: Row, column: string) => unknown,
): Row[] {
  if (keys.length === 0) return [...rows];
  return [...rows].sort((a, b) => {
    for (const { column, descending } of keys) {
      const order = compareValues(valueOf(a, column), valueOf(b, column));
      if (order !== 0) return descending ? -order : order;
    }
    return 0;
  });
}
