/**
 * access_request enforcement: every table column a /ws/schema call or a PowerQuery touches must
 * be requested by the plugin, and attendance writes need FullAccess (reference sections 1, 3).
 */
import type { FieldAccessLevel } from '../../plugin/contract.ts';
import type { PluginDefinition } from '../../plugin/definition.ts';
import { PsHttpError, type PsErrorDetail } from '../http/errors.ts';
import type { InstalledPlugin } from '../sim-env.ts';

/** "TABLE.FIELD" upper case -> the access the plugin was granted. */
type GrantIndex = ReadonlyMap<string, FieldAccessLevel>;

/** Built once per definition: access checks run on every request. */
const grantIndexes = new WeakMap<PluginDefinition, GrantIndex>();

function grantsOf(plugin: InstalledPlugin): GrantIndex {
  let index = grantIndexes.get(plugin.definition);
  if (!index) {
    const built = new Map<string, FieldAccessLevel>();
    for (const { table, field, access } of plugin.definition.accessRequest) {
      const key = `${table}.${field}`.toUpperCase();
      // FullAccess includes reading: keep the stronger grant when a field is listed twice.
      if (built.get(key) !== 'FullAccess') built.set(key, access);
    }
    index = built;
    grantIndexes.set(plugin.definition, index);
  }
  return index;
}

/** Per definition, then per table: the candidate fields that hold FullAccess. */
const fullAccessSets = new WeakMap<PluginDefinition, Map<string, ReadonlySet<string>>>();

/**
 * Of `candidates` (lower-case fields of `table`, the same list on every call for a table),
 * those the plugin holds FullAccess on. Built once per definition and table: every attendance
 * write checks the fields it sets against it before anything else is worked out.
 */
export function fullAccessFields(
  plugin: InstalledPlugin,
  table: string,
  candidates: readonly string[],
): ReadonlySet<string> {
  let byTable = fullAccessSets.get(plugin.definition);
  if (!byTable) {
    byTable = new Map();
    fullAccessSets.set(plugin.definition, byTable);
  }
  let fields = byTable.get(table);
  if (!fields) {
    const grants = grantsOf(plugin);
    // The same key assertWriteAccess looks up, so both agree on every field.
    const granted = candidates.filter(
      (field) => grants.get(`${table}.${field}`.toUpperCase()) === 'FullAccess',
    );
    fields = new Set(granted);
    byTable.set(table, fields);
  }
  return fields;
}

/** The access the plugin holds on "table.field" (any case), or undefined when not requested. */
export function grantedAccess(
  plugin: InstalledPlugin,
  tableField: string,
): FieldAccessLevel | undefined {
  return grantsOf(plugin).get(tableField.toUpperCase());
}

/** The columns (of `tableFields`) the plugin did not request, lower case, in the order given. */
export function missingReadAccess(
  plugin: InstalledPlugin,
  tableFields: readonly string[],
): string[] {
  const grants = grantsOf(plugin);
  const missing = new Set<string>();
  for (const tableField of tableFields) {
    if (!grants.has(tableField.toUpperCase())) missing.add(tableField.toLowerCase());
  }
  return [...missing];
}

/**
 * For /ws/schema/table reads: every "table.field" must be in access_request (ViewOnly or
 * FullAccess, any case), else 403 `{"message":"At least one column lacks sufficient
 * permission","errors":[{"resource","field","code":"NoAccess"}]}`, one entry per column
 * (reference section 3).
 */
export function assertReadAccess(
  plugin: InstalledPlugin,
  tableFields: readonly string[],
  resource: string,
): void {
  const missing = missingReadAccess(plugin, tableFields);
  if (missing.length === 0) return;
  const errors: PsErrorDetail[] = missing.map((field) => ({ resource, field, code: 'NoAccess' }));
  throw new PsHttpError(403, {
    message: 'At least one column lacks sufficient permission',
    errors,
  });
}

/**
 * For POST /ws/schema/query/{name}: the same rule, answered in the body the reference gives for
 * PowerQueries: 403 `{"message":"Validation Failed","errors":[{"resource","field","code":"No
 * access to the field"}]}` (reference section 3), one entry per column not requested.
 */
export function assertQueryAccess(
  plugin: InstalledPlugin,
  tableFields: readonly string[],
  resource: string,
): void {
  const missing = missingReadAccess(plugin, tableFields);
  if (missing.length === 0) return;
  throw validationFailed(resource, missing);
}

/**
 * For attendance writes: FullAccess on each field written, else 403 listing each field that
 * lacks it. Inferred: the body reuses the PowerQuery shape ("Validation Failed", code "No access
 * to the field"); no public source shows the write endpoints' 403 body.
 */
export function assertWriteAccess(
  plugin: InstalledPlugin,
  table: string,
  fields: readonly string[],
): void {
  const grants = grantsOf(plugin);
  const resource = table.toLowerCase();
  const missing = new Set<string>();
  for (const field of fields) {
    const bare = field.includes('.') ? field.slice(field.indexOf('.') + 1) : field;
    const key = `${table}.${bare}`.toUpperCase();
    if (grants.get(key) !== 'FullAccess') missing.add(`${resource}.${bare.toLowerCase()}`);
  }
  if (missing.size > 0) throw validationFailed(resource, [...missing]);
}

function validationFailed(resource: string, fields: readonly string[]): PsHttpError {
  const errors: PsErrorDetail[] = fields.map((field) => ({
    resource,
    field,
    code: 'No access to the field',
  }));
  return new PsHttpError(403, { message: 'Validation Failed', errors });
}
