/**
 * A finding: one rule a bundle breaks, at one place, with the rule's level and source. Checks
 * return findings instead of throwing, so one run reports everything.
 */
import { FINDING_LEVELS, RULES, type FindingLevel, type RuleId } from './rules.ts';

/** One broken rule at one place (e.g. 'access_request/field[3]@table'). */
export interface Finding {
  level: FindingLevel;
  rule: RuleId;
  where: string;
  message: string;
  source: string;
}

/** A finding of `rule` at `where`; level and source come from the rule catalogue. */
export function finding(rule: RuleId, where: string, message: string): Finding {
  const spec = RULES[rule];
  return { level: spec.level, rule, where, message, source: spec.source };
}

/** How many findings of each level. */
export function countFindings(findings: readonly Finding[]): Record<FindingLevel, number> {
  const counts: Record<FindingLevel, number> = { refusal: 0, warning: 0, note: 0 };
  for (const item of findings) counts[item.level] += 1;
  return counts;
}

/** The findings that fail a check: refusals, and warnings too when `strict`. Notes never fail. */
export function failingFindings(
  findings: readonly Finding[],
  { strict = false }: { strict?: boolean } = {},
): Finding[] {
  return findings.filter(
    (item) => item.level === 'refusal' || (strict && item.level === 'warning'),
  );
}

/** Most severe first, then in the order found (a stable sort keeps that order). */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const rank = (level: FindingLevel): number => FINDING_LEVELS.indexOf(level);
  return [...findings].sort((a, b) => rank(a.level) - rank(b.level));
}

/**
 * Joins findings from parsing with findings from value rules, dropping a rule finding whose
 * place already has a parsing one (a missing attribute is not also "empty").
 */
export function mergeFindings(
  structural: readonly Finding[],
  rules: readonly Finding[],
): Finding[] {
  const places = new Set(structural.map((item) => item.where));
  return [...structural, ...rules.filter((item) => !places.has(item.where))];
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** "2 refusals, 1 warning, 0 notes": the count line of a report. */
export function describeCounts(findings: readonly Finding[]): string {
  const counts = countFindings(findings);
  return FINDING_LEVELS.map((level) => plural(counts[level], level)).join(', ');
}

/**
 * Renders findings one per line, most severe first, under a count line, as the CLI and error
 * messages show them: `  refusal  query.name-unique  where: message (source)`.
 */
export function formatFindings(findings: readonly Finding[]): string {
  const lines = sortFindings(findings).map(
    (item) => `  ${item.level.padEnd(7)}  ${item.rule}  ${item.where}: ${item.message}`,
  );
  return [describeCounts(findings), ...lines].join('\n');
}
