/**
 * `npm run contract`: the PowerSchool contract suite against the in-process simulator (default)
 * or a district's server. Wiring only: options -> target -> contract/runner -> output.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Dispatcher } from 'undici';
import { isCalendarDate } from '../contract/district-date.ts';
import { isWriteMode, WRITE_MODES, type Facts, type WriteMode } from '../contract/facts.ts';
import { createFixtureRecorder } from '../contract/fixtures.ts';
import { contractInteractions } from '../contract/interactions.ts';
import { formatSummary } from '../contract/report.ts';
import { runContract, type ClientCredentials } from '../contract/runner.ts';
import { renderJunit } from '../contract/junit.ts';
import type { RunResult } from '../contract/result.ts';
import { ContractTargetError, parseRemoteBaseUrl } from '../contract/target.ts';
import { DEFAULT_PS_VERSION } from '../plugin/ps-version.ts';
import {
  CliError,
  processIO,
  runCommand,
  UsageError,
  type CliIO,
  type Command,
} from './cli/command.ts';
import { CREDENTIAL_ENV, describeMissing, givenCredentials } from './cli/credentials.ts';
import { parseIntegerOption, parseOptions, psVersionOption } from './cli/parse-options.ts';
import { EXIT_CODES } from './cli/report-error.ts';

const OPTIONS = {
  target: { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  junit: { type: 'string' },
  'ps-version': { type: 'string' },
  date: { type: 'string' },
  record: { type: 'string' },
  timeout: { type: 'string' },
  'allow-writes': { type: 'boolean' },
  'test-student-dcid': { type: 'string' },
  'test-school': { type: 'string' },
  'code-id': { type: 'string' },
  'write-mode': { type: 'string' },
} as const;

const HELP = `Usage: npm run contract -- [options]

Runs the PowerSchool contract suite: every request the connector depends on, each answer checked
against zod schemas written from the PowerSchool reference. Prints one line per interaction and
a summary. Read-only unless --allow-writes is given.

Options:
  --target <sim|URL>       sim: start the simulator in this process; or a PowerSchool server's
                           base URL, scheme and host only (no path, no trailing slash)
                                                                        default: sim
  --client-id <id>         the plugin's Client ID, with a URL target    default: $${CREDENTIAL_ENV.clientId},
                                                                        else the saved connection
  --client-secret <s>      its Client Secret                            default: $${CREDENTIAL_ENV.clientSecret},
                                                                        else the saved connection
  --data-dir <dir>         where pswb connect saved the connection (used when its URL is the
                           target and no credentials are given)         default: $PSWB_DATA_DIR, else ./data
  --json                   print the run as one JSON document instead of lines
  --junit <file>           also write the run as JUnit XML (for CI test reports)
  --ps-version <version>   the simulator's PowerSchool version profile (sim only)
                                                                        default: ${DEFAULT_PS_VERSION}
  --date <YYYY-MM-DD>      the date for date-based queries (and the write check)
                                                                        default: today in the district's time zone
  --record <dir>           save every answer as a JSON fixture in <dir>, with the token, client
                           id and secret, and students' names redacted  default: off
  --timeout <ms>           per-request timeout, 1000 to 300000          default: 30000
  --allow-writes           also post ONE attendance record for the named test student; needs
                           --test-student-dcid, --test-school, --date and --code-id
                                                                        default: off (read-only)
  --test-student-dcid <n>  STUDENTS.DCID of the test student            (with --allow-writes)
  --test-school <n>        SCHOOLS.SCHOOL_NUMBER of the test student's school (with --allow-writes)
  --code-id <n>            ATTENDANCE_CODE.ID to record, a code of that school and year
                                                                        (with --allow-writes)
  --write-mode <mode>      ${WRITE_MODES.join(' or ')}: the test school's attendance recording method
                                                                        default: daily
  -h, --help               this text

Credentials, with a URL target, as pswb connect takes them: --client-id and --client-secret, else
${CREDENTIAL_ENV.clientId} and ${CREDENTIAL_ENV.clientSecret}, else the connection pswb connect saved for
that URL. They are never printed. Exit code 0 when every interaction passes, 1 when any fails,
2 on a usage error, 4 when the target does not answer at all.

Examples:
  npm run contract
  npm run contract -- --ps-version 24.11.0.0 --junit reports/contract.xml
  ${CREDENTIAL_ENV.clientId}=... ${CREDENTIAL_ENV.clientSecret}=... npm run contract -- --target https://district-test.powerschool.com --record contract-fixtures
  npm run contract -- --target https://district-test.powerschool.com --allow-writes \\
    --test-student-dcid 4321 --test-school 100 --date 2025-10-29 --code-id 501

See docs/contract-testing.md.
`;

interface Target {
  baseUrl: string;
  credentials: ClientCredentials;
  description: string;
  close: () => Promise<void>;
}

/** The part of simulator/server.ts's RunningSimulator the suite uses. */
export interface SimulatorHandle {
  url: string;
  /** Absent only when the simulator was started without the plugin. */
  plugin?: ClientCredentials;
  close: () => Promise<void>;
}

