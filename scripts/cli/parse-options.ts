import { parseArgs } from 'node:util';
import {
  FEATURE_SINCE,
  PsVersionError,
  SUPPORTED_PS_VERSIONS,
  hasFeature,
  parsePsVersion,
  type PsVersion,
} from '../../plugin/ps-version.ts';
import { UsageError } from './command.ts';
import { didYouMean } from './suggest.ts';

/** The option table a verb accepts, in node:util parseArgs' form. */
export type OptionSpec = Record<
  string,
  { type: 'string' | 'boolean'; short?: string; multiple?: boolean; default?: string | boolean }
>;

export interface ParsedOptions<S extends OptionSpec> {
  values: { [K in keyof S]?: S[K]['type'] extends 'boolean' ? boolean : string };
  positionals: string[];
}

/**
 * Parses a verb's arguments strictly: an unknown option, a missing value or a stray positional
 * becomes a UsageError that names the valid options.
 */
export function parseOptions<S extends OptionSpec>(
  argv: string[],
  spec: S,
  { maxPositionals = 0 }: { maxPositionals?: number } = {},
): ParsedOptions<S> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...spec, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const flags = Object.keys(spec).map((name) => `--${name}`);
    const reason = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    // "Unknown option '--shcool'": point at the nearest real option.
    const unknown = /Unknown option '(--?[^']+)'/.exec(reason)?.[1];
    const hint = unknown ? didYouMean(unknown.split('=')[0]!, flags) : '';
    throw new UsageError(
      `${reason.replace(/\. To specify a positional argument.*$/, '')}.${hint} Valid options: ${flags.join(', ') || '(none)'}, --help.`,
    );
  }
  if (parsed.positionals.length > maxPositionals) {
    const extra = parsed.positionals.slice(maxPositionals).join(' ');
    throw new UsageError(`unexpected argument(s): ${extra}.`);
  }
  return parsed as unknown as ParsedOptions<S>;
}

/** Reads an integer option within bounds, or throws a UsageError naming the valid range. */
export function parseIntegerOption(
  name: string,
  raw: string | undefined,
  fallback: number,
  { min, max }: { min: number; max: number },
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}; got "${raw}".`);
  }
  return value;
}

/** Parses a --ps-version value; a malformed one is a UsageError naming the valid form. */
export function psVersionOption(raw: string): PsVersion {
  let version: PsVersion;
  try {
    version = parsePsVersion(raw);
  } catch (error) {
    if (error instanceof PsVersionError) throw new UsageError(`--ps-version: ${error.message}`);
    throw error;
  }
  // Before 9.0.0 PowerSchool had no attendance write endpoints (FEATURE_SINCE.attendanceWrites).
  if (!hasFeature(version, 'attendanceWrites')) {
    throw new UsageError(
      `--ps-version ${raw} is older than PowerSchool ${FEATURE_SINCE.attendanceWrites}, which first had the attendance write endpoints. Profiles pswb knows: ${SUPPORTED_PS_VERSIONS.join(', ')}.`,
    );
  }
  return version;
}

/**
 * The valid value the option names, matched without regard to case ("Daily" is daily); a
 * UsageError listing the valid values (and the nearest one) otherwise.
 */
export function choiceOption<T extends string>(
  name: string,
  value: string,
  valid: readonly T[],
): T {
  const found = valid.find((candidate) => candidate.toLowerCase() === value.trim().toLowerCase());
  if (found !== undefined) return found;
  throw new UsageError(
    `--${name} "${value}" is not valid.${didYouMean(value, valid)} Valid: ${valid.join(', ')}.`,
  );
}

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Reads an ISO-8601 instant with Z or an offset. A date that does not exist (2026-02-30, which
 * Date would roll over to March) or a time past 23:59:59 is a UsageError, not another instant.
 */
export function isoInstantOption(name: string, raw: string): Date {
  const match = ISO_INSTANT.exec(raw.trim());
  const refuse = (): never => {
    throw new UsageError(
      `--${name} must be a real ISO-8601 instant with Z or an offset, such as 2026-10-14T13:47:00Z; got "${raw}".`,
    );
  };
  if (!match) return refuse();
  const [year, month, day, hour, minute, second] = match
    .slice(1, 7)
    .map((part) => Number(part ?? 0));
  const probe = new Date(Date.UTC(year!, month! - 1, day!));
  const realDay = probe.getUTCMonth() === month! - 1 && probe.getUTCDate() === day;
  if (!realDay || hour! > 23 || minute! > 59 || second! > 59) return refuse();
  const instant = new Date(raw.trim());
  return Number.isNaN(instant.getTime()) ? refuse() : instant;
}
