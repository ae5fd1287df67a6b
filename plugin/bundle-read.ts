/**
 * Reads a plugin bundle from memory, never from or to disk: a zip (starts with "PK") or a bare
 * plugin.xml. Everything is parsed and every rule checked; the result carries every finding
 * with its level, so a caller decides what fails (the installer: refusals; an author's CI:
 * warnings too).
 */
import { BUNDLE_LIMITS, formatBytes, type BundleLimits } from './bundle-limits.ts';
import {
  checkBundleLayout,
  PLUGIN_XML_ENTRY,
  QUERIES_ROOT,
  type BundleLayout,
} from './bundle-layout.ts';
import type { QueryDefinition } from './contract-types.ts';
import type { PluginDefinition } from './definition.ts';
import { finding, mergeFindings, type Finding } from './finding.ts';
import { readNamedQueriesXml } from './named-queries-xml.ts';
import { readPermissionMappings, type PermissionMapping } from './permissions-xml.ts';
import { refusedBundleError } from './plugin-error.ts';
import { readPluginXml } from './plugin-xml.ts';
import { readUserSchema, type UserSchemaExtension } from './user-schema-xml.ts';
import {
  resolveTargetVersion,
  validatePluginXmlRules,
  type ValidationOptions,
} from './validate.ts';
import {
  locateQueries,
  validateQueries,
  validateQueryAccess,
  type LocatedQuery,
} from './validate-queries.ts';
import { openZip, ZipEntryTooLargeError, ZipFormatError, type OpenZip } from './zip-read.ts';

/** What a bundle holds beyond plugin.xml and its queries, for the inspect summary. */
export interface BundleContents {
  permissions: PermissionMapping[];
  userSchema: UserSchemaExtension[];
  messageKeys: string[];
  pageCataloging: string[];
  webRoot: string[];
  /** __MACOSX/ and .DS_Store entries, ignored. */
  ignored: string[];
  /** Files outside every folder PowerSchool reads, ignored by the installer. */
  unrecognized: string[];
}

/** A bundle read back: what it declares, every entry name, its kind, contents and findings. */
export interface ReadBundle {
  definition: PluginDefinition;
  entries: string[];
  kind: 'zip' | 'xml';
  contents: BundleContents;
  /** Every finding; readBundle returns only bundles without refusals. */
  findings: Finding[];
}

/** What inspectBundle found: the bundle (null when no plugin.xml could be read) and every finding. */
export interface BundleInspection {
  bundle: ReadBundle | null;
  findings: Finding[];
}

/** Options for inspectBundle and readBundle. */
export interface ReadBundleOptions extends ValidationOptions {
  /** Tighter or looser limits than BUNDLE_LIMITS. */
  limits?: Partial<BundleLimits>;
}

const EMPTY_CONTENTS: BundleContents = {
  permissions: [],
  userSchema: [],
  messageKeys: [],
  pageCataloging: [],
  webRoot: [],
  ignored: [],
  unrecognized: [],
};

const ZIP_MAGIC = [0x50, 0x4b]; // "PK": local file header or (empty archive) end of directory

function detectKind(bytes: Uint8Array): 'zip' | 'xml' | undefined {
  if (bytes[0] === ZIP_MAGIC[0] && bytes[1] === ZIP_MAGIC[1]) return 'zip';
  const head = Buffer.from(bytes.subarray(0, 64))
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  return head.trimStart().startsWith('<') ? 'xml' : undefined;
}

function decodeUtf8(bytes: Uint8Array, where: string, findings: Finding[]): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    findings.push(
      finding(
        'xml.encoding',
        where,
        'is not valid UTF-8; save it as UTF-8 (what plugin.xml declares).',
      ),
    );
    return undefined;
  }
}

function inspectXml(
  bytes: Uint8Array,
  options: ReadBundleOptions,
  limits: BundleLimits,
): BundleInspection {
  if (bytes.length > limits.maxPluginXmlBytes) {
    const message = `is ${formatBytes(bytes.length)}; pswb reads a plugin.xml of at most ${formatBytes(limits.maxPluginXmlBytes)}.`;
    return { bundle: null, findings: [finding('archive.limits', PLUGIN_XML_ENTRY, message)] };
  }
  const findings: Finding[] = [];
  const xml = decodeUtf8(bytes, PLUGIN_XML_ENTRY, findings);
  if (xml === undefined) return { bundle: null, findings };
  const parsed = readPluginXml(xml);
  const rules = parsed.definition ? validatePluginXmlRules(parsed.definition, options) : [];
  findings.push(...mergeFindings(parsed.findings, rules));
  if (!parsed.definition) return { bundle: null, findings };
  const bundle: ReadBundle = {
    definition: parsed.definition,
    entries: [PLUGIN_XML_ENTRY],
    kind: 'xml',
    contents: EMPTY_CONTENTS,
    findings,
  };
  return { bundle, findings };
}

async function readEntryText(
  zip: OpenZip,
  name: string,
  maxBytes: number,
  findings: Finding[],
): Promise<string | undefined> {
  try {
    return decodeUtf8(await zip.readEntry(name, maxBytes), `archive: ${name}`, findings);
  } catch (error) {
    if (error instanceof ZipEntryTooLargeError) {
      const message = `could not be read: ${error.message}; refused (limit ${formatBytes(maxBytes)}).`;
      findings.push(finding('archive.limits', `archive: ${name}`, message));
    } else {
      findings.push(
        finding(
          'archive.readable',
          `archive: ${name}`,
          `could not be read: ${(error as Error).message}.`,
        ),
      );
    }
    return undefined;
  }
}

