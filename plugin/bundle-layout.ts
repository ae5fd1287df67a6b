/**
 * The archive rules of a plugin bundle, checked on entry names and declared sizes before
 * anything is inflated: plugin.xml at the root under exactly that name, no wrapping folder, no
 * path that leaves the archive, query files directly under queries_root/, sane sizes.
 * Facts: docs/powerschool-reference.md section 1 (PowerSchool's "Plugin ZIP" page).
 */
import { formatBytes, type BundleLimits } from './bundle-limits.ts';
import { NAMED_QUERIES_SUFFIX } from './named-queries-xml.ts';
import type { Violation } from './validate.ts';
import type { ZipEntryInfo } from './zip-read.ts';

/** The file PowerSchool reads first; exactly this name, at the root. */
export const PLUGIN_XML_ENTRY = 'plugin.xml';

/** The folder holding PowerQuery files, flat. */
export const QUERIES_ROOT = 'queries_root/';

/** What the layout check found: the violations and the entries worth reading. */
export interface BundleLayout {
  violations: Violation[];
  /** 'plugin.xml' when it is at the root and within its size limit. */
  pluginXml?: string;
  /** queries_root/*.named_queries.xml entries within their size limit, sorted. */
  queryFiles: string[];
}

function nameViolation(entry: ZipEntryInfo): string | undefined {
  const { name } = entry;
  if (name === '' || name.includes('\0'))
    return 'has an empty or NUL-containing name; rebuild the archive.';
  if (name.includes('\\'))
    return 'uses backslashes; zip paths use "/". Rebuild the archive with a standard zip tool.';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name))
    return 'is an absolute path; entries must be relative to the archive root.';
  if (name.split('/').includes('..'))
    return 'escapes the archive ("../"); every entry must stay inside it.';
  if (entry.encrypted)
    return 'is encrypted; PowerSchool cannot read encrypted entries. Zip without a password.';
  return undefined;
}

function checkNames(entries: readonly ZipEntryInfo[]): Violation[] {
  const violations: Violation[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const problem = nameViolation(entry);
    if (problem) violations.push({ where: `archive: ${entry.name}`, message: problem });
    if (seen.has(entry.name)) {
      violations.push({
        where: `archive: ${entry.name}`,
        message: 'appears twice; each path may appear once.',
      });
    }
    seen.add(entry.name);
  }
  return violations;
}

function missingPluginXml(files: readonly string[]): Violation {
  const nested = files.filter((name) => /^[^/]+\/plugin\.xml$/.test(name));
  if (nested.length > 0) {
    const folder = nested[0]!.split('/')[0];
    return {
      where: 'archive',
      message: `plugin.xml is inside the folder "${folder}/"; PowerSchool needs it at the root of the zip. Zip the folder's contents, not the folder (cd ${folder} && zip -r ../bundle.zip .).`,
    };
  }
  const miscased = files.find((name) => name.toLowerCase() === PLUGIN_XML_ENTRY);
  if (miscased) {
    return {
      where: `archive: ${miscased}`,
      message: 'must be named exactly plugin.xml (lower case); rename it.',
    };
  }
  return {
    where: 'archive',
    message:
      'has no plugin.xml at its root; a plugin bundle is a zip with plugin.xml at the root and optional folders such as queries_root/.',
  };
}

function checkQueryFiles(files: readonly string[]): {
  violations: Violation[];
  queryFiles: string[];
} {
  const violations: Violation[] = [];
  const queryFiles: string[] = [];
  for (const name of files) {
    const folder = name.split('/')[0]!;
    if (
      folder !== 'queries_root' &&
      folder.toLowerCase() === 'queries_root' &&
      name.includes('/')
    ) {
      violations.push({
        where: `archive: ${name}`,
        message: `folder names are case-sensitive: PowerSchool reads queries_root/, not ${folder}/. Rename the folder.`,
      });
      continue;
    }
    if (!name.startsWith(QUERIES_ROOT)) continue;
    const rest = name.slice(QUERIES_ROOT.length);
    if (rest.includes('/')) {
      violations.push({
        where: `archive: ${name}`,
        message:
          'is in a subfolder of queries_root/; PowerSchool reads only files directly under queries_root/. Move it up.',
      });
    } else if (!rest.endsWith(NAMED_QUERIES_SUFFIX) || rest === NAMED_QUERIES_SUFFIX) {
      violations.push({
        where: `archive: ${name}`,
        message: `is not a PowerQuery file; queries_root/ holds only files named NAME${NAMED_QUERIES_SUFFIX}.`,
      });
    } else queryFiles.push(name);
  }
  return { violations, queryFiles: queryFiles.sort() };
}

function checkSizes(entries: readonly ZipEntryInfo[], limits: BundleLimits): Violation[] {
  const violations: Violation[] = [];
  let total = 0;
  for (const entry of entries) {
    total += entry.uncompressedSize;
    const limit = entry.name === PLUGIN_XML_ENTRY ? limits.maxPluginXmlBytes : limits.maxEntryBytes;
    if (entry.uncompressedSize > limit) {
      violations.push({
        where: `archive: ${entry.name}`,
        message: `declares ${formatBytes(entry.uncompressedSize)} uncompressed; pswb reads at most ${formatBytes(limit)} for this entry. Nothing was inflated.`,
      });
    }
  }
  if (total > limits.maxTotalBytes) {
    violations.push({
      where: 'archive',
      message: `declares ${formatBytes(total)} uncompressed in all; pswb reads at most ${formatBytes(limits.maxTotalBytes)}. Nothing was inflated.`,
    });
  }
  return violations;
}

/** Checks entry names, folders and declared sizes; says which entries are safe to read. */
export function checkBundleLayout(
  entries: readonly ZipEntryInfo[],
  limits: BundleLimits,
): BundleLayout {
  const files = entries.filter((entry) => !entry.isDirectory).map((entry) => entry.name);
  const sizeViolations = checkSizes(entries, limits);
  const oversized = new Set(sizeViolations.map((violation) => violation.where));
  const overTotal = oversized.has('archive');
  const readable = (name: string): boolean => !overTotal && !oversized.has(`archive: ${name}`);
  const queries = checkQueryFiles(files);
  const hasPluginXml = files.includes(PLUGIN_XML_ENTRY);
  return {
    violations: [
      ...checkNames(entries),
      ...(hasPluginXml ? [] : [missingPluginXml(files)]),
      ...queries.violations,
      ...sizeViolations,
    ],
    ...(hasPluginXml && readable(PLUGIN_XML_ENTRY) ? { pluginXml: PLUGIN_XML_ENTRY } : {}),
    queryFiles: queries.queryFiles.filter(readable),
  };
}
