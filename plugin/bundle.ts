/**
 * The plugin bundle PowerSchool installs (System Management > Server > Plugin Configuration >
 * Install): built from the data contract for one PowerSchool version, byte for byte the same
 * for the same input, and read back (ours or a vendor's) with every violation reported.
 */
import { createHash } from 'node:crypto';
import { BUNDLE_LIMITS, formatBytes, type BundleLimits } from './bundle-limits.ts';
import { checkBundleLayout, PLUGIN_XML_ENTRY, QUERIES_ROOT } from './bundle-layout.ts';
import { QUERIES_FILE, type QueryDefinition } from './contract.ts';
import {
  defaultPluginDefinition,
  type DefinitionOptions,
  type PluginDefinition,
} from './definition.ts';
import { readNamedQueriesXml, renderNamedQueriesXml } from './named-queries-xml.ts';
import { readPluginXml, renderPluginXml } from './plugin-xml.ts';
import { DEFAULT_PS_VERSION, FEATURE_SINCE, hasFeature, type PsVersion } from './ps-version.ts';
import {
  mergeViolations,
  PluginValidationError,
  resolveTargetVersion,
  validatePluginDefinition,
  validatePluginXmlRules,
  type Violation,
} from './validate.ts';
import {
  locateQueries,
  validateQueries,
  validateQueryAccess,
  type LocatedQuery,
} from './validate-queries.ts';
import { createDeterministicZip } from './zip-write.ts';
import { openZip, ZipEntryTooLargeError, ZipFormatError, type OpenZip } from './zip-read.ts';

/** A built bundle: its file name, bytes, their sha256 (hex) and what it declares. */
export interface BuiltBundle {
  fileName: string;
  bytes: Buffer;
  sha256: string;
  definition: PluginDefinition;
}

/** A bundle read back: what it declares, every entry name, and whether it was a zip. */
export interface ReadBundle {
  definition: PluginDefinition;
  entries: string[];
  kind: 'zip' | 'xml';
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

function buildViolations(
  definition: PluginDefinition,
  version: PsVersion,
  psVersion: string,
): Violation[] {
  const violations: Violation[] = [];
  if (!hasFeature(version, 'attendanceWrites')) {
    violations.push({
      where: 'psVersion',
      message: `PowerSchool ${version.text} has no attendance write endpoints (they arrived in ${FEATURE_SINCE.attendanceWrites}); build for ${FEATURE_SINCE.attendanceWrites} or later.`,
    });
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(definition.version)) {
    violations.push({
      where: 'plugin@version',
      message: `version "${definition.version}" cannot go into the bundle's file name; use letters, digits, dots, dashes, + or _ (e.g. 1.0.0).`,
    });
  }
  return [...violations, ...validatePluginDefinition(definition, { psVersion })];
}

/**
 * Builds the bundle for one PowerSchool version (default: the newest profile): validates first
 * (throws PluginValidationError listing everything), then zips plugin.xml and
 * queries_root/<file> deterministically, and reads the result back as any bundle would be.
 */
export async function buildBundle(
  options: DefinitionOptions & { definition?: PluginDefinition } = {},
): Promise<BuiltBundle> {
  const psVersion = (options.psVersion ?? DEFAULT_PS_VERSION).trim();
  const target = resolveTargetVersion(psVersion);
  if (!target.version) throw new PluginValidationError(target.violations);
  const definition = options.definition ?? defaultPluginDefinition({ ...options, psVersion });
  const violations = buildViolations(definition, target.version, psVersion);
  if (violations.length > 0) throw new PluginValidationError(violations);
  const entries = [{ name: PLUGIN_XML_ENTRY, content: renderPluginXml(definition) }];
  if (definition.queries.length > 0) {
    const name = `${QUERIES_ROOT}${QUERIES_FILE}`;
    entries.push({ name, content: renderNamedQueriesXml(definition.queries) });
  }
  const bytes = await createDeterministicZip(entries);
  // What ships passes the same reader the simulator installs with.
  await readBundle(bytes, { psVersion });
  return {
    fileName: bundleFileName(definition, psVersion),
    bytes,
    sha256: sha256Hex(bytes),
    definition,
  };
}

const ZIP_MAGIC = [0x50, 0x4b]; // "PK": local file header or (empty archive) end of directory

function detectKind(bytes: Uint8Array): 'zip' | 'xml' | undefined {
  if (bytes[0] === ZIP_MAGIC[0] && bytes[1] === ZIP_MAGIC[1]) return 'zip';
  const head = Buffer.from(bytes.subarray(0, 64))
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  return head.trimStart().startsWith('<') ? 'xml' : undefined;
}

function decodeUtf8(bytes: Uint8Array, where: string, violations: Violation[]): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    violations.push({
      where,
      message: 'is not valid UTF-8; save it as UTF-8 (what plugin.xml declares).',
    });
    return undefined;
  }
}

/** Options for readBundle. */
export interface ReadBundleOptions {
  /** The PowerSchool version the bundle is for: enables version gates (e.g. accessLevelV1Api). */
  psVersion?: string;
  /** Tighter or looser limits than BUNDLE_LIMITS. */
  limits?: Partial<BundleLimits>;
}

