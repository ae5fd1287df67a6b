/**
 * page / pagesize as PowerSchool reads them. page is 1-based. v1 resources: pagesize defaults to
 * the resource's maximum and may not exceed it (API-REF: "cannot be greater than the maximum page
 * size, which is also the default value"). Schema tables and PowerQueries: pagesize defaults to
 * 100, and 0 means every row (TS client.py reads one page when page_size == 0; PSM
 * Invoke-PSPowerSchoolPowerQuery "Set to zero to stream response"; a public client POSTs
 * `?pagesize=0` to read a whole PowerQuery).
 */
import { psError } from '../http/errors.ts';

/** A checked page request; pagesize 0 is every row. */
export interface Paging {
  page: number;
  pagesize: number;
}

/** Page size maxima reported by /ws/v1/metadata. Inferred: the values (admins can change them). */
export const MAX_PAGE_SIZES = {
  schema_table_query_max_page_size: 1000,
  student_max_page_size: 100,
  school_max_page_size: 100,
  term_max_page_size: 100,
  section_max_page_size: 100,
  course_max_page_size: 100,
  staff_max_page_size: 100,
  section_enrollment_max_page_size: 100,
} as const;

/** The page size of a schema table read or a PowerQuery when none is asked for. */
export const DEFAULT_SCHEMA_PAGE_SIZE = 100;

/** How a resource pages: its maximum, its default, and whether 0 means every row. */
export interface PagingRules {
  max: number;
  defaultSize: number;
  zeroMeansAll: boolean;
}

/** v1 resources: the maximum is the default; 0 is refused (inferred). */
export function v1Paging(max: number): PagingRules {
  return { max, defaultSize: max, zeroMeansAll: false };
}

/** Schema tables and PowerQueries: 100 by default, at most the schema maximum, 0 = every row. */
export const SCHEMA_PAGING: PagingRules = {
  max: MAX_PAGE_SIZES.schema_table_query_max_page_size,
  defaultSize: DEFAULT_SCHEMA_PAGE_SIZE,
  zeroMeansAll: true,
};

function wholeNumber(name: string, raw: string, min: number, max: number): number {
  const value = /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw psError(400, `Invalid ${name}: "${raw}"; use a whole number from ${min} to ${max}.`, [
      { field: name, code: 'InvalidValue' },
    ]);
  }
  return value;
}

/**
 * Reads page and pagesize; 400 for a non-number or a size above the maximum (inferred: the
 * status; PowerSchool's text is not public). An empty value counts as absent.
 */
export function readPaging(
  query: { page?: string | undefined; pagesize?: string | undefined },
  rules: PagingRules,
): Paging {
  const page = query.page?.trim() ? query.page : undefined;
  const size = query.pagesize?.trim() ? query.pagesize : undefined;
  return {
    page: page === undefined ? 1 : wholeNumber('page', page, 1, Number.MAX_SAFE_INTEGER),
    pagesize:
      size === undefined
        ? rules.defaultSize
        : wholeNumber('pagesize', size, rules.zeroMeansAll ? 0 : 1, rules.max),
  };
}

/** The rows of one page (every row for pagesize 0). */
export function pageOf<T>(rows: readonly T[], paging: Paging): T[] {
  if (paging.pagesize === 0) return paging.page === 1 ? [...rows] : [];
  const start = (paging.page - 1) * paging.pagesize;
  return rows.slice(start, start + paging.pagesize);
}
