import { parseArgs } from 'node:util';
import { parsePsVersion, PsVersionError, type PsVersion } from '../../plugin/ps-version.ts';
import { UsageError } from './command.ts';

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
    const valid = Object.keys(spec)
      .map((name) => `--${name}`)
      .join(', ');
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UsageError(`${reason}. Valid options: ${valid || '(none)'}, --help.`);
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
  try {
    return parsePsVersion(raw);
  } catch (error) {
    if (error instanceof PsVersionError) throw new UsageError(`--ps-version: ${error.message}`);
    throw error;
  }
}
