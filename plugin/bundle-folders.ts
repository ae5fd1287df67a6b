/**
 * Sorts a bundle's files into the folders PowerSchool reads ("Plugin ZIP" page): queries_root/,
 * permissions_root/, user_schema_root/, MessageKeys/, pagecataloging/ and web_root/ (WEB_ROOT/
 * in the Database Extension guide). Per that guide, anything else is ignored by the installer,
 * which pswb reports as a note; macOS archive litter (__MACOSX/, .DS_Store) gets its own note.
 */
import { finding, type Finding } from './finding.ts';

/** A query file's name: anything, then this suffix (PowerSchool reads no other files there). */
export const NAMED_QUERIES_SUFFIX = '.named_queries.xml';

/** A permission mapping file's name suffix. */
export const PERMISSION_MAPPINGS_SUFFIX = '.permission_mappings.xml';

/** The entries of each documented folder, and the findings about where files sit. */
export interface FolderFiles {
  findings: Finding[];
  /** queries_root/*.named_queries.xml, sorted. */
  queryFiles: string[];
  /** permissions_root/*.permission_mappings.xml, sorted. */
  permissionFiles: string[];
  /** user_schema_root/*.xml, sorted. */
  userSchemaFiles: string[];
  messageKeys: string[];
  pageCataloging: string[];
  webRoot: string[];
  /** __MACOSX/ and .DS_Store entries. */
  ignored: string[];
  /** Files outside every documented folder. */
  unrecognized: string[];
}

type FolderKey =
  'queries' | 'permissions' | 'userSchema' | 'messageKeys' | 'pageCataloging' | 'webRoot';

/** Documented folder spellings; web_root is written both ways in PowerSchool's own pages. */
const FOLDERS: Record<string, FolderKey> = {
  queries_root: 'queries',
  permissions_root: 'permissions',
  user_schema_root: 'userSchema',
  MessageKeys: 'messageKeys',
  pagecataloging: 'pageCataloging',
  web_root: 'webRoot',
  WEB_ROOT: 'webRoot',
};

function isIgnored(name: string): boolean {
  const parts = name.split('/');
  return parts.includes('__MACOSX') || parts[parts.length - 1] === '.DS_Store';
}

function listSome(names: readonly string[]): string {
  const shown = names.slice(0, 3).join(', ');
  return names.length > 3 ? `${shown} and ${names.length - 3} more` : shown;
}

/** A flat folder of XML files with a fixed suffix (queries_root/, permissions_root/). */
function sortFlatFolder(
  name: string,
  folder: string,
  suffix: string,
  kind: 'queries' | 'permissions',
  into: { files: string[]; findings: Finding[] },
): void {
  const rest = name.slice(folder.length + 1);
  const where = `archive: ${name}`;
  const [location, fileName] =
    kind === 'queries'
      ? (['queries.file-location', 'queries.file-name'] as const)
      : (['permissions.file-location', 'permissions.file-name'] as const);
  if (rest.includes('/')) {
    const message = `is in a subfolder of ${folder}/; PowerSchool reads files directly under ${folder}/ and has refused subfolders ("Plugin file contains an unrecognized file"). Move it up.`;
    into.findings.push(finding(location, where, message));
  } else if (!rest.endsWith(suffix) || rest === suffix) {
    const message = `is not named NAME${suffix}, so PowerSchool ignores it; rename it or remove it.`;
    into.findings.push(finding(fileName, where, message));
  } else {
    into.files.push(name);
    if (kind === 'queries' && !rest.slice(0, -suffix.length).includes('.')) {
      const message = `file names share one server-wide namespace with every other plugin's; PowerSchool's docs recommend a namespaced name such as com.organization.product${suffix}.`;
      into.findings.push(finding('queries.file-namespace', where, message));
    }
  }
}

/** Sorts files into the documented folders; reports misplaced, miscased and ignored ones. */
export function sortFolderFiles(files: readonly string[]): FolderFiles {
  const out: FolderFiles = {
    findings: [],
    queryFiles: [],
    permissionFiles: [],
    userSchemaFiles: [],
    messageKeys: [],
    pageCataloging: [],
    webRoot: [],
    ignored: [],
    unrecognized: [],
  };
  const miscased = new Map<string, string>();
  for (const name of files) {
    if (name === 'plugin.xml') continue;
    if (isIgnored(name)) {
      out.ignored.push(name);
      continue;
    }
    const folder = name.includes('/') ? name.split('/')[0]! : '';
    const key = FOLDERS[folder];
    if (key === 'queries')
      sortFlatFolder(name, folder, NAMED_QUERIES_SUFFIX, 'queries', {
        files: out.queryFiles,
        findings: out.findings,
      });
    else if (key === 'permissions')
      sortFlatFolder(name, folder, PERMISSION_MAPPINGS_SUFFIX, 'permissions', {
        files: out.permissionFiles,
        findings: out.findings,
      });
    else if (key === 'userSchema')
      (name.toLowerCase().endsWith('.xml') ? out.userSchemaFiles : out.unrecognized).push(name);
    else if (key === 'messageKeys') out.messageKeys.push(name);
    else if (key === 'pageCataloging') out.pageCataloging.push(name);
    else if (key === 'webRoot') out.webRoot.push(name);
    else {
      const documented = Object.keys(FOLDERS).find(
        (known) => known.toLowerCase() === folder.toLowerCase(),
      );
      // A miscased folder is reported once, as such, not also as unrecognized.
      if (folder !== '' && documented) miscased.set(folder, documented);
      else out.unrecognized.push(name);
    }
  }
  for (const [folder, documented] of miscased) {
    const message = `folder names are case-sensitive (inferred): PowerSchool reads ${documented}/, so the files in ${folder}/ would be ignored. Rename the folder.`;
    out.findings.push(finding('archive.folder-case', `archive: ${folder}/`, message));
  }
  if (out.ignored.length > 0) {
    const message = `${out.ignored.length} entr${out.ignored.length === 1 ? 'y' : 'ies'} of macOS archive metadata (${listSome(out.ignored)}) ignored; zip with \`zip -X\` or remove them to keep the bundle clean.`;
    out.findings.push(finding('archive.ignored-entry', 'archive', message));
  }
  if (out.unrecognized.length > 0) {
    const message = `${listSome(out.unrecognized)} ${out.unrecognized.length === 1 ? 'is' : 'are'} outside the folders PowerSchool reads, so the installer ignores ${out.unrecognized.length === 1 ? 'it' : 'them'}.`;
    out.findings.push(finding('archive.unrecognized-entry', 'archive', message));
  }
  for (const list of [out.queryFiles, out.permissionFiles, out.userSchemaFiles]) list.sort();
  return out;
}
