/**
 * queries_root/NAME.named_queries.xml: PowerQuery declarations rendered from the contract and
 * parsed back (ours or a vendor's). Element and attribute names follow PowerSchool's PowerQuery
 * documentation; pswb also warns about names it does not know, since a misspelt attribute is
 * silently ignored by the server (inferred: no public schema for this file exists).
 */
import { XMLBuilder } from 'fast-xml-parser';
import type { QueryArg, QueryArgCasing, QueryArgType, QueryDefinition } from './contract-types.ts';
import { finding, mergeFindings, type Finding } from './finding.ts';
import { refusedBundleError } from './plugin-error.ts';
import { locateQueries, validateQueries } from './validate-queries.ts';
import {
  checkAttributes,
  checkChildren,
  childrenNamed,
  firstChild,
  parseXmlDocument,
  type XmlElement,
} from './xml-tree.ts';

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
    ...(arg.default === undefined ? {} : { '@_default': arg.default }),
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

/**
 * Attributes seen on documented queries: name, coreTable, flattened, tags (PowerQueries page),
 * dat and x-ps-version (PowerQuery DAT page); on columns also codemap and map-id (same page).
 */
const QUERY_ATTRIBUTES = ['coreTable', 'flattened', 'tags', 'dat', 'x-ps-version'];
const ARG_ATTRIBUTES = ['type', 'required', 'description', 'column', 'default', 'casing'];
const COLUMN_ATTRIBUTES = ['column', 'description', 'codemap', 'map-id'];

function readBoolean(
  element: XmlElement,
  name: string,
  where: string,
  findings: Finding[],
): boolean {
  const value = element.attributes[name];
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  const message = `${name} is "${value}"; valid values: true, false (read as false).`;
  findings.push(finding('query.boolean-attribute', `${where}@${name}`, message));
  return false;
}

function readArg(arg: XmlElement, where: string, findings: Finding[]): QueryArg {
  findings.push(
    ...checkAttributes(arg, where, {
      required: ['name'],
      optional: ARG_ATTRIBUTES,
      rule: 'query.arg',
      unknownRule: 'query.unknown-markup',
    }),
  );
  const { name = '', type = 'primitive', description = '', column, casing } = arg.attributes;
  const fallback = arg.attributes.default;
  return {
    name,
    // Inferred: PowerSchool's docs give no default type; an arg without one takes one value.
    type: type as QueryArgType,
    required: readBoolean(arg, 'required', where, findings),
    description,
    ...(column === undefined ? {} : { column }),
    ...(casing === undefined ? {} : { casing: casing as QueryArgCasing }),
    ...(fallback === undefined ? {} : { default: fallback }),
  };
}

function readColumns(
  query: XmlElement,
  where: string,
  findings: Finding[],
): QueryDefinition['columns'] {
  const columns = firstChild(query, 'columns');
  if (!columns) return [];
  findings.push(
    ...checkChildren(columns, `${where}/columns/`, {
      allowed: ['column'],
      rule: 'query.unknown-markup',
    }),
  );
  return childrenNamed(columns, 'column').map((column, index) => {
    const at = `${where}/columns/column[${index}]`;
    findings.push(
      ...checkAttributes(column, at, { optional: COLUMN_ATTRIBUTES, rule: 'query.unknown-markup' }),
    );
    // <column>STUDENTS.LASTFIRST</column> names the real column and the key at once.
    return { column: column.attributes.column ?? column.text, alias: column.text };
  });
}

function readQuery(query: XmlElement, where: string, findings: Finding[]): QueryDefinition {
  findings.push(
    ...checkAttributes(query, where, {
      required: ['name'],
      optional: QUERY_ATTRIBUTES,
      rule: 'query.structure',
      unknownRule: 'query.unknown-markup',
    }),
    ...checkChildren(query, `${where}/`, {
      allowed: QUERY_CHILDREN,
      single: QUERY_CHILDREN,
      required: ['columns', 'sql'],
      rule: 'query.structure',
      unknownRule: 'query.unknown-markup',
    }),
  );
  readBoolean(query, 'dat', where, findings);
  const args = firstChild(query, 'args');
  if (args) {
    findings.push(
      ...checkChildren(args, `${where}/args/`, { allowed: ['arg'], rule: 'query.unknown-markup' }),
    );
  }
  return {
    name: query.attributes.name ?? '',
    coreTable: query.attributes.coreTable ?? '',
    flattened: readBoolean(query, 'flattened', where, findings),
    summary: firstChild(query, 'summary')?.text ?? '',
    description: firstChild(query, 'description')?.text ?? '',
    args: args
      ? childrenNamed(args, 'arg').map((arg, index) =>
          readArg(arg, `${where}/args/arg[${index}]`, findings),
        )
      : [],
    columns: readColumns(query, where, findings),
    alsoReads: [],
    sql: (firstChild(query, 'sql')?.text ?? '').trim(),
  };
}

/**
 * Parses a named_queries.xml file without judging values: its queries as written and every
 * structural finding, each placed at `queries_root/<fileName>: query[i]...`.
 */
export function readNamedQueriesXml(
  xml: string,
  fileName: string,
): { queries: QueryDefinition[]; findings: Finding[] } {
  const source = `queries_root/${fileName}`;
  const { root, findings } = parseXmlDocument(xml, source);
  if (!root) return { queries: [], findings };
  if (root.name !== 'queries') {
    const message = `the root element is <${root.name}>; a PowerQuery file holds <queries><query name="...">...</query></queries>.`;
    return { queries: [], findings: [...findings, finding('query.structure', source, message)] };
  }
  findings.push(
    ...checkChildren(root, `${source}: `, { allowed: ['query'], rule: 'query.unknown-markup' }),
  );
  const queries = childrenNamed(root, 'query').map((query, index) =>
    readQuery(query, `${source}: query[${index}]`, findings),
  );
  return { queries, findings };
}

/**
 * Parses a named_queries.xml file (fileName as under queries_root/, for messages) and checks
 * each query's rules; throws PluginError (with every finding) when the installer would refuse
 * it. access_request coverage needs plugin.xml too, so readBundle checks that.
 */
export function parseNamedQueriesXml(xml: string, fileName: string): QueryDefinition[] {
  const { queries, findings } = readNamedQueriesXml(xml, fileName);
  const all = mergeFindings(findings, validateQueries(locateQueries(queries, fileName)));
  if (all.some((item) => item.level === 'refusal')) throw refusedBundleError(all);
  return queries;
}
