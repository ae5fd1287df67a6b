import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { CliError, UsageError, type Command } from '../cli/command.ts';
import { parseOptions, psVersionOption } from '../cli/parse-options.ts';
import { readBundle } from '../../plugin/bundle.ts';
import { BUNDLE_LIMITS, formatBytes } from '../../plugin/bundle-limits.ts';
import { formatBundleSummary } from '../../plugin/bundle-summary.ts';
import { formatViolations, PluginValidationError } from '../../plugin/validate.ts';

const OPTIONS = {
  json: { type: 'boolean' },
  'ps-version': { type: 'string' },
} as const;

/** The largest file inspect reads at all; readBundle then applies the finer limits. */
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

/** `pswb plugin inspect`: parses and validates any bundle in memory and describes it. */
export const pluginInspectCommand: Command = {
  name: 'plugin inspect',
  summary: 'Check any plugin bundle (.zip or plugin.xml) and show what it declares',
  help: `Usage: pswb plugin inspect <file.zip|plugin.xml> [--json] [--ps-version V]

Parses and validates a plugin bundle (ours or a vendor's) entirely in memory; nothing is
extracted or written. Prints the plugin's name, version, OAuth, v1 access level, the fields it
requests grouped by table and access, and its PowerQueries. Exits 1 listing every problem when
the bundle breaks a rule: no plugin.xml at the root, a wrapping folder, an entry path that
escapes the archive, malformed XML, sizes beyond the limits (archive ${formatBytes(BUNDLE_LIMITS.maxArchiveBytes)},
${BUNDLE_LIMITS.maxEntries} entries, ${formatBytes(BUNDLE_LIMITS.maxEntryBytes)} per entry, ${formatBytes(BUNDLE_LIMITS.maxTotalBytes)} in all, plugin.xml ${formatBytes(BUNDLE_LIMITS.maxPluginXmlBytes)}), or any installer rule.

Options:
  --json           print the bundle as JSON ({definition, entries, kind}); on failure print
                   {"violations": [...]} (default: a readable summary)
  --ps-version V   also apply the rules of PowerSchool version V, e.g. accessLevelV1Api is
                   refused before 25.2.0.0 (default: no version-specific rules)
  -h, --help       show this help

Example:
  pswb plugin inspect dist/navigate360-attendance-access-1.0.0-ps25.2.0.0.zip --ps-version 25.2.0.0
`,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, OPTIONS, { maxPositionals: 1 });
    const path = positionals[0];
    if (path === undefined)
      throw new UsageError('name the bundle to inspect: a .zip or a plugin.xml.');
    const psVersion = values['ps-version'];
    if (psVersion !== undefined) psVersionOption(psVersion);
    const bytes = await readInput(path);
    try {
      const bundle = await readBundle(bytes, psVersion === undefined ? {} : { psVersion });
      io.stdout(
        values.json ? JSON.stringify(bundle, null, 2) : formatBundleSummary(bundle, basename(path)),
      );
      return 0;
    } catch (error) {
      if (!(error instanceof PluginValidationError)) throw error;
      if (values.json) io.stdout(JSON.stringify({ violations: error.violations }, null, 2));
      throw new CliError(`${path}: ${formatViolations(error.violations)}`);
    }
  },
};
