/**
 * Human-readable descriptions of a bundle: the summary `pswb plugin inspect` prints and the
 * version-specific choice `pswb plugin build` reports.
 */
import type { BundleContents, ReadBundle } from './bundle-read.ts';
import type { FieldAccess, QueryDefinition } from './contract-types.ts';
import type { PluginDefinition } from './definition.ts';
import { FEATURE_SINCE, hasFeature } from './ps-version.ts';

const V1_SINCE = FEATURE_SINCE.v1AccessLevel;

/** What the bundle does about accessLevelV1Api on `psVersion`, and why, in one line. */
export function describeV1AccessChoice(definition: PluginDefinition, psVersion: string): string {
  if (!definition.oauth) return 'no <oauth/>: PowerSchool generates no Client ID or Secret';
  const level = definition.oauth.accessLevelV1Api;
  if (!hasFeature(psVersion, 'v1AccessLevel')) {
    return level
      ? `accessLevelV1Api=${level} declared, but PowerSchool before ${V1_SINCE} rejects it`
      : `accessLevelV1Api left out (PowerSchool before ${V1_SINCE} rejects it)`;
  }
  return level
    ? `accessLevelV1Api=${level} (PowerSchool ${V1_SINCE}+)`
    : `accessLevelV1Api not declared: NONE, so /ws/v1 is refused until an admin sets "Access Level for v1 APIs" (PowerSchool ${V1_SINCE}+)`;
}

function describeV1Access(definition: PluginDefinition): string {
  if (!definition.oauth) return 'none (no <oauth/>)';
  const level = definition.oauth.accessLevelV1Api;
  return level
    ? `${level} (accessLevelV1Api; PowerSchool ${V1_SINCE}+ only)`
    : `not declared (NONE on PowerSchool ${V1_SINCE}+: /ws/v1 refused; fine before ${V1_SINCE})`;
}

/** Joins words into lines no wider than `width`, each starting with `indent`. */
function wrapWords(words: readonly string[], indent: string, width = 100): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const next = line === '' ? word : `${line}, ${word}`;
    if (indent.length + next.length > width && line !== '') {
      lines.push(`${indent}${line},`);
      line = word;
    } else line = next;
  }
  if (line !== '') lines.push(`${indent}${line}`);
  return lines;
}

/**
 * access_request grouped by table (any case: Oracle names are case-insensitive, so STUDENTS and
 * students are one table, shown upper case), then access level, fields in declared order.
 */
export function groupFields(
  fields: readonly FieldAccess[],
): Array<{ table: string; access: string; fields: string[] }> {
  const groups = new Map<string, { table: string; access: string; fields: string[] }>();
  for (const field of fields) {
    const table = field.table.toUpperCase();
    const key = `${table}\u0000${field.access}`;
    const group = groups.get(key) ?? { table, access: field.access, fields: [] };
    group.fields.push(field.field);
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) =>
    a.table === b.table ? (a.access < b.access ? -1 : 1) : a.table < b.table ? -1 : 1,
  );
}

function describeQuery(query: QueryDefinition): string[] {
  const args = query.args.map(
    (arg) => `${arg.name} (${arg.type}${arg.required ? ', required' : ''})`,
  );
  const details = [
    query.coreTable === '' ? 'no coreTable' : `coreTable ${query.coreTable}`,
    args.length === 0 ? 'no args' : `args ${args.join(', ')}`,
    `${query.columns.length} column${query.columns.length === 1 ? '' : 's'}`,
  ];
  return [
    `  ${query.name}`,
    `    ${details.join('; ')}`,
    ...(query.summary ? [`    ${query.summary}`] : []),
  ];
}

function row(label: string, value: string): string {
  return `${label.padEnd(13)}${value}`;
}

function describeServices(definition: PluginDefinition): string[] {
  const services = definition.services;
  const personas = definition.oauth?.personas ?? [];
  const lines = [
    ...(personas.length > 0
      ? [row('OpenID Conn.', `three-legged OAuth for ${personas.join(', ')}`)]
      : []),
  ];
  if (!services) return lines;
  const parts = [
    services.links > 0 ? `${services.links} link${services.links === 1 ? '' : 's'}` : '',
    services.openidHost === undefined ? '' : `OpenID single sign-on to ${services.openidHost}`,
    services.samlName === undefined ? '' : `SAML "${services.samlName}"`,
    services.registrationUrl === undefined ? '' : `registration at ${services.registrationUrl}`,
    services.autoinstall ? 'autoinstall' : '',
    services.identityAttribute ? 'identityAttribute' : '',
  ].filter(Boolean);
  return parts.length > 0 ? [...lines, row('Services', parts.join('; '))] : lines;
}

