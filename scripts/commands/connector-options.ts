/**
 * Options and error handling shared by the connector verbs (connect, schools, codes import,
 * writeback send/logs/replay): wiring only, the behaviour lives in connector/.
 */
import { userInfo } from 'node:os';
import {
  ConnectorError,
  PowerSchoolError,
  formatPowerSchoolError,
  openWorkspace,
  parseActor,
  type Actor,
  type NewAuditEntry,
  type Workspace,
  type WritebackStore,
} from '../../connector/index.ts';
import { isCalendarDate } from '../../contract/district-date.ts';
import { CliError, UsageError } from '../cli/command.ts';
import { EXIT_CODES } from '../cli/report-error.ts';
import type { OptionSpec } from '../cli/parse-options.ts';

/** --data-dir, --as and --json: every connector verb takes them. */
export const COMMON_OPTIONS = {
  'data-dir': { type: 'string' },
  as: { type: 'string' },
  json: { type: 'boolean' },
} as const satisfies OptionSpec;

/** The help lines for COMMON_OPTIONS. */
export const COMMON_HELP = `  --data-dir DIR     Where settings and the log live (default: $PSWB_DATA_DIR, else ./data)
  --as WHO           Act as "district" (a district admin, default) or "building:101,102"
                     (a building admin assigned to those schools)
  --json             Print JSON instead of text (the Client Secret is always redacted)`;

/** The actor named by --as; a bad value is a usage error. */
export function actorOption(value: string | undefined): Actor {
  try {
    return parseActor(value);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Splits "101,102" into numbers; throws a usage error naming the flag. */
export function numberListOption(name: string, value: string): number[] {
  const parts = value.split(',').map((part) => part.trim());
  if (parts.some((part) => !/^\d+$/.test(part))) {
    throw new UsageError(
      `--${name} takes school numbers separated by commas, e.g. 101,102; got "${value}".`,
    );
  }
  return parts.map(Number);
}

/** Throws a usage error unless value is written YYYY-MM-DD (the form the log stores dates in). */
export function dateOption(name: string, value: string | undefined): void {
  if (value !== undefined && !isCalendarDate(value)) {
    throw new UsageError(`--${name} must be a calendar date, YYYY-MM-DD; got "${value}".`);
  }
}

export { choiceOption } from '../cli/parse-options.ts';

/** Opens the data directory, runs the verb, closes it; connector failures become CLI errors. */
export async function withWorkspace(
  dataDir: string | undefined,
  work: (workspace: Workspace) => Promise<number>,
  connector: { concurrency?: number } = {},
): Promise<number> {
  let workspace: Workspace | undefined;
  try {
    workspace = await openWorkspace({
      ...(dataDir !== undefined ? { dataDir } : {}),
      ...connector,
    });
    return await work(workspace);
  } catch (error) {
    throw toCliError(error);
  } finally {
    workspace?.close();
  }
}

/**
 * Maps connector failures to what the dispatcher prints: a bad filter flag is a usage error; a
 * failed PowerSchool call is shown in the guide's format (exit 4); any other ConnectorError is
 * printed as it is, with its code and fix (exit 3).
 */
export function toCliError(error: unknown): unknown {
  if (error instanceof PowerSchoolError) {
    return new CliError(formatPowerSchoolError(error), EXIT_CODES.powerschool, error.fix);
  }
  if (error instanceof ConnectorError && error.code === 'invalid_filter') {
    return new UsageError(error.message);
  }
  return error;
}

/** Who the audit log names for a change made with the CLI: cli:<OS user name>, else cli. */
export function cliActor(): string {
  try {
    const { username } = userInfo();
    return username ? `cli:${username}` : 'cli';
  } catch {
    // No user name for this uid (a container's arbitrary user): the CLI, unnamed.
    return 'cli';
  }
}

/** Records a change made with the CLI in the audit log: by cliActor(), at `at` or now. */
export function auditCliChange(
  store: WritebackStore,
  entry: Omit<NewAuditEntry, 'actor' | 'at'> & { at?: Date | string },
): void {
  store.audit.record({ ...entry, at: entry.at ?? new Date(), actor: cliActor() });
}

/** JSON for stdout, two-space indented. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
