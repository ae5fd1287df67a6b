/**
 * The archive rules of a plugin bundle, checked on entry names and declared sizes before
 * anything is inflated: plugin.xml at the root, no path that leaves the archive, sane sizes,
 * and each entry sorted into the folder PowerSchool reads it from ("Plugin ZIP" page and the
 * Database Extension guide, which also says entries that do not conform are ignored).
 */
import { formatBytes, type BundleLimits } from './bundle-limits.ts';
import { finding, type Finding } from './finding.ts';
import { sortFolderFiles, type FolderFiles } from './bundle-folders.ts';
import type { ZipEntryInfo } from './zip-read.ts';

/** The file PowerSchool reads first; exactly this name, at the root. */
export const PLUGIN_XML_ENTRY = 'plugin.xml';

/** The folder holding PowerQuery files, flat. */
export const QUERIES_ROOT = 'queries_root/';

/** What the layout check found: the findings and the entries of each documented folder. */
export interface BundleLayout extends FolderFiles {
  findings: Finding[];
  /** 'plugin.xml' when it is at the root and within its size limit. */
  pluginXml?: string;
}

function nameProblem(entry: ZipEntryInfo): string | undefined {
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

function checkNames(entries: readonly ZipEntryInfo[]): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const problem = nameProblem(entry);
    const where = `archive: ${entry.name}`;
    if (problem) findings.push(finding('archive.entry-path', where, problem));
    if (seen.has(entry.name)) {
      findings.push(
        finding('archive.entry-path', where, 'appears twice; each path may appear once.'),
      );
    }
    seen.add(entry.name);
  }
  return findings;
}

function missingPluginXml(files: readonly string[]): Finding {
  const rule = 'archive.plugin-xml';
  const nested = files.filter((name) => /^[^/]+\/plugin\.xml$/.test(name));
  if (nested.length > 0) {
    const folder = nested[0]!.split('/')[0];
    const message = `plugin.xml is inside the folder "${folder}/"; PowerSchool needs it at the root of the zip. Zip the folder's contents, not the folder (cd ${folder} && zip -r ../bundle.zip .).`;
    return finding(rule, 'archive', message);
  }
  const miscased = files.find((name) => name.toLowerCase() === PLUGIN_XML_ENTRY);
  if (miscased) {
    return finding(
      rule,
      `archive: ${miscased}`,
      'must be named exactly plugin.xml (lower case); rename it.',
    );
  }
  const message =
    'has no plugin.xml at its root; a plugin bundle is a zip with plugin.xml at the root and optional folders such as queries_root/.';
  return finding(rule, 'archive', message);
}

function checkSizes(entries: readonly ZipEntryInfo[], limits: BundleLimits): Finding[] {
  const findings: Finding[] = [];
  let total = 0;
  for (const entry of entries) {
    total += entry.uncompressedSize;
    const limit = entry.name === PLUGIN_XML_ENTRY ? limits.maxPluginXmlBytes : limits.maxEntryBytes;
    if (entry.uncompressedSize > limit) {
      const message = `declares ${formatBytes(entry.uncompressedSize)} uncompressed; pswb reads at most ${formatBytes(limit)} for this entry. Nothing was inflated.`;
      findings.push(finding('archive.limits', `archive: ${entry.name}`, message));
    }
  }
  if (total > limits.maxTotalBytes) {
    const message = `declares ${formatBytes(total)} uncompressed in all; pswb reads at most ${formatBytes(limits.maxTotalBytes)}. Nothing was inflated.`;
    findings.push(finding('archive.limits', 'archive', message));
  }
  return findings;
}

/** Checks entry names, folders and declared sizes; says which entries are safe to read. */
export function checkBundleLayout(
  entries: readonly ZipEntryInfo[],
  limits: BundleLimits,
): BundleLayout {
  const files = entries.filter((entry) => !entry.isDirectory).map((entry) => entry.name);
  const sizeFindings = checkSizes(entries, limits);
  const oversized = new Set(sizeFindings.map((item) => item.where));
  const readable = (name: string): boolean =>
    !oversized.has('archive') && !oversized.has(`archive: ${name}`);
  const hasPluginXml = files.includes(PLUGIN_XML_ENTRY);
  // One finding per cause: an unsafe entry, or a file inside a wrapping folder, is reported as
  // such and not again as a file outside the folders PowerSchool reads.
  const wrapper = hasPluginXml
    ? undefined
    : files.find((name) => /^[^/]+\/plugin\.xml$/.test(name))?.split('/')[0];
  const unsafe = new Set(
    entries.filter((entry) => nameProblem(entry) !== undefined).map((entry) => entry.name),
  );
  const folders = sortFolderFiles(
    files.filter(
      (name) => !unsafe.has(name) && (wrapper === undefined || !name.startsWith(`${wrapper}/`)),
    ),
  );
  return {
    ...folders,
    queryFiles: folders.queryFiles.filter(readable),
    permissionFiles: folders.permissionFiles.filter(readable),
    userSchemaFiles: folders.userSchemaFiles.filter(readable),
    findings: [
      ...checkNames(entries),
      ...(hasPluginXml ? [] : [missingPluginXml(files)]),
      ...folders.findings,
      ...sizeFindings,
    ],
    ...(hasPluginXml && readable(PLUGIN_XML_ENTRY) ? { pluginXml: PLUGIN_XML_ENTRY } : {}),
  };
}
