/**
 * The rules for a PowerQuery's SQL, from PowerSchool's PowerQueries page: one select statement
 * whose columns match the declared <column>s, each with a unique name (required since 9.0), an
 * ORDER BY (paging needs a stable order), every :bind declared as an arg, no PowerSchool HTML
 * tags. Inferred: the installer is not known to parse SQL, so these are warnings; a "]]>" that
 * would end the CDATA section is a refusal because the file could not be written.
 */
import type { QueryDefinition } from './contract-types.ts';
import { finding, type Finding } from './finding.ts';
import { analyzeSelect, type SelectShape } from './sql-shape.ts';
import { checkXmlCharacters } from './validation-rules.ts';

function checkItemNames(shape: SelectShape, where: string): Finding[] {
  const findings: Finding[] = [];
  const names = new Map<string, number>();
  shape.items?.forEach((item, index) => {
    if (item.outputName === null) {
      const message = `select item ${index + 1} (${item.text.replace(/\s+/g, ' ')}) has no name; give it an alias (... AS name).`;
      findings.push(finding('query.sql-shape', where, message));
      return;
    }
    const first = names.get(item.outputName);
    if (first === undefined) {
      names.set(item.outputName, index);
      return;
    }
    const message = `select items ${first + 1} and ${index + 1} are both named ${item.outputName}; PowerSchool needs unique column names (since 9.0): alias one of them.`;
    findings.push(finding('query.sql-shape', where, message));
  });
  return findings;
}

function validateSelectList(query: QueryDefinition, where: string): Finding[] {
  const shape = analyzeSelect(query.sql);
  if (!shape) {
    const message = 'sql has no top-level SELECT ... FROM; a PowerQuery is one select statement.';
    return [finding('query.sql-shape', where, message)];
  }
  const findings: Finding[] = [];
  if (!shape.balanced) {
    const message = 'sql has unbalanced parentheses; check the sub-selects and function calls.';
    findings.push(finding('query.sql-shape', where, message));
  }
  if (!shape.hasTopLevelOrderBy) {
    const message =
      "sql has no top-level ORDER BY; PowerSchool pages results in the SQL's order, so pages can repeat or skip rows unless every caller passes an order parameter. Add ORDER BY (e.g. ORDER BY s.dcid).";
    findings.push(finding('query.order-by', where, message));
  }
  if (shape.items && shape.items.length !== query.columns.length) {
    const message = `sql selects ${shape.items.length} columns but the query declares ${query.columns.length} <column>s; declare one <column> per selected column, in the same order.`;
    findings.push(finding('query.sql-shape', where, message));
  }
  findings.push(...checkItemNames(shape, where));
  const declared = new Set(query.args.map((arg) => arg.name));
  for (const bind of shape.binds.filter((name) => !declared.has(name))) {
    const message = `sql binds :${bind} but no <arg name="${bind}"> declares it, so the query fails when it runs; declare the arg or remove the bind.`;
    findings.push(finding('query.sql-binds', where, message));
  }
  return findings;
}

/** Every SQL rule for one query; `where` is the query's place (its sql is at `${where}/sql`). */
export function validateSql(query: QueryDefinition, where: string): Finding[] {
  const at = `${where}/sql`;
  if (query.sql.trim() === '') {
    return [finding('query.sql-shape', at, 'sql is empty; a PowerQuery needs a select statement.')];
  }
  const findings = checkXmlCharacters(query.sql, at, 'sql', 'query.cdata');
  if (query.sql.includes(']]>')) {
    const message = 'sql contains "]]>", which would end its CDATA section; rewrite that part.';
    findings.push(finding('query.cdata', at, message));
  }
  if (/~[([]/.test(query.sql)) {
    const message =
      'sql contains a PowerSchool HTML tag (~(..) or ~[..]); PowerSchool does not support them in PowerQuery SQL and the query becomes inaccessible. Pass the value as an arg instead.';
    findings.push(finding('query.ps-html', at, message));
  }
  return [...findings, ...validateSelectList(query, at)];
}
