/**
 * The one error class of plugin/: every failure carries a stable `code` callers can switch on,
 * a message saying what went wrong, and a `fix` saying what to do. A bundle the installer would
 * refuse also carries its findings.
 */
import { describeCounts, failingFindings, type Finding } from './finding.ts';
import type { RuleId } from './rules.ts';

/** Every code a PluginError can carry. */
export const PLUGIN_ERROR_CODES = [
  'not_a_bundle',
  'not_a_zip',
  'archive_too_large',
  'unsafe_entry_path',
  'no_plugin_xml',
  'malformed_xml',
  'not_utf8',
  'unknown_ps_version',
  'unsupported_ps_version',
  'plugin_refused',
  'bundle_not_clean',
] as const;
export type PluginErrorCode = (typeof PLUGIN_ERROR_CODES)[number];

/** Type guard for PluginErrorCode. */
export function isPluginErrorCode(value: unknown): value is PluginErrorCode {
  return typeof value === 'string' && (PLUGIN_ERROR_CODES as readonly string[]).includes(value);
}

/** What to do about each code, in one sentence. */
export const PLUGIN_ERROR_FIXES: Readonly<Record<PluginErrorCode, string>> = {
  not_a_bundle: 'Pass the plugin bundle .zip or its plugin.xml.',
  not_a_zip: 'Rebuild the archive with pswb plugin build or a standard zip tool.',
  archive_too_large: 'Check that this is the right file: a plugin bundle is a few KB to a few MB.',
  unsafe_entry_path: 'Rebuild the archive from a folder with relative paths, without a password.',
  no_plugin_xml:
    'Zip the folder holding plugin.xml from inside it, so plugin.xml sits at the root.',
  malformed_xml: 'Fix the XML at the line and column given (an editor with XML checking shows it).',
  not_utf8: 'Save the file as UTF-8.',
  unknown_ps_version: 'Give 1 to 4 dot-separated whole numbers, e.g. 24.11.0.0 or 25.2.0.0.',
  unsupported_ps_version: 'Build for PowerSchool 9.0.0 or later.',
  plugin_refused: 'Fix each refusal listed; warnings and notes do not stop an install.',
  bundle_not_clean:
    'Fix the contract in plugin/contract.ts until the bundle has no finding at all.',
};

/** A failure of plugin/: a stable code, what went wrong, what to do, and any findings. */
export class PluginError extends Error {
  override name = 'PluginError';
  readonly code: PluginErrorCode;
  readonly fix: string;
  readonly findings: readonly Finding[];

  constructor(
    code: PluginErrorCode,
    message: string,
    options: { fix?: string; findings?: readonly Finding[]; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.fix = options.fix ?? PLUGIN_ERROR_FIXES[code];
    this.findings = options.findings ?? [];
  }
}

/** The code a refusal of each rule reads as when it stands alone; others are plugin_refused. */
const REFUSAL_CODES: Partial<Record<RuleId, PluginErrorCode>> = {
  'bundle.kind': 'not_a_bundle',
  'archive.readable': 'not_a_zip',
  'archive.limits': 'archive_too_large',
  'archive.entry-path': 'unsafe_entry_path',
  'archive.plugin-xml': 'no_plugin_xml',
  'xml.well-formed': 'malformed_xml',
  'xml.doctype': 'malformed_xml',
  'xml.encoding': 'not_utf8',
};

/**
 * The error for a bundle with refusals: the specific code when every refusal has the same one
 * (e.g. no_plugin_xml), plugin_refused otherwise; all findings ride along.
 */
export function refusedBundleError(findings: readonly Finding[]): PluginError {
  const refusals = failingFindings(findings);
  const codes = new Set(refusals.map((item) => REFUSAL_CODES[item.rule] ?? 'plugin_refused'));
  const code = codes.size === 1 ? [...codes][0]! : 'plugin_refused';
  const first = refusals.length === 1 ? refusals[0]! : undefined;
  const message = first
    ? `${first.where}: ${first.message}`
    : `The plugin would be refused: ${describeCounts(findings)}.`;
  return new PluginError(code, message, { findings });
}