function readXmlBundle(
  bytes: Uint8Array,
  options: ReadBundleOptions,
  limits: BundleLimits,
): ReadBundle {
  if (bytes.length > limits.maxPluginXmlBytes) {
    const message = `is ${formatBytes(bytes.length)}; pswb reads a plugin.xml of at most ${formatBytes(limits.maxPluginXmlBytes)}.`;
    throw new PluginValidationError([{ where: PLUGIN_XML_ENTRY, message }]);
  }
  const violations: Violation[] = [];
  const xml = decodeUtf8(bytes, PLUGIN_XML_ENTRY, violations);
  const parsed = xml === undefined ? { definition: null, violations: [] } : readPluginXml(xml);
  const rules = parsed.definition ? validatePluginXmlRules(parsed.definition, options) : [];
  violations.push(...mergeViolations(parsed.violations, rules));
  if (violations.length > 0 || !parsed.definition) throw new PluginValidationError(violations);
  return { definition: parsed.definition, entries: [PLUGIN_XML_ENTRY], kind: 'xml' };
}

async function readEntryText(
  zip: OpenZip,
  name: string,
  maxBytes: number,
  violations: Violation[],
): Promise<string | undefined> {
  try {
    return decodeUtf8(await zip.readEntry(name, maxBytes), `archive: ${name}`, violations);
  } catch (error) {
    const reason =
      error instanceof ZipEntryTooLargeError
        ? `${error.message}; refused (limit ${formatBytes(maxBytes)})`
        : (error as Error).message;
    violations.push({ where: `archive: ${name}`, message: `could not be read: ${reason}.` });
    return undefined;
  }
}

async function readQueryFiles(
  zip: OpenZip,
  files: readonly string[],
  limits: BundleLimits,
  violations: Violation[],
): Promise<LocatedQuery[]> {
  const located: LocatedQuery[] = [];
  for (const entry of files) {
    const text = await readEntryText(zip, entry, limits.maxEntryBytes, violations);
    if (text === undefined) continue;
    const fileName = entry.slice(QUERIES_ROOT.length);
    const parsed = readNamedQueriesXml(text, fileName);
    violations.push(...parsed.violations);
    located.push(...locateQueries(parsed.queries, fileName));
  }
  return located;
}

async function readZipContents(
  zip: OpenZip,
  options: ReadBundleOptions,
  limits: BundleLimits,
): Promise<ReadBundle> {
  const layout = checkBundleLayout(zip.entries, limits);
  const violations = [...layout.violations];
  const xml = layout.pluginXml
    ? await readEntryText(zip, layout.pluginXml, limits.maxPluginXmlBytes, violations)
    : undefined;
  const parsed = xml === undefined ? { definition: null, violations: [] } : readPluginXml(xml);
  const located = await readQueryFiles(zip, layout.queryFiles, limits, violations);
  const { version } = resolveTargetVersion(options.psVersion);
  const structural = [...parsed.violations, ...violations];
  const rules = [...validateQueries(located, version)];
  if (parsed.definition) {
    rules.push(...validatePluginXmlRules(parsed.definition, options));
    rules.push(...validateQueryAccess(located, parsed.definition.accessRequest));
  }
  const all = mergeViolations(structural, rules);
  if (all.length > 0 || !parsed.definition) throw new PluginValidationError(all);
  const queries: QueryDefinition[] = located.map(({ query }) => query);
  return {
    definition: { ...parsed.definition, queries },
    entries: zip.entries.map((entry) => entry.name),
    kind: 'zip',
  };
}

async function readZipBundle(
  bytes: Uint8Array,
  options: ReadBundleOptions,
  limits: BundleLimits,
): Promise<ReadBundle> {
  if (bytes.length > limits.maxArchiveBytes) {
    const message = `is ${formatBytes(bytes.length)}; pswb reads archives of at most ${formatBytes(limits.maxArchiveBytes)}.`;
    throw new PluginValidationError([{ where: 'archive', message }]);
  }
  let zip: OpenZip;
  try {
    zip = await openZip(bytes, limits.maxEntries);
  } catch (error) {
    if (!(error instanceof ZipFormatError)) throw error;
    throw new PluginValidationError([
      {
        where: 'archive',
        message: `is not a readable zip archive: ${error.message}. Rebuild it with pswb plugin build or a standard zip tool.`,
      },
    ]);
  }
  try {
    return await readZipContents(zip, options, limits);
  } finally {
    zip.close();
  }
}

/**
 * Reads a bundle from memory, never from or to disk: a zip (starts with "PK") or a bare
 * plugin.xml. Parses and validates everything, with the version gates when `psVersion` is given;
 * throws PluginValidationError with every violation.
 */
export async function readBundle(
  bytes: Uint8Array,
  options: ReadBundleOptions = {},
): Promise<ReadBundle> {
  const limits: BundleLimits = { ...BUNDLE_LIMITS, ...options.limits };
  const kind = detectKind(bytes);
  if (kind === 'zip') return readZipBundle(bytes, options, limits);
  if (kind === 'xml') return readXmlBundle(bytes, options, limits);
  throw new PluginValidationError([
    {
      where: 'input',
      message:
        'is neither a zip archive (which starts with "PK") nor a plugin.xml (which starts with "<"); pass the bundle .zip or its plugin.xml.',
    },
  ]);
}
