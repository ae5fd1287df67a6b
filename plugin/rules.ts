/**
 * Every rule pswb checks a plugin bundle with, each with exactly one level and its source:
 * - refusal: what PowerSchool's installer refuses (the schema's structure and types, documented
 *   MUSTs, zip safety);
 * - warning: documented advice, or an installer rule only a single field report shows;
 * - note: what happens at run time (a 403, a query Data Export Manager will not list).
 * docs/plugin.md has the same table; a test keeps the two in step.
 */
import { SOURCES, type RuleSource } from './rule-sources.ts';

/** The three levels, most severe first. */
export const FINDING_LEVELS = ['refusal', 'warning', 'note'] as const;
export type FindingLevel = (typeof FINDING_LEVELS)[number];

/** Type guard for FindingLevel. */
export function isFindingLevel(value: unknown): value is FindingLevel {
  return typeof value === 'string' && (FINDING_LEVELS as readonly string[]).includes(value);
}

/** One rule: its level, what it checks (one line) and where the rule comes from. */
export interface RuleSpec {
  level: FindingLevel;
  checks: string;
  source: string;
}

const S = SOURCES;
const both = (...sources: RuleSource[]): string => sources.join('; ');
const refusal = (checks: string, source: string): RuleSpec => ({
  level: 'refusal',
  checks,
  source,
});
const warning = (checks: string, source: string): RuleSpec => ({
  level: 'warning',
  checks,
  source,
});
const note = (checks: string, source: string): RuleSpec => ({ level: 'note', checks, source });

