/**
 * access_request enforcement: every table column a /ws/schema call or a PowerQuery touches must
 * be requested by the plugin, and attendance writes need FullAccess (reference sections 1, 3).
 */
import type { FieldAccessLevel } from '../../plugin/contract.ts';
import type { PluginDefinition } from '../../plugin/definition.ts';
import { PsHttpError, type PsErrorDetail } from '../http/errors.ts';
import type { InstalledPlugin } from '../sim-env.ts';

/** "table.field" lower case -> the access the plugin was granted. */
type GrantIndex = ReadonlyMap<string, FieldAccessLevel>;

/** Built once per definition: access checks run on every request. */
const grantIndexes = new WeakMap<PluginDefinition, GrantIndex>();

function grantsOf(plugin: InstalledPlugin): GrantIndex {
  let index = grantIndexes.get(plugin.definition);
  if (!index) {
    const built = new Map<string, FieldAccessLevel>();
    for (const { table, field, access } of plugin.definition.accessRequest) {
      const key = `${table}.${field}`.toLowerCase();
      // FullAccess includes reading: keep the stronger grant when a field is listed twice.
      if (built.get(key) !== 'FullAccess') built.set(key, access);
    }
    index = built;
    grantIndexes.set(plugin.definition, index);
  }
  return index;
}

/** Per definition, then per table: the lower-case columns the plugin holds FullAccess on. */
const fullAccessIndexes = new WeakMap<PluginDefinition, Map<string, ReadonlySet<string>>>();

/** The columns of a table (lower case) the plugin may write: built once per definition and table. */
function fullAccessColumns(plugin: InstalledPlugin, table: string): ReadonlySet<string> {
  let byTable = fullAccessIndexes.get(plugin.definition);
  if (!byTable) {
    byTable = new Map();
    fullAccessIndexes.set(plugin.definition, byTable);
  }
  let columns = byTable.get(table);
  if (!columns) {
    const prefix = `${table}.`;
    columns = new Set(
      [...grantsOf(plugin)]
        .filter(([key, access]) => key.startsWith(prefix) && access === 'FullAccess')
        .map(([key]) => key.slice(prefix.length)),
    );
    byTable.set(table, columns);
  }
  return columns;
}

/** The access the plugin holds on "table.field" (any case), or undefined when not requested. */
export function grantedAccess(
  plugin: InstalledPlugin,
  tableField: string,
): FieldAccessLevel | undefined {
  return grantsOf(plugin).get(tableField.toLowerCase());
}

/** The columns (of `tableFields`) the plugin did not request, lower case, in the order given. */
export function missingReadAccess(
  plugin: InstalledPlugin,
  tableFields: readonly string[],
): string[] {
  const grants = grantsOf(plugin);
  const missing = new Set<string>();
  for (const tableField of tableFields) {
    const key = tableField.toLowerCase();
    if (!grants.has(key)) missing.add(key);
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
  const resource = table.toLowerCase();
  const writable = fullAccessColumns(plugin, resource);
  let missing: Set<string> | undefined;
  for (const field of fields) {
    const bare = field.includes('.') ? field.slice(field.indexOf('.') + 1) : field;
    // Names usually arrive in lower case: lower-case them only when they are not found as sent.
    if (writable.has(bare) || writable.has(bare.toLowerCase())) continue;
    (missing ??= new Set()).add(`${resource}.${bare.toLowerCase()}`);
  }
  if (missing) {
    // Listed in the order of the upper-case column names PowerSchool reports.
    const sorted = [...missing].sort((a, b) => (a.toUpperCase() < b.toUpperCase() ? -1 : 1));
    throw validationFailed(resource, sorted);
  }
}

function validationFailed(resource: string, fields: readonly string[]): PsHttpError {
  const errors: PsErrorDetail[] = fields.map((field) => ({
    resource,
    field,
    code: 'No access to the field',
  }));
  return new PsHttpError(403, { message: 'Validation Failed', errors });
}
