/**
 * PowerQuery rules (queries_root/*.named_queries.xml): names, summary, args, columns and the
 * SQL's shape. Facts: docs/powerschool-reference.md section 1 and PowerSchool's PowerQuery
 * documentation (alias parts, unique column names, ORDER BY for paging).
 */
import {
  QUERY_ARG_CASINGS,
  QUERY_ARG_TYPES,
  queryReads,
  type FieldAccess,
  type QueryArg,
  type QueryDefinition,
} from './contract.ts';
import { FEATURE_SINCE, hasFeature, type PsVersion } from './ps-version.ts';
import type { Violation } from './validate.ts';
import { validateSql } from './validate-query-sql.ts';
import {
  checkDatabaseName,
  checkLength,
  checkOneOf,
  checkTableField,
  checkXmlCharacters,
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

/**
 * Five snake_case parts: PowerSchool's docs say names "should" look like this. Inferred: that the
 * installer enforces it is not public; pswb holds every bundle to it.
 */
const NAME_PART = /^[a-z][a-z0-9_]*$/;

function validateQueryName(name: string, where: string): Violation[] {
  const at = `${where}@name`;
  const length = checkLength(name, at, 'query name', { min: 1, max: 200 });
  if (length.length > 0) return length;
  const parts = name.split('.');
  if (parts.length !== 5) {
    return [
      {
        where: at,
        message: `query name "${name}" has ${parts.length} dotted parts; PowerSchool expects five: com.organization.product.area.name (e.g. com.navigate360.attendance.student.students_by_dcid).`,
      },
    ];
  }
  const violations: Violation[] = [];
  const badPart = parts.find((part) => !NAME_PART.test(part));
  if (badPart !== undefined) {
    violations.push({
      where: at,
      message: `query name part "${badPart}" is not snake_case; use lower-case letters, digits and underscores, starting with a letter.`,
    });
  }
  if (parts[0] === 'com' && parts[1] === 'powerschool') {
    violations.push({
      where: at,
      message: `query name "${name}" starts with com.powerschool, which PowerSchool reserves; start with your own organization (com.navigate360...).`,
    });
  }
  return violations;
}

function validateArg(arg: QueryArg, where: string, version: PsVersion | undefined): Violation[] {
  const violations: Violation[] = [];
  if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(arg.name)) {
    violations.push({
      where: `${where}@name`,
      message: `arg name "${arg.name}" is not a legal Java identifier (letters, digits, _ or $, not starting with a digit); the SQL binds it as :name.`,
    });
  }
  violations.push(...checkOneOf(arg.type, QUERY_ARG_TYPES, `${where}@type`, 'arg type'));
  if (arg.column !== undefined) {
    violations.push(...checkTableField(arg.column, `${where}@column`, 'arg column'));
  }
  if (arg.casing !== undefined) {
    violations.push(...checkOneOf(arg.casing, QUERY_ARG_CASINGS, `${where}@casing`, 'casing'));
    if (arg.column === undefined) {
      violations.push({
        where: `${where}@casing`,
        message: 'an arg with casing needs a column attribute (TABLE.FIELD) as well; add one.',
      });
    }
    if (version && !hasFeature(version, 'queryArgCasing')) {
      violations.push({
        where: `${where}@casing`,
        message: `PowerSchool ${version.text} does not know arg casing (it arrived in ${FEATURE_SINCE.queryArgCasing}); remove it or build for a later version.`,
      });
    }
  }
  return violations;
}

function validateArgs(query: QueryDefinition, where: string, version?: PsVersion): Violation[] {
  const seen = new Set<string>();
  return query.args.flatMap((arg, index) => {
    const at = `${where}/args/arg[${index}]`;
    const duplicate = seen.has(arg.name)
      ? [
          {
            where: `${at}@name`,
            message: `arg "${arg.name}" is declared twice; arg names are unique within a query.`,
          },
        ]
      : [];
    seen.add(arg.name);
    return [...validateArg(arg, at, version), ...duplicate];
  });
}

