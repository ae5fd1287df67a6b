/**
 * The PowerSchool installer's rules for a plugin, checked before anything is written: every
 * violation is collected so one run reports them all. Facts: docs/powerschool-reference.md
 * section 1 (the 2013 plugin.xsd) and section 6 (version gates).
 */
import { FIELD_ACCESS_LEVELS, QUERIES_FILE, type FieldAccess } from './contract.ts';
import { V1_ACCESS_LEVELS, type PluginDefinition } from './definition.ts';
import { FEATURE_SINCE, hasFeature, parsePsVersion, type PsVersion } from './ps-version.ts';
import { locateQueries, validateQueries, validateQueryAccess } from './validate-queries.ts';
import { checkDatabaseName, checkLength, checkOneOf } from './validation-rules.ts';

/** One broken rule: where it is (e.g. 'access_request/field[3]@table') and what is allowed. */
export interface Violation {
  where: string;
  message: string;
}

/** Thrown when a plugin definition or bundle breaks the installer's rules; lists every one. */
export class PluginValidationError extends Error {
  override name = 'PluginValidationError';
  readonly violations: Violation[];

  constructor(violations: Violation[]) {
    super(formatViolations(violations));
    this.violations = violations;
  }
}

/** Renders violations one per line, under a count, as CLI output and error messages show them. */
export function formatViolations(violations: readonly Violation[]): string {
  const count = violations.length === 1 ? '1 problem' : `${violations.length} problems`;
  const lines = violations.map((violation) => `  - ${violation.where}: ${violation.message}`);
  return `The plugin has ${count}:\n${lines.join('\n')}`;
}

/** Options for version-specific rules. */
export interface ValidationOptions {
  /** The PowerSchool version the plugin is for; without it no version gate is checked. */
  psVersion?: string;
}

/** Parses the target version for the gates, or reports why it cannot. */
export function resolveTargetVersion(psVersion: string | undefined): {
  version?: PsVersion;
  violations: Violation[];
} {
  if (psVersion === undefined) return { violations: [] };
  try {
    return { version: parsePsVersion(psVersion), violations: [] };
  } catch (error) {
    return { violations: [{ where: 'psVersion', message: (error as Error).message }] };
  }
}

function validatePluginAttributes(definition: PluginDefinition): Violation[] {
  return [
    ...checkLength(definition.name, 'plugin@name', 'name', { min: 1, max: 40 }),
    ...checkLength(definition.version, 'plugin@version', 'version', { max: 20 }),
    ...checkLength(definition.description, 'plugin@description', 'description', { max: 256 }),
  ];
}

function validateOauth(definition: PluginDefinition, version: PsVersion | undefined): Violation[] {
  const level = definition.oauth?.accessLevelV1Api;
  if (level === undefined) return [];
  const where = 'oauth@accessLevelV1Api';
  const invalid = checkOneOf(level, V1_ACCESS_LEVELS, where, 'accessLevelV1Api');
  if (invalid.length > 0) return invalid;
  if (version && !hasFeature(version, 'v1AccessLevel')) {
    return [
      {
        where,
        message: `PowerSchool ${version.text} rejects accessLevelV1Api (only ${FEATURE_SINCE.v1AccessLevel} and later know it; the older installer's schema has no such attribute). Leave it out for this version, or build for ${FEATURE_SINCE.v1AccessLevel} or later.`,
      },
    ];
  }
  return [];
}

function validateField(field: FieldAccess, where: string): Violation[] {
  return [
    ...checkDatabaseName(field.table, `${where}@table`, 'table', 30),
    ...checkDatabaseName(field.field, `${where}@field`, 'field', 30),
    ...checkOneOf(field.access, FIELD_ACCESS_LEVELS, `${where}@access`, 'access'),
  ];
}

function validateAccessRequest(fields: readonly FieldAccess[]): Violation[] {
  const violations: Violation[] = [];
  const firstIndex = new Map<string, number>();
  fields.forEach((field, index) => {
    const where = `access_request/field[${index}]`;
    violations.push(...validateField(field, where));
    // Inferred: Oracle names are case-insensitive, so STUDENTS.DCID and students.dcid are one pair.
    const key = `${field.table}.${field.field}`.toUpperCase();
    const first = firstIndex.get(key);
    if (first === undefined) {
      firstIndex.set(key, index);
      return;
    }
    violations.push({
      where,
      message: `${key} is requested again (first at access_request/field[${first}]); request each table/field pair once, with FullAccess if anything writes it.`,
    });
  });
  return violations;
}

function validateCdnRequest(hosts: readonly string[], version: PsVersion | undefined): Violation[] {
  if (hosts.length === 0) return [];
  if (version && !hasFeature(version, 'cdnRequest')) {
    return [
      {
        where: 'access_request/cdn_request',
        message: `PowerSchool ${version.text} does not know cdn_request (it arrived in ${FEATURE_SINCE.cdnRequest}); remove it or build for a later version.`,
      },
    ];
  }
  // 50 characters before 23.1, 300 since (PowerSchool's plugin XML docs).
  const max = version && !hasFeature(version, 'longCdnNames') ? 50 : 300;
  return hosts.flatMap((host, index) =>
    checkLength(host, `access_request/cdn_request/cdn[${index}]@name`, 'cdn name', { min: 1, max }),
  );
}

function validatePublisher(definition: PluginDefinition): Violation[] {
  const { publisher } = definition;
  const { contact } = publisher;
  return [
    ...checkLength(publisher.name, 'publisher@name', 'publisher name', { min: 1, max: 100 }),
    ...checkLength(contact.email, 'publisher/contact@email', 'contact email', { min: 1, max: 40 }),
    ...(contact.phone === undefined
      ? []
      : checkLength(contact.phone, 'publisher/contact@phone', 'contact phone', { max: 20 })),
  ];
}

/**
 * The rules for plugin.xml alone (attributes, oauth, access_request, publisher), with the
 * version gates when `psVersion` is given. Queries are checked by validateQueries.
 */
export function validatePluginXmlRules(
  definition: PluginDefinition,
  options: ValidationOptions = {},
): Violation[] {
  const target = resolveTargetVersion(options.psVersion);
  return [
    ...target.violations,
    ...validatePluginAttributes(definition),
    ...validateOauth(definition, target.version),
    ...validateAccessRequest(definition.accessRequest),
    ...validateCdnRequest(definition.cdnRequest ?? [], target.version),
    ...validatePublisher(definition),
  ];
}

/**
 * Every installer rule for a whole definition: plugin.xml, each query (as it will sit in
 * queries_root/ of a built bundle) and access_request covering every column the queries read.
 * Returns [] when the definition is installable on `psVersion`.
 */
export function validatePluginDefinition(
  def: PluginDefinition,
  options: { psVersion?: string } = {},
): Violation[] {
  const located = locateQueries(def.queries, QUERIES_FILE);
  const { version } = resolveTargetVersion(options.psVersion);
  return [
    ...validatePluginXmlRules(def, options),
    ...validateQueries(located, version),
    ...validateQueryAccess(located, def.accessRequest),
  ];
}

/**
 * Joins structural violations (from parsing) with rule violations, dropping a rule violation
 * whose place already has a structural one (a missing attribute is not also "empty").
 */
export function mergeViolations(
  structural: readonly Violation[],
  rules: readonly Violation[],
): Violation[] {
  const places = new Set(structural.map((violation) => violation.where));
  return [...structural, ...rules.filter((violation) => !places.has(violation.where))];
}
