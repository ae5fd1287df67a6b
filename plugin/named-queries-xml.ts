/**
 * queries_root/NAME.named_queries.xml: PowerQuery declarations rendered from the contract and
 * parsed back (ours or a vendor's). Element and attribute names follow PowerSchool's PowerQuery
 * documentation; pswb also reports names it does not know, since a misspelt attribute is
 * silently ignored by the server (inferred: no public schema for this file exists).
 */
import { XMLBuilder } from 'fast-xml-parser';
import type { QueryArg, QueryArgCasing, QueryArgType, QueryDefinition } from './contract.ts';
import { mergeViolations, PluginValidationError, type Violation } from './validate.ts';
import { locateQueries, validateQueries } from './validate-queries.ts';
import {
  checkAttributes,
  checkChildren,
  childrenNamed,
  firstChild,
  parseXmlDocument,
  type XmlElement,
} from './xml-tree.ts';

/** A query file's name: anything, then this suffix (PowerSchool reads no other files there). */
export const NAMED_QUERIES_SUFFIX = '.named_queries.xml';

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  cdataPropName: '#cdata',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  // Else the builder writes required="true" as a bare attribute, which is not XML.
  suppressBooleanAttributes: false,
  processEntities: true,
});

function renderArg(arg: QueryArg): Record<string, string> {
  return {
    '@_name': arg.name,
    '@_type': arg.type,
    '@_required': String(arg.required),
    ...(arg.description === '' ? {} : { '@_description': arg.description }),
    ...(arg.column === undefined ? {} : { '@_column': arg.column }),
    ...(arg.casing === undefined ? {} : { '@_casing': arg.casing }),
  };
}

function renderQuery(query: QueryDefinition): Record<string, unknown> {
  return {
    '@_name': query.name,
    ...(query.coreTable === '' ? {} : { '@_coreTable': query.coreTable }),
    '@_flattened': String(query.flattened ?? true),
    ...(query.summary === '' ? {} : { summary: query.summary }),
    ...(query.description === '' ? {} : { description: query.description }),
    ...(query.args.length === 0 ? {} : { args: { arg: query.args.map(renderArg) } }),
    columns: {
      column: query.columns.map((column) => ({ '@_column': column.column, '#text': column.alias })),
    },
    // CDATA keeps <, > and & in SQL readable and unescaped, as PowerSchool's docs advise.
    sql: { '#cdata': query.sql },
  };
}

/** Renders one named_queries.xml file holding `queries` in the given order. */
export function renderNamedQueriesXml(queries: readonly QueryDefinition[]): string {
  const xml = builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    queries: { query: queries.map(renderQuery) },
  }) as string;
  return `${xml.trimEnd()}\n`;
}

const QUERY_CHILDREN = ['summary', 'description', 'args', 'columns', 'sql'] as const;

function readBoolean(
  element: XmlElement,
  name: string,
  where: string,
  violations: Violation[],
): boolean {
  const value = element.attributes[name];
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  violations.push({
    where: `${where}@${name}`,
    message: `${name} is "${value}"; valid values: true, false.`,
  });
  return false;
}

function readArg(arg: XmlElement, where: string, violations: Violation[]): QueryArg {
  violations.push(
    ...checkAttributes(arg, where, {
      required: ['name'],
      optional: ['type', 'required', 'description', 'column', 'default', 'casing'],
    }),
  );
  const { name = '', type = 'primitive', description = '', column, casing } = arg.attributes;
  return {
    name,
    // Inferred: PowerSchool's docs give no default type; an arg without one takes one value.
    type: type as QueryArgType,
    required: readBoolean(arg, 'required', where, violations),
    description,
    ...(column === undefined ? {} : { column }),
    ...(casing === undefined ? {} : { casing: casing as QueryArgCasing }),
  };
}

function readColumns(
  query: XmlElement,
  where: string,
  violations: Violation[],
): QueryDefinition['columns'] {
  const columns = firstChild(query, 'columns');
  if (!columns) return [];
  violations.push(...checkChildren(columns, `${where}/columns/`, { allowed: ['column'] }));
  return childrenNamed(columns, 'column').map((column, index) => {
    const at = `${where}/columns/column[${index}]`;
    violations.push(...checkAttributes(column, at, { optional: ['column', 'description'] }));
    // <column>STUDENTS.LASTFIRST</column> names the real column and the key at once.
    return { column: column.attributes.column ?? column.text, alias: column.text };
  });
}

function readQuery(query: XmlElement, where: string, violations: Violation[]): QueryDefinition {
  violations.push(
    ...checkAttributes(query, where, {
      required: ['name'],
      optional: ['coreTable', 'flattened', 'tags', 'dat'],
    }),
    ...checkChildren(query, `${where}/`, {
      allowed: QUERY_CHILDREN,
      single: QUERY_CHILDREN,
      required: ['columns', 'sql'],
    }),
  );
  const args = firstChild(query, 'args');
  if (args) violations.push(...checkChildren(args, `${where}/args/`, { allowed: ['arg'] }));
  return {
    name: query.attributes.name ?? '',
    coreTable: query.attributes.coreTable ?? '',
    flattened: readBoolean(query, 'flattened', where, violations),
    summary: firstChild(query, 'summary')?.text ?? '',
    description: firstChild(query, 'description')?.text ?? '',
    args: args
      ? childrenNamed(args, 'arg').map((arg, index) =>
          readArg(arg, `${where}/args/arg[${index}]`, violations),
        )
      : [],
    columns: readColumns(query, where, violations),
    alsoReads: [],
    sql: (firstChild(query, 'sql')?.text ?? '').trim(),
  };
}

/**
 * Parses a named_queries.xml file without judging values: its queries as written and every
 * structural violation, each placed at `queries_root/<fileName>: query[i]...`.
 */
export function readNamedQueriesXml(
  xml: string,
  fileName: string,
): { queries: QueryDefinition[]; violations: Violation[] } {
  const source = `queries_root/${fileName}`;
  const { root, violations } = parseXmlDocument(xml, source);
  if (!root) return { queries: [], violations };
  if (root.name !== 'queries') {
    const message = `the root element is <${root.name}>; a PowerQuery file holds <queries><query name="...">...</query></queries>.`;
    return { queries: [], violations: [...violations, { where: source, message }] };
  }
  violations.push(...checkChildren(root, `${source}: `, { allowed: ['query'] }));
  const queries = childrenNamed(root, 'query').map((query, index) =>
    readQuery(query, `${source}: query[${index}]`, violations),
  );
  return { queries, violations };
}

/**
 * Parses a named_queries.xml file (fileName as under queries_root/, for messages) and checks
 * each query's rules (name, summary, args, columns, SQL shape); throws PluginValidationError
 * listing every problem, malformed XML included. access_request coverage needs plugin.xml too,
 * so readBundle checks that.
 */
export function parseNamedQueriesXml(xml: string, fileName: string): QueryDefinition[] {
  const { queries, violations } = readNamedQueriesXml(xml, fileName);
  const all = mergeViolations(violations, validateQueries(locateQueries(queries, fileName)));
  if (all.length > 0) throw new PluginValidationError(all);
  return queries;
}
