/**
 * Small checks shared by the plugin.xml and PowerQuery validators: lengths, characters, names.
 * Each returns the violations it finds (none when the value is fine).
 */
import type { Violation } from './validate.ts';

/** True for a UTF-16 code unit XML 1.0 cannot carry, even escaped (most control characters). */
function isNonXmlCharacter(code: number): boolean {
  if (code === 0x09 || code === 0x0a || code === 0x0d) return false;
  return code < 0x20 || code === 0xfffe || code === 0xffff;
}

/** A violation for the first character of `value` that XML 1.0 cannot carry, if any. */
export function checkXmlCharacters(value: string, where: string, label: string): Violation[] {
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (isNonXmlCharacter(code)) {
      const hex = code.toString(16).toUpperCase().padStart(4, '0');
      return [
        {
          where,
          message: `${label} contains the control character U+${hex} at position ${index + 1}, which XML 1.0 cannot carry; remove it.`,
        },
      ];
    }
  }
  return [];
}

/** Length limits as the installer states them: `min` 1 means required and non-empty. */
export function checkLength(
  value: string,
  where: string,
  label: string,
  { min = 0, max }: { min?: number; max: number },
): Violation[] {
  const allowed = min > 0 ? `${min} to ${max} characters` : `at most ${max} characters`;
  if (value.length < min) {
    return [{ where, message: `${label} is empty; PowerSchool requires ${allowed}. Fill it in.` }];
  }
  if (value.length > max) {
    return [
      {
        where,
        message: `${label} is ${value.length} characters; PowerSchool allows ${allowed}. Shorten it.`,
      },
    ];
  }
  return checkXmlCharacters(value, where, label);
}

/** Oracle-style table or column name: a letter, then letters, digits, _ $ #. */
const DATABASE_NAME = /^[A-Za-z][A-Za-z0-9_$#]*$/;

/** Checks a table or column name used in access_request or a query. */
export function checkDatabaseName(
  value: string,
  where: string,
  label: string,
  max: number,
): Violation[] {
  const length = checkLength(value, where, label, { min: 1, max });
  if (length.length > 0) return length;
  if (!DATABASE_NAME.test(value)) {
    return [
      {
        where,
        message: `${label} "${value}" is not a PowerSchool table or column name: use letters, digits and underscores, starting with a letter (e.g. STUDENTS, ATT_DATE).`,
      },
    ];
  }
  return [];
}

const TABLE_FIELD = /^[A-Za-z][A-Za-z0-9_$#]*\.[A-Za-z][A-Za-z0-9_$#]*$/;

/** Checks a "TABLE.FIELD" reference (query columns and arg columns). */
export function checkTableField(value: string, where: string, label: string): Violation[] {
  if (TABLE_FIELD.test(value)) return [];
  return [
    {
      where,
      message: `${label} "${value}" is not TABLE.FIELD; write the real table and column, e.g. students.dcid.`,
    },
  ];
}

/** A violation when `value` is not one of `valid` (exact, case-sensitive). */
export function checkOneOf(
  value: string,
  valid: readonly string[],
  where: string,
  label: string,
): Violation[] {
  if (valid.includes(value)) return [];
  const caseHint = valid.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
  const hint = caseHint ? ` Values are case-sensitive: write ${caseHint}.` : '';
  return [
    {
      where,
      message: `${label} is "${value}"; valid values: ${valid.join(', ')}.${hint}`,
    },
  ];
}
