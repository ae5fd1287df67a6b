/**
 * PowerQuery rules (queries_root/*.named_queries.xml): names, summary, args, columns, the SQL
 * and what the queries read. Facts: PowerSchool's PowerQueries page (docs/plugin.md lists each
 * rule, its level and source).
 */
import { queryReads } from './contract.ts';
import {
  QUERY_ARG_CASINGS,
  QUERY_ARG_TYPES,
  type FieldAccess,
  type QueryArg,
  type QueryDefinition,
} from './contract-types.ts';
import { finding, type Finding } from './finding.ts';
import { FEATURE_SINCE, hasFeature, type PsVersion } from './ps-version.ts';
import { validateSql } from './validate-query-sql.ts';
import {
  checkDatabaseNameForm,
  checkLength,
  checkOneOf,
  checkTableField,
  checkXmlCharacters,
  isTableField,
} from './validation-rules.ts';

/** A query with the place it is reported at, e.g. 'queries_root/x.named_queries.xml: query[0]'. */
export interface LocatedQuery {
  query: QueryDefinition;
  where: string;
}

/** Places each query of one file at `queries_root/<fileName>: query[i]`. */
export function locateQueries(
  queries: readonly QueryDefinition[],
  fileName: string,
): LocatedQuery[] {
  return queries.map((query, index) => ({
    query,
    where: `queries_root/${fileName}: query[${index}]`,
  }));
}

/** The docs: five parts, snake_case ("should"); a part starting with a digit is not snake_case. */
const NAME_PART = /^[a-z][a-z0-9_]*$/;
const EXAMPLE_NAME = 'com.organization.product.area.name';

function validateQueryName(name: string, where: string): Finding[] {
  const at = `${where}@name`;
  if (name === '')
    return [finding('query.structure', at, 'query name is empty; give the query its name.')];
  const findings = checkXmlCharacters(name, at, 'query name', 'query.structure');
  if (name.length > 200) {
    findings.push(
      finding(
        'query.name-length',
        at,
        `query name is ${name.length} characters; keep it to 200 at most.`,
      ),
    );
  }
  const parts = name.split('.');
  if (parts.length !== 5) {
    const message = `query name "${name}" has ${parts.length} dot-separated part${parts.length === 1 ? '' : 's'}; PowerSchool's docs advise five (${EXAMPLE_NAME}). What must hold is that the name is unique server-wide.`;
    findings.push(finding('query.name-form', at, message));
  }
  const badPart = parts.find((part) => !NAME_PART.test(part));
  if (badPart !== undefined) {
    const message = `query name part "${badPart}" is not snake_case (lower-case letters, digits and underscores, starting with a letter), as PowerSchool's docs ask.`;
    findings.push(finding('query.name-form', at, message));
  }
  if (parts[0] === 'com' && parts[1] === 'powerschool') {
    const message = `query name "${name}" starts with com.powerschool, which PowerSchool's docs ask you not to use; start with your own organization.`;
    findings.push(finding('query.name-reserved', at, message));
  }
  return findings;
}

function validateCasing(arg: QueryArg, where: string, version: PsVersion | undefined): Finding[] {
  if (arg.casing === undefined) return [];
  const findings = checkOneOf(
    arg.casing,
    QUERY_ARG_CASINGS,
    `${where}@casing`,
    'casing',
    'query.arg',
  );
  if (arg.column === undefined) {
    const message =
      "an arg with casing needs a column attribute (TABLE.FIELD) as well, as PowerSchool's docs require; add one.";
    findings.push(finding('query.arg', `${where}@casing`, message));
  }
  if (version && !hasFeature(version, 'queryArgCasing')) {
    const message = `PowerSchool ${version.text} does not know arg casing (it arrived in ${FEATURE_SINCE.queryArgCasing}), so values reach the SQL as sent; remove it or build for a later version.`;
    findings.push(finding('query.arg-casing-version', `${where}@casing`, message));
  }
  return findings;
}

function validateArg(arg: QueryArg, where: string, version: PsVersion | undefined): Finding[] {
  const findings: Finding[] = [];
  if (arg.name === '')
    findings.push(
      finding('query.arg', `${where}@name`, 'arg name is empty; the SQL binds an arg by its name.'),
    );
  else if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(arg.name)) {
    const message = `arg name "${arg.name}" is not a legal Java identifier (letters, digits, _ or $, not starting with a digit), as PowerSchool's docs ask; the SQL binds it as :name.`;
    findings.push(finding('query.arg-name-form', `${where}@name`, message));
  }
  findings.push(...checkOneOf(arg.type, QUERY_ARG_TYPES, `${where}@type`, 'arg type', 'query.arg'));
  if (arg.column !== undefined)
    findings.push(...checkTableField(arg.column, `${where}@column`, 'arg column'));
  findings.push(...validateCasing(arg, where, version));
  return findings;
}

