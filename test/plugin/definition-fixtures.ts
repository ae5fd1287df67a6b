/** Definitions with one thing changed, for the validation case tables. */
import { QUERIES_FILE, type QueryDefinition } from '../../plugin/contract.ts';
import { defaultPluginDefinition, type PluginDefinition } from '../../plugin/definition.ts';
import type { FindingLevel, RuleId } from '../../plugin/rules.ts';
import { validatePluginDefinition } from '../../plugin/validate.ts';

/** Where query 0 of a built bundle is reported. */
export const Q = `queries_root/${QUERIES_FILE}: query[0]`;

/** The default definition with query 0 changed. */
export function withQuery(
  change: (query: QueryDefinition) => Partial<QueryDefinition>,
): PluginDefinition {
  const definition = defaultPluginDefinition({ psVersion: '25.2.0.0' });
  const [first, ...rest] = definition.queries;
  return { ...definition, queries: [{ ...first!, ...change(first!) }, ...rest] };
}

/** The default definition with some top-level fields changed. */
export function withPlugin(change: Partial<PluginDefinition>): PluginDefinition {
  return { ...defaultPluginDefinition({ psVersion: '25.2.0.0' }), ...change };
}

/** A publisher with the given contact. */
export function publisher(
  email: string,
  name = 'Navigate360',
  phone?: string,
): PluginDefinition['publisher'] {
  return { name, contact: { email, ...(phone === undefined ? {} : { phone }) } };
}

/** An access_request field; access is not type-checked so invalid values can be tested. */
export function field(
  table: string,
  name: string,
  access = 'ViewOnly',
): PluginDefinition['accessRequest'][number] {
  return { table, field: name, access } as PluginDefinition['accessRequest'][number];
}

/** One row of a validation table: a broken definition and the finding it must produce. */
export interface ValidationCase {
  label: string;
  definition: PluginDefinition;
  psVersion?: string;
  level: FindingLevel;
  rule: RuleId;
  where: string;
  message: RegExp;
}

/** Whether validating the case's definition yields its finding (level, rule, place, message). */
export function findExpectedFinding(testCase: ValidationCase): {
  found: boolean;
  findings: string;
} {
  const { definition, psVersion, level, rule, where, message } = testCase;
  const findings = validatePluginDefinition(
    definition,
    psVersion === undefined ? {} : { psVersion },
  );
  const found = findings.some(
    (item) =>
      item.level === level &&
      item.rule === rule &&
      item.where === where &&
      message.test(item.message),
  );
  return { found, findings: JSON.stringify(findings, null, 2) };
}
