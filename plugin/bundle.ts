/**
 * Builds the plugin bundle PowerSchool installs (System Management > Server > Plugin
 * Configuration > Install) from the data contract for one PowerSchool version, byte for byte
 * the same for the same input. Our own bundle is held to every level: a refusal, a warning or
 * even a note stops the build, and what ships is read back by the same reader the simulator
 * installs with.
 */
import { createHash } from 'node:crypto';
import { PLUGIN_XML_ENTRY, QUERIES_ROOT } from './bundle-layout.ts';
import { readBundle } from './bundle-read.ts';
import { QUERIES_FILE } from './contract.ts';
import {
  defaultPluginDefinition,
  type DefinitionOptions,
  type PluginDefinition,
} from './definition.ts';
import { describeCounts, type Finding } from './finding.ts';
import { renderNamedQueriesXml } from './named-queries-xml.ts';
import { PluginError, refusedBundleError } from './plugin-error.ts';
import { renderPluginXml } from './plugin-xml.ts';
import { DEFAULT_PS_VERSION, FEATURE_SINCE, hasFeature, parsePsVersion } from './ps-version.ts';
import { validatePluginDefinition } from './validate.ts';
import { createDeterministicZip } from './zip-write.ts';

// Where readBundle lived before bundle-read.ts: kept so callers importing it from here still work.
export {
  inspectBundle,
  readBundle,
  type ReadBundle,
  type ReadBundleOptions,
} from './bundle-read.ts';

/** A built bundle: its file name, bytes, their sha256 (hex) and what it declares. */
export interface BuiltBundle {
  fileName: string;
  bytes: Buffer;
  sha256: string;
  definition: PluginDefinition;
}

/** Lower-case words joined by dashes: "Navigate360 Attendance Access" -> navigate360-attendance-access. */
export function slugOf(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** `<slug>-<version>-ps<psVersion>.zip`, e.g. navigate360-attendance-access-1.0.0-ps25.2.0.0.zip. */
export function bundleFileName(definition: PluginDefinition, psVersion: string): string {
  return `${slugOf(definition.name)}-${definition.version}-ps${psVersion.trim()}.zip`;
}

/** Hex sha256 of bytes, as `sha256sum` prints it. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Fails unless `findings` is empty: a refusal reads as the installer's error, anything else as unclean. */
function requireClean(findings: readonly Finding[]): void {
  if (findings.length === 0) return;
  if (findings.some((item) => item.level === 'refusal')) throw refusedBundleError(findings);
  throw new PluginError(
    'bundle_not_clean',
    `Our bundle must have no finding at any level; it has ${describeCounts(findings)}.`,
    { findings },
  );
}

function checkBuildInputs(definition: PluginDefinition, psVersion: string): void {
  const version = parsePsVersion(psVersion);
  if (!hasFeature(version, 'attendanceWrites')) {
    throw new PluginError(
      'unsupported_ps_version',
      `PowerSchool ${version.text} has no attendance write endpoints (they arrived in ${FEATURE_SINCE.attendanceWrites}); there is nothing to build for it.`,
    );
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(definition.version)) {
    throw new PluginError(
      'plugin_refused',
      `version "${definition.version}" cannot go into the bundle's file name.`,
      { fix: 'Use letters, digits, dots, dashes, + or _ (e.g. 1.0.0).' },
    );
  }
}

/**
 * Builds the bundle for one PowerSchool version (default: the newest profile): validates first
 * at every level (throws PluginError listing every finding), then zips plugin.xml and
 * queries_root/<file> deterministically, and reads the result back as any bundle would be.
 */
export async function buildBundle(
  options: DefinitionOptions & { definition?: PluginDefinition } = {},
): Promise<BuiltBundle> {
  const psVersion = (options.psVersion ?? DEFAULT_PS_VERSION).trim();
  parsePsVersion(psVersion);
  const definition = options.definition ?? defaultPluginDefinition({ ...options, psVersion });
  checkBuildInputs(definition, psVersion);
  requireClean(validatePluginDefinition(definition, { psVersion }));
  const entries = [{ name: PLUGIN_XML_ENTRY, content: renderPluginXml(definition) }];
  if (definition.queries.length > 0) {
    const name = `${QUERIES_ROOT}${QUERIES_FILE}`;
    entries.push({ name, content: renderNamedQueriesXml(definition.queries) });
  }
  const bytes = await createDeterministicZip(entries);
  // What ships passes the same reader the simulator installs with, at every level too.
  requireClean((await readBundle(bytes, { psVersion })).findings);
  return {
    fileName: bundleFileName(definition, psVersion),
    bytes,
    sha256: sha256Hex(bytes),
    definition,
  };
}