/** Data Export Manager lists a query only when every arg names its column and no default holds a tag. */
function checkDataExportManager(query: QueryDefinition, where: string): Finding[] {
  const withoutColumn = query.args.filter((arg) => arg.column === undefined).map((arg) => arg.name);
  const tagged = query.args.filter((arg) => /~[([]/.test(arg.default ?? '')).map((arg) => arg.name);
  const findings: Finding[] = [];
  if (withoutColumn.length > 0) {
    const message = `Data Export Manager will not list this query: arg${withoutColumn.length === 1 ? '' : 's'} ${withoutColumn.join(', ')} name${withoutColumn.length === 1 ? 's' : ''} no column. Add column="TABLE.FIELD" if admins should export it; API callers are not affected.`;
    findings.push(finding('query.dem-hidden', `${where}/args`, message));
  }
  if (tagged.length > 0) {
    const message = `Data Export Manager will not list this query: the default of ${tagged.join(', ')} holds a PowerSchool HTML tag.`;
    findings.push(finding('query.dem-hidden', `${where}/args`, message));
  }
  return findings;
}

function validateArgs(query: QueryDefinition, where: string, version?: PsVersion): Finding[] {
  const seen = new Set<string>();
  const findings = query.args.flatMap((arg, index) => {
    const at = `${where}/args/arg[${index}]`;
    const duplicate =
      arg.name !== '' && seen.has(arg.name)
        ? [
            finding(
              'query.arg',
              `${at}@name`,
              `arg "${arg.name}" is declared twice; arg names are unique within a query.`,
            ),
          ]
        : [];
    seen.add(arg.name);
    return [...validateArg(arg, at, version), ...duplicate];
  });
  return [...findings, ...checkDataExportManager(query, where)];
}

const ALIAS = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)?$/;

function validateAlias(query: QueryDefinition, alias: string, at: string): Finding[] {
  if (!ALIAS.test(alias)) {
    const message = `alias "${alias}" should be one or two parts of letters, digits and underscores (e.g. student_number or students.number); other characters cause trouble in Data Export Manager.`;
    return [finding('query.alias-form', at, message)];
  }
  if (!alias.includes('.') && query.coreTable === '') {
    const message = `alias "${alias}" has one part, and PowerSchool's docs say such a query MUST declare a coreTable (plugins without one broke from 9.2); add coreTable or use table.alias.`;
    return [finding('query.alias-core-table', at, message)];
  }
  return [];
}

function validateColumns(query: QueryDefinition, where: string): Finding[] {
  if (query.columns.length === 0) {
    const message = 'a query needs at least one <column>, one per column the SQL returns.';
    return [finding('query.columns', `${where}/columns`, message)];
  }
  const findings: Finding[] = [];
  const seen = new Set<string>();
  query.columns.forEach((column, index) => {
    const at = `${where}/columns/column[${index}]`;
    findings.push(...checkTableField(column.column, `${at}@column`, 'column'));
    findings.push(...validateAlias(query, column.alias, at));
    const key = column.alias.toLowerCase();
    if (seen.has(key)) {
      const message = `alias "${column.alias}" is used twice; every column of a query needs its own alias.`;
      findings.push(finding('query.alias-unique', at, message));
    }
    seen.add(key);
  });
  return findings;
}

/** Every rule for one query; `where` is its place, e.g. 'queries_root/x.named_queries.xml: query[0]'. */
export function validateQuery(
  query: QueryDefinition,
  where: string,
  version?: PsVersion,
): Finding[] {
  return [
    ...validateQueryName(query.name, where),
    ...checkDatabaseNameForm(
      query.coreTable,
      `${where}@coreTable`,
      'coreTable',
      'query.core-table',
    ),
    ...checkLength(
      query.summary,
      `${where}/summary`,
      'summary',
      { max: 50 },
      'query.summary-length',
    ),
    ...checkXmlCharacters(
      query.description,
      `${where}/description`,
      'description',
      'query.structure',
    ),
    ...validateArgs(query, where, version),
    ...validateColumns(query, where),
    ...validateSql(query, where),
  ];
}

/** Every query's rules plus names unique across all of them (PowerSchool has one namespace). */
export function validateQueries(located: readonly LocatedQuery[], version?: PsVersion): Finding[] {
  const firstWhere = new Map<string, string>();
  return located.flatMap(({ query, where }) => {
    const first = firstWhere.get(query.name);
    if (first === undefined) firstWhere.set(query.name, where);
    const duplicate =
      first === undefined || query.name === ''
        ? []
        : [
            finding(
              'query.name-unique',
              `${where}@name`,
              `query name "${query.name}" is already declared at ${first}; query names are unique across the whole server.`,
            ),
          ];
    return [...validateQuery(query, where, version), ...duplicate];
  });
}

/**
 * Every TABLE.FIELD a query reads should be in access_request: PowerSchool answers an OAuth
 * caller 403 for a field the admin was not asked to approve (PowerQueries page, Security).
 * A read that is not a TABLE.FIELD is reported once, as a column reference, not here. Callers
 * skip this for a plugin without <oauth>: it has no OAuth caller (Data Export Manager and the
 * portals do not go through access_request). Inferred: an arg's column counts as a read too.
 */
export function validateQueryAccess(
  located: readonly LocatedQuery[],
  accessRequest: readonly FieldAccess[],
): Finding[] {
  const requested = new Set(
    accessRequest.map((field) => `${field.table}.${field.field}`.toUpperCase()),
  );
  const findings: Finding[] = [];
  for (const { query, where } of located) {
    const reads = new Set(
      queryReads(query)
        .filter(isTableField)
        .map((read) => read.toUpperCase()),
    );
    for (const tableField of [...reads].filter((read) => !requested.has(read))) {
      const [table, field] = tableField.split('.');
      const message = `reads ${tableField}, which access_request does not request: an OAuth caller gets 403 "No access to the field" when the query runs (plugins used only in Data Export Manager are not affected). Add <field table="${table}" field="${field}" access="ViewOnly"/>.`;
      findings.push(finding('query.access-gap', where, message));
    }
  }
  return findings;
}