/** The part of simulator/server.ts's startSimulator the suite uses. */
export type SimulatorStarter = (options: {
  port: number;
  seed: string;
  psVersion: string;
  /** null: in memory only, so a run never touches (or is refused by) data/simulator.json. */
  dataPath: null;
  log: (line: string) => void;
}) => Promise<SimulatorHandle>;

async function loadSimulatorStarter(): Promise<SimulatorStarter> {
  // Loaded on demand: a run against a real server never loads the simulator.
  const { startSimulator } = await import('../simulator/server.ts');
  return startSimulator;
}

/** Starts the simulator on a free port with the demo district and the plugin installed. */
async function startSimulatorTarget(
  psVersion: string,
  io: CliIO,
  starter?: SimulatorStarter,
): Promise<Omit<Target, 'description'>> {
  const start = starter ?? (await loadSimulatorStarter());
  const sim = await start({ port: 0, seed: 'demo', psVersion, dataPath: null, log: io.stderr });
  if (!sim.plugin) {
    await sim.close();
    throw new CliError(
      'the simulator started without the plugin installed, so it has no credentials.',
    );
  }
  return {
    baseUrl: sim.url.replace(/\/+$/, ''),
    credentials: { clientId: sim.plugin.clientId, clientSecret: sim.plugin.clientSecret },
    close: () => sim.close(),
  };
}

/** A saved connection's URL and credentials. */
export interface SavedConnection {
  url: string;
  clientId: string;
  clientSecret: string;
}

/** What the verb needs from outside; tests replace the simulator, environment or transport. */
export interface ContractDeps {
  env: Record<string, string | undefined>;
  /** Reads the connection pswb connect saved (default: the data directory's settings). */
  savedConnection?: (
    dataDir: string | undefined,
    env: Record<string, string | undefined>,
  ) => Promise<SavedConnection | undefined>;
  startSimulator?: SimulatorStarter;
  dispatcher?: Dispatcher;
}

type Values = ReturnType<typeof parseOptions<typeof OPTIONS>>['values'];

const WRITE_ONLY_OPTIONS = ['test-student-dcid', 'test-school', 'code-id', 'write-mode'] as const;

/** The facts the caller pins and the write mode, from the options; UsageError when inconsistent. */
function planRun(values: Values): { pinned: Partial<Facts>; writeMode?: WriteMode } {
  const pinned: Partial<Facts> = {};
  if (values.date !== undefined) {
    if (!isCalendarDate(values.date)) {
      throw new UsageError(`--date must be a date written YYYY-MM-DD; got "${values.date}".`);
    }
    pinned.attDate = values.date;
  }
  if (!values['allow-writes']) {
    const stray = WRITE_ONLY_OPTIONS.filter((name) => values[name] !== undefined);
    if (stray.length) {
      throw new UsageError(`--${stray.join(', --')} only apply with --allow-writes.`);
    }
    return { pinned };
  }
  const required = ['test-student-dcid', 'test-school', 'date', 'code-id'] as const;
  const missing = required.filter((name) => values[name] === undefined);
  if (missing.length) {
    throw new UsageError(
      `--allow-writes posts a real attendance record, so it needs a named test student: add --${missing.join(', --')}.`,
    );
  }
  const whole = (name: (typeof required)[number]): number =>
    parseIntegerOption(name, values[name], 0, { min: 1, max: 2_147_483_647 });
  pinned.testStudentDcid = whole('test-student-dcid');
  pinned.testSchoolNumber = String(whole('test-school'));
  pinned.codeId = whole('code-id');
  const mode = values['write-mode'] ?? 'daily';
  if (!isWriteMode(mode)) {
    throw new UsageError(`--write-mode must be ${WRITE_MODES.join(' or ')}; got "${mode}".`);
  }
  return { pinned, writeMode: mode };
}

async function openTarget(values: Values, io: CliIO, deps: ContractDeps): Promise<Target> {
  const target = values.target ?? 'sim';
  if (target === 'sim') {
    const psVersion = values['ps-version'] ?? DEFAULT_PS_VERSION;
    psVersionOption(psVersion);
    const sim = await startSimulatorTarget(psVersion, io, deps.startSimulator);
    return { ...sim, description: `the simulator (PowerSchool ${psVersion}) at ${sim.baseUrl}` };
  }
  if (values['ps-version'] !== undefined) {
    throw new UsageError('--ps-version only applies to --target sim; a server reports its own.');
  }
  const baseUrl = parseRemoteBaseUrl(target);
  const credentials = await targetCredentials(values, baseUrl, deps);
  return { baseUrl, credentials, description: baseUrl, close: async () => {} };
}

