/**
 * page / pagesize as PowerSchool reads them: page is 1-based, pagesize defaults to the maximum
 * and may not exceed it (API-REF: "cannot be greater than the maximum page size").
 */
import { psError } from '../http/errors.ts';

/** A checked page request. */
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

function wholeNumber(name: string, raw: string, min: number, max: number): number {
  const value = /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw psError(400, `Invalid ${name}: "${raw}"; use a whole number from ${min} to ${max}.`, [
      { field: name, code: 'InvalidValue' },
    ]);
  }
  return value;
}

/** Reads page and pagesize from a query; 400 for a non-number or a size above `max`. */
export function readPaging(
  query: { page?: string | undefined; pagesize?: string | undefined },
  max: number,
): Paging {
  return {
    page:
      query.page === undefined ? 1 : wholeNumber('page', query.page, 1, Number.MAX_SAFE_INTEGER),
    pagesize: query.pagesize === undefined ? max : wholeNumber('pagesize', query.pagesize, 1, max),
  };
}

/** The rows of one page. */
export function pageOf<T>(rows: readonly T[], paging: Paging): T[] {
  const start = (paging.page - 1) * paging.pagesize;
  return rows.slice(start, start + paging.pagesize);
}
