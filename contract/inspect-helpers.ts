/** Checks beyond the schemas that several interactions share. */

/**
 * The one-item quirk (reference section 3): a v1 collection of exactly one item comes back as an
 * object. A one-item array is a drift from PowerSchool that would hide a connector bug.
 */
export function oneItemQuirkProblem(value: unknown, path: string): string[] {
  if (Array.isArray(value) && value.length === 1) {
    return [
      `${path}: one item came back as a one-item array; PowerSchool sends a one-item collection as an object`,
    ];
  }
  return [];
}

/** The parts of a v1 term the school-year choice reads. */
export interface TermDates {
  start_date: string;
  end_date: string;
}

function spanDays(term: TermDates): number {
  return (Date.parse(term.end_date) - Date.parse(term.start_date)) / 86_400_000;
}

/**
 * The term that stands for the school year on `date`: the longest term containing the date (the
 * year term outlasts its semesters and quarters); else, between school years, the latest-starting
 * of the terms that began before it (longest first); else the first. Undefined only for no terms.
 */
export function chooseSchoolYearTerm<T extends TermDates>(terms: T[], date: string): T | undefined {
  const containing = terms.filter((term) => term.start_date <= date && date <= term.end_date);
  if (containing.length > 0) return [...containing].sort((a, b) => spanDays(b) - spanDays(a))[0];
  const earlier = terms
    .filter((term) => term.start_date <= date)
    .sort((a, b) => b.start_date.localeCompare(a.start_date) || spanDays(b) - spanDays(a));
  return earlier[0] ?? terms[0];
}

/** A whole number from a string-or-number cell, or undefined when it is not one. */
export function toWholeNumber(value: unknown): number | undefined {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) ? number : undefined;
}
