/**
 * The value rules of plugin.xml (attributes, oauth, access_request, cdn_request, publisher) and
 * of a whole definition (plugin.xml plus its queries). Every finding is collected so one run
 * reports them all. Facts: docs/powerschool-reference.md sections 1 and 6.
 */
import { QUERIES_FILE } from './contract.ts';
import { FIELD_ACCESS_LEVELS, type FieldAccess } from './contract-types.ts';
import { V1_ACCESS_LEVELS, type PluginDefinition } from './definition.ts';
import { finding, type Finding } from './finding.ts';
import { FEATURE_SINCE, hasFeature, parsePsVersion, type PsVersion } from './ps-version.ts';
import { locateQueries, validateQueries, validateQueryAccess } from './validate-queries.ts';
import { checkDatabaseNameForm, checkLength, checkOneOf } from './validation-rules.ts';

/** Options for version-specific rules. */
export interface ValidationOptions {
  /** The PowerSchool version the plugin is for; without it no version gate is checked. */
  psVersion?: string;
}

/** The target version for the gates; throws PsVersionError (a PluginError) when unreadable. */
export function resolveTargetVersion(psVersion: string | undefined): PsVersion | undefined {
  return psVersion === undefined ? undefined : parsePsVersion(psVersion);
}

function validatePluginAttributes(definition: PluginDefinition): Finding[] {
  const rule = 'plugin.attributes';
  return [
    ...checkLength(definition.name, 'plugin@name', 'name', { min: 1, max: 40 }, rule),
    ...checkLength(definition.version, 'plugin@version', 'version', { max: 20 }, rule),
    ...checkLength(definition.description, 'plugin@description', 'description', { max: 256 }, rule),
  ];
}

function validateOauth(definition: PluginDefinition, version: PsVersion | undefined): Finding[] {
  if (!definition.oauth) return [];
  const level = definition.oauth.accessLevelV1Api;
  const where = 'oauth@accessLevelV1Api';
  const since = FEATURE_SINCE.v1AccessLevel;
  if (level === undefined) {
    if (version && !hasFeature(version, 'v1AccessLevel')) return [];
    const message = `is not declared, so on PowerSchool ${since} and later the plugin's "Access Level for v1 APIs" is NONE and every /ws/v1 call but /ws/v1/metadata is refused until an admin changes it on Data Provider Configuration; declare accessLevelV1Api="READ" (or FULL) if the plugin calls /ws/v1.`;
    return [finding('oauth.v1-level-default', where, message)];
  }
  const invalid = checkOneOf(level, V1_ACCESS_LEVELS, where, 'accessLevelV1Api', 'oauth.v1-level');
  if (invalid.length > 0) return invalid;
  if (version && !hasFeature(version, 'v1AccessLevel')) {
    const message = `PowerSchool ${version.text} rejects accessLevelV1Api (only ${since} and later know it; the older installer's schema has no such attribute). Leave it out for this version, or build for ${since} or later.`;
    return [finding('oauth.v1-level', where, message)];
  }
  return [];
}

function validateField(field: FieldAccess, where: string): Finding[] {
  const rule = 'access-request.field';
  const form = 'access-request.name-form';
  return [
    ...checkLength(field.table, `${where}@table`, 'table', { min: 1, max: 30 }, rule),
    ...checkDatabaseNameForm(field.table, `${where}@table`, 'table', form),
    ...checkLength(field.field, `${where}@field`, 'field', { min: 1, max: 30 }, rule),
    ...checkDatabaseNameForm(field.field, `${where}@field`, 'field', form),
    ...checkOneOf(field.access, FIELD_ACCESS_LEVELS, `${where}@access`, 'access', rule),
  ];
}

function validateAccessRequest(fields: readonly FieldAccess[]): Finding[] {
  const findings: Finding[] = [];
  const firstIndex = new Map<string, number>();
  fields.forEach((field, index) => {
    const where = `access_request/field[${index}]`;
    findings.push(...validateField(field, where));
    // Inferred: Oracle names are case-insensitive, so STUDENTS.DCID and students.dcid are one pair.
    const key = `${field.table}.${field.field}`.toUpperCase();
    const first = firstIndex.get(key);
    if (first === undefined) {
      firstIndex.set(key, index);
      return;
    }
    const message = `${key} is requested again (first at access_request/field[${first}]); request each table/field pair once, with FullAccess if anything writes it.`;
    findings.push(finding('access-request.duplicate', where, message));
  });
  return findings;
}

function validateCdnRequest(hosts: readonly string[], version: PsVersion | undefined): Finding[] {
  if (hosts.length === 0) return [];
  const rule = 'access-request.cdn';
  if (version && !hasFeature(version, 'cdnRequest')) {
    const message = `PowerSchool ${version.text} does not know cdn_request (it arrived in ${FEATURE_SINCE.cdnRequest}); remove it or build for a later version.`;
    return [finding(rule, 'access_request/cdn_request', message)];
  }
  // 50 characters before 23.1, 300 since (PowerSchool's plugin XML docs).
  const max = version && !hasFeature(version, 'longCdnNames') ? 50 : 300;
  return hosts.flatMap((host, index) =>
    checkLength(
      host,
      `access_request/cdn_request/cdn[${index}]@name`,
      'cdn name',
      { min: 1, max },
      rule,
    ),
  );
}

function validatePublisher(definition: PluginDefinition): Finding[] {
  const { publisher } = definition;
  const { contact } = publisher;
  const rule = 'publisher.contact';
  return [
    ...checkLength(publisher.name, 'publisher@name', 'publisher name', { min: 1, max: 100 }, rule),
    ...checkLength(
      contact.email,
      'publisher/contact@email',
      'contact email',
      { min: 1, max: 40 },
      rule,
    ),
    ...(contact.phone === undefined
      ? []
      : checkLength(contact.phone, 'publisher/contact@phone', 'contact phone', { max: 20 }, rule)),
  ];
}

/**
 * The rules for plugin.xml alone (attributes, oauth, access_request, publisher), with the
 * version gates when `psVersion` is given. Queries are checked by validateQueries.
 */
export function validatePluginXmlRules(
  definition: PluginDefinition,
  options: ValidationOptions = {},
): Finding[] {
  const version = resolveTargetVersion(options.psVersion);
  return [
    ...validatePluginAttributes(definition),
    ...validateOauth(definition, version),
    ...validateAccessRequest(definition.accessRequest),
    ...validateCdnRequest(definition.cdnRequest ?? [], version),
    ...validatePublisher(definition),
  ];
}

/**
 * Every rule for a whole definition: plugin.xml, each query (as it will sit in
 * queries_root/<queriesFile> of a built bundle) and access_request covering every column the
 * queries read. Returns every finding, refusals, warnings and notes.
 */
export function validatePluginDefinition(
  def: PluginDefinition,
  options: ValidationOptions & { queriesFile?: string } = {},
): Finding[] {
  const located = locateQueries(def.queries, options.queriesFile ?? QUERIES_FILE);
  const version = resolveTargetVersion(options.psVersion);
  return [
    ...validatePluginXmlRules(def, options),
    ...validateQueries(located, version),
    ...(def.oauth ? validateQueryAccess(located, def.accessRequest) : []),
  ];
}
