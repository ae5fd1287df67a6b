/**
 * The rules for a PowerQuery's SQL: one select statement whose columns match the declared
 * <column>s in number, each with a unique name (PowerSchool requires it since 9.0), a top-level
 * ORDER BY (paging needs a stable order), every :bind declared as an arg, and nothing that
 * breaks the file (a CDATA terminator) or the server (PowerSchool HTML tags).
 */
import type { QueryDefinition } from './contract.ts';
import { analyzeSelect } from './sql-shape.ts';
import type { Violation } from './validate.ts';
import { checkXmlCharacters } from './validation-rules.ts';

function validateSelectList(query: QueryDefinition, where: string): Violation[] {
  const shape = analyzeSelect(query.sql);
  if (!shape)
    return [
      {
        where,
        message: 'sql has no top-level SELECT ... FROM; a PowerQuery is one select statement.',
      },
    ];
  const violations: Violation[] = [];
  if (!shape.balanced)
    violations.push({
      where,
      message: 'sql has unbalanced parentheses; check the sub-selects and function calls.',
    });
  if (!shape.hasTopLevelOrderBy) {
    violations.push({
      where,
      message:
        'sql has no top-level ORDER BY; PowerSchool pages query results and needs a stable order. Add ORDER BY (e.g. ORDER BY s.dcid).',
    });
  }
  if (shape.items && shape.items.length !== query.columns.length) {
    violations.push({
      where,
      message: `sql selects ${shape.items.length} columns but the query declares ${query.columns.length} <column>s; declare one <column> per selected column, in the same order.`,
    });
  }
  const names = new Map<string, number>();
  shape.items?.forEach((item, index) => {
    if (item.outputName === null) {
      violations.push({
        where,
        message: `select item ${index + 1} (${item.text.replace(/\s+/g, ' ')}) has no name; give it an alias (... AS name).`,
      });
      return;
    }
    const first = names.get(item.outputName);
    if (first !== undefined) {
      violations.push({
        where,
        message: `select items ${first + 1} and ${index + 1} are both named ${item.outputName}; PowerSchool needs unique column names (since 9.0): alias one of them.`,
      });
    } else names.set(item.outputName, index);
  });
  const declared = new Set(query.args.map((arg) => arg.name));
  for (const bind of shape.binds.filter((name) => !declared.has(name))) {
    violations.push({
      where,
      message: `sql binds :${bind} but no <arg name="${bind}"> declares it; declare the arg or remove the bind.`,
    });
  }
  return violations;
}

/** Every SQL rule for one query; `where` is the query's place (its sql is at `${where}/sql`). */
export function validateSql(query: QueryDefinition, where: string): Violation[] {
  const at = `${where}/sql`;
  if (query.sql.trim() === '')
    return [{ where: at, message: 'sql is empty; a PowerQuery needs a select statement.' }];
  const violations = checkXmlCharacters(query.sql, at, 'sql');
  if (query.sql.includes(']]>')) {
    violations.push({
      where: at,
      message: 'sql contains "]]>", which would end its CDATA section; rewrite that part.',
    });
  }
  if (/~[([]/.test(query.sql)) {
    violations.push({
      where: at,
      message:
        'sql contains a PowerSchool HTML tag (~(..) or ~[..]); PowerQuery SQL cannot use them. Use an arg instead.',
    });
  }
  return [...violations, ...validateSelectList(query, at)];
}