const ALIAS = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)?$/;

function validateColumns(query: QueryDefinition, where: string): Violation[] {
  if (query.columns.length === 0) {
    return [
      {
        where: `${where}/columns`,
        message: 'a query needs at least one <column>, one per column the SQL returns.',
      },
    ];
  }
  const violations: Violation[] = [];
  const seen = new Set<string>();
  query.columns.forEach((column, index) => {
    const at = `${where}/columns/column[${index}]`;
    violations.push(...checkTableField(column.column, `${at}@column`, 'column'));
    if (!ALIAS.test(column.alias)) {
      violations.push({
        where: at,
        message: `alias "${column.alias}" must be one or two parts of letters, digits and underscores (e.g. student_number or students.number).`,
      });
    } else if (!column.alias.includes('.') && query.coreTable === '') {
      violations.push({
        where: at,
        message: `alias "${column.alias}" has one part, so the query needs a coreTable attribute (PowerSchool enforces this since 9.2); add coreTable or use table.alias.`,
      });
    }
    const key = column.alias.toLowerCase();
    if (seen.has(key)) {
      violations.push({
        where: at,
        message: `alias "${column.alias}" is used twice; every column of a query needs its own alias.`,
      });
    }
    seen.add(key);
  });
  return violations;
}

/** Every rule for one query; `where` is its place, e.g. 'queries_root/x.named_queries.xml: query[0]'. */
export function validateQuery(
  query: QueryDefinition,
  where: string,
  version?: PsVersion,
): Violation[] {
  return [
    ...validateQueryName(query.name, where),
    ...(query.coreTable === ''
      ? []
      : checkDatabaseName(query.coreTable, `${where}@coreTable`, 'coreTable', 30)),
    ...checkLength(query.summary, `${where}/summary`, 'summary', { max: 50 }),
    ...checkXmlCharacters(query.description, `${where}/description`, 'description'),
    ...validateArgs(query, where, version),
    ...validateColumns(query, where),
    ...validateSql(query, where),
  ];
}

/** Every query's rules plus names unique across all of them (PowerSchool has one namespace). */
export function validateQueries(
  located: readonly LocatedQuery[],
  version?: PsVersion,
): Violation[] {
  const firstWhere = new Map<string, string>();
  return located.flatMap(({ query, where }) => {
    const first = firstWhere.get(query.name);
    if (first === undefined) firstWhere.set(query.name, where);
    const duplicate =
      first === undefined
        ? []
        : [
            {
              where: `${where}@name`,
              message: `query name "${query.name}" is already declared at ${first}; query names are unique across the whole server.`,
            },
          ];
    return [...validateQuery(query, where, version), ...duplicate];
  });
}

/**
 * Every table.field a query reads must be in access_request, else PowerSchool answers 403
 * "No access to the field" when the query runs (reference section 3). Inferred: an arg's column
 * counts as a read too; PowerSchool's docs only say it must be a real table and column.
 */
export function validateQueryAccess(
  located: readonly LocatedQuery[],
  accessRequest: readonly FieldAccess[],
): Violation[] {
  const requested = new Set(
    accessRequest.map((field) => `${field.table}.${field.field}`.toUpperCase()),
  );
  const violations: Violation[] = [];
  for (const { query, where } of located) {
    const missing = [
      ...new Set(queryReads(query).map((tableField) => tableField.toUpperCase())),
    ].filter((tableField) => /^[^.]+\.[^.]+$/.test(tableField) && !requested.has(tableField));
    for (const tableField of missing) {
      const [table, field] = tableField.split('.');
      violations.push({
        where,
        message: `reads ${tableField}, which access_request does not request, so PowerSchool would answer 403 "No access to the field"; add <field table="${table}" field="${field}" access="ViewOnly"/>.`,
      });
    }
  }
  return violations;
}
