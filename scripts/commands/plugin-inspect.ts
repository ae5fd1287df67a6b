import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { CliError, UsageError, type Command } from '../cli/command.ts';
import { parseOptions, psVersionOption } from '../cli/parse-options.ts';
import { inspectBundle, type BundleInspection } from '../../plugin/bundle-read.ts';
import { BUNDLE_LIMITS, formatBytes } from '../../plugin/bundle-limits.ts';
import { formatBundleSummary } from '../../plugin/bundle-summary.ts';
import {
  countFindings,
  describeCounts,
  failingFindings,
  formatFindings,
  sortFindings,
} from '../../plugin/finding.ts';

const OPTIONS = {
  json: { type: 'boolean' },
  strict: { type: 'boolean' },
  'ps-version': { type: 'string' },
} as const;

/** The largest file inspect reads at all; the reader then applies the finer limits. */
const MAX_INPUT_BYTES = Math.max(BUNDLE_LIMITS.maxArchiveBytes, BUNDLE_LIMITS.maxPluginXmlBytes);

async function readInput(path: string): Promise<Buffer> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    throw new CliError(`cannot read ${path}: no such file. Pass a bundle .zip or a plugin.xml.`);
  }
  if (size > MAX_INPUT_BYTES) {
    throw new CliError(
      `${path} is ${formatBytes(size)}; pswb inspects files of at most ${formatBytes(MAX_INPUT_BYTES)}. A plugin bundle is far smaller: check that this is the right file.`,
    );
  }
  return readFile(path);
}

/** The --json document: the bundle as read (null parts when unreadable) and every finding. */
function toJson(inspection: BundleInspection, strict: boolean): string {
  const { bundle, findings } = inspection;
  return JSON.stringify(
    {
      kind: bundle?.kind ?? null,
      definition: bundle?.definition ?? null,
      entries: bundle?.entries ?? [],
      contents: bundle?.contents ?? null,
      counts: countFindings(findings),
      passed: failingFindings(findings, { strict }).length === 0,
      findings: sortFindings(findings).map(({ level, rule, where, message, source }) => ({
        level,
        rule,
        where,
        message,
        source,
      })),
    },
    null,
    2,
  );
}

function verdict(path: string, inspection: BundleInspection, strict: boolean): string {
  const failing = failingFindings(inspection.findings, { strict });
  if (failing.length === 0) return `${path}: installable (${describeCounts(inspection.findings)}).`;
  const refused = failing.some((item) => item.level === 'refusal');
  return refused
    ? `${path}: PowerSchool would refuse this bundle (${describeCounts(inspection.findings)}).`
    : `${path}: fails --strict (${describeCounts(inspection.findings)}).`;
}

/** `pswb plugin inspect`: reads any bundle in memory, checks every rule and describes it. */
export const pluginInspectCommand: Command = {
  name: 'plugin inspect',
  help: `Usage: pswb plugin inspect <file.zip|plugin.xml> [--strict] [--json] [--ps-version V]

Reads a plugin bundle (ours or a vendor's) entirely in memory; nothing is extracted or written.
Prints the plugin's name, version, OAuth, v1 access level, the fields it requests grouped by
table and access, its PowerQueries, permission mappings, database extensions and other folders,
then every finding with its level and rule (docs/plugin.md lists every rule and its source):

  refusal  PowerSchool's installer refuses the bundle (the schema, documented MUSTs, zip
           safety): exit 1
  warning  documented advice (five-part query names, ORDER BY, element order, ...): exit 0,
           or exit 1 with --strict
  note     what happens at run time (a 403 on a field not requested, a query Data Export
           Manager will not list): shown, never failing

Limits: archive ${formatBytes(BUNDLE_LIMITS.maxArchiveBytes)}, ${BUNDLE_LIMITS.maxEntries} entries, ${formatBytes(BUNDLE_LIMITS.maxEntryBytes)} per entry, ${formatBytes(BUNDLE_LIMITS.maxTotalBytes)} in all, plugin.xml ${formatBytes(BUNDLE_LIMITS.maxPluginXmlBytes)}.

Options:
  --strict         warnings fail too (exit 1): for plugin authors' CI
  --json           print {kind, definition, entries, contents, counts, passed, findings}, each
                   finding with level, rule, where, message and source (default: a readable
                   summary and the findings)
  --ps-version V   also apply the rules of PowerSchool version V, e.g. accessLevelV1Api is
                   refused before 25.2.0.0 (default: no version-specific rules)
  -h, --help       show this help

Example:
  pswb plugin inspect dist/navigate360-attendance-access-1.0.0-ps25.2.0.0.zip --ps-version 25.2.0.0 --strict
`,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, OPTIONS, { maxPositionals: 1 });
    const path = positionals[0];
    if (path === undefined)
      throw new UsageError('name the bundle to inspect: a .zip or a plugin.xml.');
    const psVersion = values['ps-version'];
    if (psVersion !== undefined) psVersionOption(psVersion);
    const strict = values.strict === true;
    const inspection = await inspectBundle(
      await readInput(path),
      psVersion === undefined ? {} : { psVersion },
    );
    const failed = failingFindings(inspection.findings, { strict }).length > 0;
    if (values.json) {
      io.stdout(toJson(inspection, strict));
    } else {
      const summary = inspection.bundle
        ? formatBundleSummary(inspection.bundle, basename(path))
        : '';
      const findings =
        inspection.findings.length > 0 ? `Findings: ${formatFindings(inspection.findings)}\n` : '';
      io.stdout(`${summary}${findings}${verdict(path, inspection, strict)}`);
    }
    if (failed) io.stderr(verdict(path, inspection, strict));
    return failed ? 1 : 0;
  },
};