/** The rule catalogue, by id. */
export const RULES = {
  'bundle.kind': refusal('the upload is a zip archive or a bare plugin.xml', S.pluginZipPage),
  'archive.readable': refusal('the zip archive can be read', S.pluginZipPage),
  'archive.limits': refusal('archive size, entry count and entry sizes within limits', S.zipSafety),
  'archive.entry-path': refusal(
    'entry paths stay inside the archive (no ../, absolute, backslash, NUL), no encrypted or repeated entries',
    S.zipSafety,
  ),
  'archive.plugin-xml': refusal(
    'plugin.xml at the root of the zip under exactly that name, no wrapping folder',
    both(S.pluginZipPage, S.dbExtensionGuide),
  ),
  'archive.folder-case': warning(
    'documented folder names spelt in their case (queries_root/, permissions_root/, user_schema_root/)',
    S.inferred,
  ),
  'archive.ignored-entry': note('__MACOSX/ and .DS_Store entries are ignored', S.dbExtensionGuide),
  'archive.unrecognized-entry': note(
    'entries outside the documented folders are ignored by the installer',
    S.dbExtensionGuide,
  ),
  'xml.encoding': refusal('XML files are UTF-8 (what pswb reads)', S.inferred),
  'xml.well-formed': refusal('XML files are well-formed with one root element', S.xsd),
  'xml.doctype': refusal('no DOCTYPE (entity declarations are how XML bombs work)', S.zipSafety),
  'plugin.root': refusal(
    'root <plugin xmlns="http://plugin.powerschool.pearson.com">',
    both(S.xsd, S.pluginXmlPage),
  ),
  'plugin.attributes': refusal(
    'name 1-40 characters, version up to 20, description up to 256, class up to 256, deletable true|false, no other attributes',
    both(S.xsd, S.pluginXmlPage),
  ),
  'plugin.children': refusal(
    'only the documented children of <plugin>, each at most once, exactly one <publisher>',
    S.xsd,
  ),
  'plugin.element-order': warning(
    'oauth, access_request, links before publisher (the schema allows any order)',
    S.orderReport,
  ),
  'publisher.contact': refusal(
    '<publisher name> 1-100 characters with one <contact email="1-40" phone="up to 20">',
    both(S.xsd, S.pluginXmlPage),
  ),
  'access-request.field': refusal(
    '<field table field access>: table and field 1-30 characters, access ViewOnly or FullAccess',
    both(S.xsd, S.pluginXmlPage),
  ),
  'access-request.name-form': warning(
    'table and field look like PowerSchool names (a letter, then letters, digits, _ $ #)',
    S.inferred,
  ),
  'access-request.duplicate': warning(
    'each table/field pair requested once (any case)',
    S.inferred,
  ),
  'access-request.cdn': refusal(
    '<cdn_request><cdn name>: only from 21.11.0.0, name up to 50 characters (300 from 23.1)',
    both(S.pluginXmlPage, S.versionGates),
  ),
  'oauth.structure': refusal(
    '<oauth> children: <consumer><url> (client credentials) or <allow-persona> (three-legged OAuth)',
    both(S.xsd, S.threeLeggedOAuth),
  ),
  'oauth.unknown-attribute': warning(
    '<oauth> attributes are the documented ones (accessLevelV1Api, account_token, and the three-legged OAuth attributes)',
    both(S.pluginXmlPage, S.threeLeggedOAuth),
  ),
  'oauth.v1-level': refusal(
    'accessLevelV1Api is NONE, READ or FULL, and only for 25.2.0.0 and later',
    both(S.pluginXmlPage, S.versionGates),
  ),
  'oauth.three-legged': warning(
    'three-legged OAuth values: allow-client-credential and allow-auth-code true|false, allow-persona staff|teacher|parent|student',
    S.threeLeggedOAuth,
  ),
  'oauth.v1-level-default': note(
    'an <oauth> without accessLevelV1Api gets NONE on 25.2.0.0+: /ws/v1 calls are refused until an admin changes it',
    S.pluginXmlPage,
  ),
  'links.structure': refusal(
    '<links><link display-text="1-100" path="1-1000" title="up to 256"><ui_contexts><ui_context id>',
    both(S.xsd, S.pluginXmlPage),
  ),
  'links.ui-context': refusal(
    'ui_context id is one of the documented ids (admin.left_nav, admin.header, teacher.header, teacher.pro.apps, guardian.header, student.header)',
    both(S.xsd, S.pluginXmlPage),
  ),
  'openid.structure': refusal(
    '<openid host="1-256" port="0-65535"?> with one <links> of single sign-on links',
    both(S.xsd, S.pluginXmlPage),
  ),
  'openid.host-form': warning(
    'openid host is a host name only, without scheme or path',
    S.pluginXmlPage,
  ),
  'saml.structure': refusal(
    '<saml name> with its attributes, <links>, <attributes><user type><attribute name>, <permissions><permission name value description>, <inline_authentication>',
    both(S.xsd, S.pluginXmlPage),
  ),
  'saml.mode': warning(
    'saml attributes complete for one mode: entity-id and base-url (PowerSchool as identity provider) or idp-name, idp-entity-id, idp-metadata-url (as service provider)',
    S.pluginXmlPage,
  ),
  'autoinstall.structure': refusal(
    '<autoinstall required?> holding only <autoenable>, <autoregister>, <autoredeploy>',
    S.xsd,
  ),
  'registration.structure': refusal(
    '<registration url="1-1000"> holding <callback-data>? and <parameter name>*',
    S.xsd,
  ),
  'registration.https': refusal('registration url starts with https://', S.pluginXmlPage),
  'identity-attribute.structure': refusal(
    '<identityAttribute> holding <entity name attribute>* (1-256 characters each)',
    S.xsd,
  ),
  'queries.file-location': refusal(
    'query files directly under queries_root/, no subfolders',
    both(S.dbExtensionGuide, S.unrecognizedFileReport),
  ),
  'queries.file-name': warning(
    'files under queries_root/ are named NAME.named_queries.xml (others are ignored)',
    both(S.powerQueriesPage, S.dbExtensionGuide),
  ),
  'queries.file-namespace': warning(
    'query file names are namespaced like the queries (com.organization.product.named_queries.xml): one server-wide namespace',
    S.powerQueriesPage,
  ),
  'query.structure': refusal(
    '<queries><query name> with <columns> and <sql>, each child at most once',
    S.powerQueriesPage,
  ),
  'query.unknown-markup': warning(
    'elements and attributes of a query file are the documented ones (a misspelt one is silently ignored)',
    S.powerQueriesPage,
  ),
  'query.name-form': warning(
    'query names have five dot-separated snake_case parts: com.organization.product.area.name',
    S.powerQueriesPage,
  ),
  'query.name-length': warning('query names of at most 200 characters', S.inferred),
  'query.name-reserved': warning(
    'query names do not start with com.powerschool',
    S.powerQueriesPage,
  ),
  'query.name-unique': refusal(
    'query names unique in the bundle (one server-wide namespace; that the installer refuses a repeat is inferred)',
    S.powerQueriesPage,
  ),
  'query.summary-length': warning('summary of at most 50 characters', S.powerQueriesPage),
  'query.boolean-attribute': warning(
    'flattened and required are true or false',
    S.powerQueriesPage,
  ),
  'query.core-table': warning('coreTable looks like a table name', S.powerQueriesPage),
  'query.arg': refusal(
    'args: a name, unique in the query, type primitive|array, casing upper|lower|none and only with column',
    S.powerQueriesPage,
  ),
  'query.arg-name-form': warning('arg names are legal Java identifiers', S.powerQueriesPage),
  'query.arg-casing-version': warning(
    'arg casing only from 22.11.0.0 (an older server is not known to honour it)',
    both(S.powerQueriesPage, S.versionGates),
  ),
  'query.column-reference': warning(
    'column and arg column name a real TABLE.FIELD (pswb checks the shape only)',
    S.powerQueriesPage,
  ),
  'query.columns': refusal('at least one <column>', S.powerQueriesPage),
  'query.alias-form': warning(
    'column aliases of one or two parts of letters, digits and underscores',
    S.powerQueriesPage,
  ),
  'query.alias-core-table': warning(
    'a one-part alias comes with a coreTable on the query (the page says MUST and that pre-9.2 plugins without one "will break", not whether at install or at run time)',
    S.powerQueriesPage,
  ),
  'query.alias-unique': warning('every column has its own alias', S.powerQueriesPage),
  'query.sql-shape': warning(
    'one SELECT ... FROM whose select list matches the <column>s in number, every item named, names unique',
    S.powerQueriesPage,
  ),
  'query.sql-binds': warning('every :bind in the SQL is declared as an <arg>', S.powerQueriesPage),
  'query.order-by': warning(
    'a top-level ORDER BY (paging needs it; callers may pass ad-hoc order instead)',
    S.powerQueriesPage,
  ),
  'query.ps-html': warning(
    'no PowerSchool HTML tags (~(..), ~[..]) in the SQL: they make the query inaccessible',
    S.powerQueriesPage,
  ),
  'query.cdata': refusal('the SQL holds no "]]>", which would end its CDATA section', S.inferred),
  'query.access-gap': note(
    'every TABLE.FIELD a query of an <oauth> plugin reads is in access_request, else an OAuth caller gets 403 once the admin approves what was requested',
    S.powerQueriesPage,
  ),
  'query.dem-hidden': note(
    'queries Data Export Manager will not list: an arg without column, or an arg default with a PowerSchool HTML tag',
    S.powerQueriesPage,
  ),
  'permissions.file-location': refusal(
    'permission mapping files directly under permissions_root/, no subfolders',
    both(S.dbExtensionGuide, S.unrecognizedFileReport),
  ),
  'permissions.file-name': warning(
    'files under permissions_root/ are named NAME.permission_mappings.xml (others are ignored)',
    S.dbExtensionGuide,
  ),
  'permissions.structure': refusal(
    '<permission_mappings><permission name><implies allow>path</implies>',
    both(S.powerQueryDatPage, S.inferred),
  ),
  'permissions.named-queries-only': refusal(
    'a permission mapping implies only /ws/schema/query/<named query>',
    S.permissionMapReport,
  ),
  'permissions.allow': warning(
    'a query mapping allows post (PowerQueries are POSTed)',
    S.powerQueryDatPage,
  ),
  'permissions.unknown-query': note(
    'a mapped query is declared in this bundle (else it must be PowerSchool’s or another plugin’s)',
    S.inferred,
  ),
  'user-schema.shape': warning(
    'user_schema_root/*.xml in the <psExtension> form: extensionname, extendedTable, fields with name and type',
    S.userSchemaReport,
  ),
} as const satisfies Record<string, RuleSpec>;

/** A rule id: 'query.order-by', 'archive.entry-path', ... */
export type RuleId = keyof typeof RULES;

/** Every rule id, in catalogue order. */
export const RULE_IDS = Object.keys(RULES) as RuleId[];

/** Type guard for RuleId. */
export function isRuleId(value: unknown): value is RuleId {
  return typeof value === 'string' && Object.hasOwn(RULES, value);
}
