/**
 * Small checks shared by the plugin.xml, PowerQuery and permission validators: lengths,
 * characters, names, enumerations. Each returns the findings of the rule it is given.
 */
import { finding, type Finding } from './finding.ts';
import type { RuleId } from './rules.ts';

/** True for a UTF-16 code unit XML 1.0 cannot carry, even escaped (most control characters). */
function isNonXmlCharacter(code: number): boolean {
  if (code === 0x09 || code === 0x0a || code === 0x0d) return false;
  return code < 0x20 || code === 0xfffe || code === 0xffff;
}

/** A finding for the first character of `value` that XML 1.0 cannot carry, if any. */
export function checkXmlCharacters(
  value: string,
  where: string,
  label: string,
  rule: RuleId,
): Finding[] {
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (isNonXmlCharacter(code)) {
      const hex = code.toString(16).toUpperCase().padStart(4, '0');
      const message = `${label} contains the control character U+${hex} at position ${index + 1}, which XML 1.0 cannot carry; remove it.`;
      return [finding(rule, where, message)];
    }
  }
  return [];
}

/** A length limit as the schema or docs state it: `min` 1 means required and non-empty. */
export interface LengthLimit {
  min?: number;
  max: number;
}

/** Length limits as the installer states them, then the XML character check. */
export function checkLength(
  value: string,
  where: string,
  label: string,
  { min = 0, max }: LengthLimit,
  rule: RuleId,
): Finding[] {
  const allowed = min > 0 ? `${min} to ${max} characters` : `at most ${max} characters`;
  if (value.length < min) {
    return [
      finding(rule, where, `${label} is empty; PowerSchool requires ${allowed}. Fill it in.`),
    ];
  }
  if (value.length > max) {
    const message = `${label} is ${value.length} characters; PowerSchool allows ${allowed}. Shorten it.`;
    return [finding(rule, where, message)];
  }
  return checkXmlCharacters(value, where, label, rule);
}

/** Oracle-style table or column name: a letter, then letters, digits, _ $ #. */
const DATABASE_NAME = /^[A-Za-z][A-Za-z0-9_$#]*$/;

/** True when `value` looks like a PowerSchool table or column name. */
export function isDatabaseName(value: string): boolean {
  return DATABASE_NAME.test(value);
}

/** A finding under `rule` when `value` does not look like a table or column name. */
export function checkDatabaseNameForm(
  value: string,
  where: string,
  label: string,
  rule: RuleId,
): Finding[] {
  if (value === '' || isDatabaseName(value)) return [];
  const message = `${label} "${value}" does not look like a PowerSchool table or column name (a letter, then letters, digits and underscores, e.g. STUDENTS, ATT_DATE).`;
  return [finding(rule, where, message)];
}

const TABLE_FIELD = /^[A-Za-z][A-Za-z0-9_$#]*\.[A-Za-z][A-Za-z0-9_$#]*$/;

/** True for a "TABLE.FIELD" reference whose parts look like database names. */
export function isTableField(value: string): boolean {
  return TABLE_FIELD.test(value);
}

/** Checks a "TABLE.FIELD" reference (query columns and arg columns). */
export function checkTableField(value: string, where: string, label: string): Finding[] {
  if (isTableField(value)) return [];
  const message = `${label} "${value}" is not a real TABLE.FIELD, which PowerSchool's docs require; write the table and column, e.g. students.dcid.`;
  return [finding('query.column-reference', where, message)];
}

/** A finding under `rule` when `value` is not one of `valid` (exact, case-sensitive). */
export function checkOneOf(
  value: string,
  valid: readonly string[],
  where: string,
  label: string,
  rule: RuleId,
): Finding[] {
  if (valid.includes(value)) return [];
  const caseHint = valid.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
  const hint = caseHint ? ` Values are case-sensitive: write ${caseHint}.` : '';
  return [
    finding(rule, where, `${label} is "${value}"; valid values: ${valid.join(', ')}.${hint}`),
  ];
}

/** A finding under `rule` when an optional xs:boolean attribute is neither true nor false. */
export function checkBoolean(
  value: string | undefined,
  where: string,
  label: string,
  rule: RuleId,
): Finding[] {
  if (value === undefined) return [];
  // xs:boolean also takes 1 and 0.
  return checkOneOf(value, ['true', 'false', '1', '0'], where, label, rule);
}