/** Flags, else environment, else the connection pswb connect saved for this very URL. */
async function targetCredentials(
  values: Values,
  baseUrl: string,
  deps: ContractDeps,
): Promise<ClientCredentials> {
  const given = givenCredentials(values, deps.env);
  if (given.clientId && given.clientSecret) {
    return { clientId: given.clientId, clientSecret: given.clientSecret };
  }
  const saved = await (deps.savedConnection ?? readSavedConnection)(values['data-dir'], deps.env);
  if (saved && saved.url === baseUrl) {
    return {
      clientId: given.clientId ?? saved.clientId,
      clientSecret: given.clientSecret ?? saved.clientSecret,
    };
  }
  const missing = describeMissing(given, ['clientId', 'clientSecret']);
  throw new ContractTargetError(
    `${missing} must be given to run against ${baseUrl}${saved ? ` (the saved connection is for ${saved.url})` : ''}. Copy the Client ID and Client Secret from the plugin's Data Provider Configuration page in PowerSchool (System Management > Server > Plugin Configuration > Navigate360 Attendance Access > Data Provider Configuration), or save the connection with pswb connect.`,
  );
}

/** The connection pswb connect saved in the data directory, if any (nothing is created). */
async function readSavedConnection(
  dataDir: string | undefined,
  env: Record<string, string | undefined>,
): Promise<SavedConnection | undefined> {
  const { SettingsStore } = await import('../connector/index.ts');
  const settings = await SettingsStore.openDataDir(resolve(dataDir ?? env.PSWB_DATA_DIR ?? 'data'));
  return settings.get().connection;
}

async function runVerb(argv: string[], io: CliIO, deps: ContractDeps): Promise<number> {
  const { values } = parseOptions(argv, OPTIONS);
  const plan = planRun(values);
  const timeoutMs = parseIntegerOption('timeout', values.timeout, 30_000, {
    min: 1000,
    max: 300_000,
  });
  let target: Target;
  try {
    target = await openTarget(values, io, deps);
  } catch (error) {
    if (error instanceof ContractTargetError) throw new UsageError(error.message);
    throw error;
  }
  try {
    const mode = plan.writeMode
      ? `writes allowed: one ${plan.writeMode} record for student DCID ${plan.pinned.testStudentDcid}`
      : 'read-only';
    io.stderr(`contract: checking ${target.description} (${mode})`);
    const recorder = values.record
      ? countingRecorder(
          createFixtureRecorder(
            values.record,
            `Recorded from ${target.description} by npm run contract on ${new Date().toISOString()}.`,
          ),
        )
      : undefined;
    const run = await runContract({
      baseUrl: target.baseUrl,
      credentials: target.credentials,
      interactions: contractInteractions(plan.writeMode ? { writeMode: plan.writeMode } : {}),
      pinned: plan.pinned,
      allowWrites: plan.writeMode !== undefined,
      timeoutMs,
      ...(values.json ? {} : { print: (line: string) => io.stdout(line) }),
      ...(deps.dispatcher ? { dispatcher: deps.dispatcher } : {}),
      ...(recorder ? { record: recorder.record } : {}),
    });
    if (values.junit) await writeFile(values.junit, renderJunit(run, target.description));
    if (run.unreachable !== undefined) {
      throw new CliError(
        `${target.description} did not answer: ${run.unreachable}`,
        EXIT_CODES.powerschool,
        'Check the URL and that the server is up and reachable from here; nothing was checked.',
      );
    }
    if (values.json) io.stdout(JSON.stringify(toJsonReport(run, target.description), null, 2));
    else io.stdout(formatSummary(run));
    if (recorder) {
      io.stderr(
        recorder.written() > 0
          ? `contract: ${recorder.written()} fixture(s) written to ${values.record}`
          : `contract: no fixture written (no interaction got an answer to record)`,
      );
    }
    return run.failed > 0 ? EXIT_CODES.failures : EXIT_CODES.ok;
  } finally {
    await target.close();
  }
}

/** The run for --json: the target, the counts and every interaction's result. */
function toJsonReport(run: RunResult, target: string): unknown {
  const { results, passed, failed, skipped } = run;
  return { target, passed, failed, skipped, results };
}

/** A recorder that counts the fixtures it wrote, so the verb never claims more. */
function countingRecorder(write: NonNullable<Parameters<typeof runContract>[0]['record']>): {
  record: typeof write;
  written: () => number;
} {
  let written = 0;
  return {
    record: async (exchange) => {
      await write(exchange);
      written += 1;
    },
    written: () => written,
  };
}

/** The contract suite as a Command, so `pswb` can list it too; deps are injectable for tests. */
export function createContractCommand(deps: ContractDeps = { env: process.env }): Command {
  return {
    name: 'contract',
    help: HELP,
    run: (argv, io) => runVerb(argv, io, deps),
  };
}

/** `npm run contract -- [options]`: resolves to the exit code. */
export async function main(
  argv: string[],
  io: CliIO = processIO,
  deps: ContractDeps = { env: process.env },
): Promise<number> {
  return runCommand(createContractCommand(deps), argv, io, {
    label: 'contract',
    helpHint: 'Run npm run contract -- --help.',
  });
}