async function readQueryFiles(
  zip: OpenZip,
  files: readonly string[],
  limits: BundleLimits,
  findings: Finding[],
): Promise<LocatedQuery[]> {
  const located: LocatedQuery[] = [];
  for (const entry of files) {
    const text = await readEntryText(zip, entry, limits.maxEntryBytes, findings);
    if (text === undefined) continue;
    const fileName = entry.slice(QUERIES_ROOT.length);
    const parsed = readNamedQueriesXml(text, fileName);
    findings.push(...parsed.findings);
    located.push(...locateQueries(parsed.queries, fileName));
  }
  return located;
}

async function readContents(
  zip: OpenZip,
  layout: BundleLayout,
  queryNames: ReadonlySet<string>,
  limits: BundleLimits,
  findings: Finding[],
): Promise<BundleContents> {
  const permissions: PermissionMapping[] = [];
  for (const entry of layout.permissionFiles) {
    const text = await readEntryText(zip, entry, limits.maxEntryBytes, findings);
    if (text === undefined) continue;
    const parsed = readPermissionMappings(text, entry, queryNames);
    findings.push(...parsed.findings);
    permissions.push(...parsed.mappings);
  }
  const userSchema: UserSchemaExtension[] = [];
  for (const entry of layout.userSchemaFiles) {
    const text = await readEntryText(zip, entry, limits.maxEntryBytes, findings);
    if (text === undefined) continue;
    const parsed = readUserSchema(text, entry);
    findings.push(...parsed.findings);
    if (parsed.extension) userSchema.push(parsed.extension);
  }
  const { messageKeys, pageCataloging, webRoot, ignored, unrecognized } = layout;
  return { permissions, userSchema, messageKeys, pageCataloging, webRoot, ignored, unrecognized };
}

async function inspectZipContents(
  zip: OpenZip,
  options: ReadBundleOptions,
  limits: BundleLimits,
): Promise<BundleInspection> {
  const layout = checkBundleLayout(zip.entries, limits);
  const structural = [...layout.findings];
  const xml = layout.pluginXml
    ? await readEntryText(zip, layout.pluginXml, limits.maxPluginXmlBytes, structural)
    : undefined;
  const parsed = xml === undefined ? { definition: null, findings: [] } : readPluginXml(xml);
  structural.push(...parsed.findings);
  const located = await readQueryFiles(zip, layout.queryFiles, limits, structural);
  const queryNames = new Set(located.map(({ query }) => query.name));
  const contents = await readContents(zip, layout, queryNames, limits, structural);
  const rules = validateQueries(located, resolveTargetVersion(options.psVersion));
  if (parsed.definition) {
    rules.push(...validatePluginXmlRules(parsed.definition, options));
    // Access gaps are a 403 for OAuth callers only; a plugin without <oauth> has none.
    if (parsed.definition.oauth) {
      rules.push(...validateQueryAccess(located, parsed.definition.accessRequest));
    }
  }
  const findings = mergeFindings(structural, rules);
  if (!parsed.definition) return { bundle: null, findings };
  const queries: QueryDefinition[] = located.map(({ query }) => query);
  const bundle: ReadBundle = {
    definition: { ...parsed.definition, queries },
    entries: zip.entries.map((entry) => entry.name),
    kind: 'zip',
    contents,
    findings,
  };
  return { bundle, findings };
}

async function inspectZip(
  bytes: Uint8Array,
  options: ReadBundleOptions,
  limits: BundleLimits,
): Promise<BundleInspection> {
  if (bytes.length > limits.maxArchiveBytes) {
    const message = `is ${formatBytes(bytes.length)}; pswb reads archives of at most ${formatBytes(limits.maxArchiveBytes)}.`;
    return { bundle: null, findings: [finding('archive.limits', 'archive', message)] };
  }
  let zip: OpenZip;
  try {
    zip = await openZip(bytes, limits.maxEntries);
  } catch (error) {
    if (error instanceof ZipEntryTooLargeError) {
      return {
        bundle: null,
        findings: [finding('archive.limits', 'archive', `${error.message}.`)],
      };
    }
    if (!(error instanceof ZipFormatError)) throw error;
    const message = `is not a readable zip archive: ${error.message}. Rebuild it with pswb plugin build or a standard zip tool.`;
    return { bundle: null, findings: [finding('archive.readable', 'archive', message)] };
  }
  try {
    return await inspectZipContents(zip, options, limits);
  } finally {
    zip.close();
  }
}

/**
 * Reads and checks a bundle (zip or bare plugin.xml) and returns every finding, refusals
 * included; `bundle` is null when no plugin.xml could be read. Throws PluginError only for an
 * unreadable `psVersion` option.
 */
export async function inspectBundle(
  bytes: Uint8Array,
  options: ReadBundleOptions = {},
): Promise<BundleInspection> {
  resolveTargetVersion(options.psVersion);
  const limits: BundleLimits = { ...BUNDLE_LIMITS, ...options.limits };
  const kind = detectKind(bytes);
  if (kind === 'zip') return inspectZip(bytes, options, limits);
  if (kind === 'xml') return inspectXml(bytes, options, limits);
  const message =
    'is neither a zip archive (which starts with "PK") nor a plugin.xml (which starts with "<"); pass the bundle .zip or its plugin.xml.';
  return { bundle: null, findings: [finding('bundle.kind', 'input', message)] };
}

/**
 * Reads a bundle as PowerSchool's installer would: returns it (with its warnings and notes)
 * when nothing is refused, else throws PluginError carrying every finding.
 */
export async function readBundle(
  bytes: Uint8Array,
  options: ReadBundleOptions = {},
): Promise<ReadBundle> {
  const { bundle, findings } = await inspectBundle(bytes, options);
  if (!bundle || findings.some((item) => item.level === 'refusal'))
    throw refusedBundleError(findings);
  return bundle;
}