function describeFolder(label: string, files: readonly string[], folder: string): string[] {
  if (files.length === 0) return [];
  return [row(label, `${files.length} file${files.length === 1 ? '' : 's'} under ${folder}`)];
}

function describeContents(contents: BundleContents): string[] {
  const mappings = contents.permissions.flatMap((mapping) =>
    mapping.queries.map((query) => `  ${mapping.page} -> ${query}`),
  );
  const extensions = contents.userSchema.flatMap((extension) => [
    `  ${extension.name || '(unnamed)'} (${extension.entry})`,
    ...extension.tables.map(
      (table) =>
        `    ${table.name || '(unnamed table)'}${table.coreTable ? ` on ${table.coreTable}` : ''}: ${table.fields} field${table.fields === 1 ? '' : 's'}`,
    ),
  ]);
  return [
    ...(contents.permissions.length > 0
      ? [
          row('Permissions', `${mappings.length} query mapping${mappings.length === 1 ? '' : 's'}`),
          ...mappings,
        ]
      : []),
    ...(contents.userSchema.length > 0
      ? [
          row(
            'DB extension',
            `${contents.userSchema.length} file${contents.userSchema.length === 1 ? '' : 's'}`,
          ),
          ...extensions,
        ]
      : []),
    ...describeFolder('Message keys', contents.messageKeys, 'MessageKeys/'),
    ...describeFolder('Page catalog', contents.pageCataloging, 'pagecataloging/'),
    ...describeFolder('Web pages', contents.webRoot, 'web_root/'),
    ...describeFolder('Ignored', contents.ignored, '__MACOSX/ and .DS_Store'),
  ];
}

/** The summary `pswb plugin inspect` prints for a bundle it could read. */
export function formatBundleSummary(bundle: ReadBundle, label: string): string {
  const { definition } = bundle;
  const { publisher } = definition;
  const tables = new Set(definition.accessRequest.map((field) => field.table.toUpperCase()));
  const contact = [publisher.contact.email, publisher.contact.phone].filter(Boolean).join(', ');
  const entryCount = `${bundle.entries.length} entr${bundle.entries.length === 1 ? 'y' : 'ies'}`;
  const lines = [
    row('Bundle', `${label} (${bundle.kind === 'zip' ? `zip, ${entryCount}` : 'bare plugin.xml'})`),
    row(
      'Plugin',
      `${definition.name}${definition.version ? `, version ${definition.version}` : ''}`,
    ),
    ...(definition.description ? [row('Description', definition.description)] : []),
    row('Publisher', `${publisher.name} <${contact}>`),
    row(
      'OAuth',
      definition.oauth
        ? 'yes: PowerSchool shows a Client ID and Secret on Data Provider Configuration'
        : 'no <oauth/>: no credentials',
    ),
    row('v1 access', describeV1Access(definition)),
    ...describeServices(definition),
    row(
      'Fields',
      `${definition.accessRequest.length} requested on ${tables.size} table${tables.size === 1 ? '' : 's'}`,
    ),
    ...groupFields(definition.accessRequest).flatMap((group) => [
      `  ${group.table} (${group.access})`,
      ...wrapWords(group.fields, '    '),
    ]),
    ...((definition.cdnRequest ?? []).length > 0
      ? [row('CDN hosts', (definition.cdnRequest ?? []).join(', '))]
      : []),
    row(
      'Queries',
      bundle.kind === 'xml'
        ? 'not in a bare plugin.xml (they live in queries_root/ of the zip)'
        : String(definition.queries.length),
    ),
    ...definition.queries.flatMap(describeQuery),
    ...describeContents(bundle.contents),
    'Entries',
    ...bundle.entries.filter((entry) => !/^web_root\//i.test(entry)).map((entry) => `  ${entry}`),
  ];
  return `${lines.join('\n')}\n`;
}
