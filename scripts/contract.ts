/**
 * `npm run contract`: the PowerSchool contract suite against the in-process simulator (default)
 * or a district's server. Wiring only: options -> target -> contract/runner -> output.
 */
import type { Dispatcher } from 'undici';
import { isCalendarDate } from '../contract/district-date.ts';
import { isWriteMode, WRITE_MODES, type Facts, type WriteMode } from '../contract/facts.ts';
import { createFixtureRecorder } from '../contract/fixtures.ts';
import { contractInteractions } from '../contract/interactions.ts';
import { formatSummary } from '../contract/report.ts';
import { runContract, type ClientCredentials } from '../contract/runner.ts';
import { ContractTargetError, credentialsFromEnv, parseRemoteBaseUrl } from '../contract/target.ts';
import { DEFAULT_PS_VERSION } from '../plugin/ps-version.ts';
import {
  CliError,
  processIO,
  runCommand,
  UsageError,
  type CliIO,
  type Command,
} from './cli/command.ts';
import { parseIntegerOption, parseOptions, psVersionOption } from './cli/parse-options.ts';

const OPTIONS = {
  target: { type: 'string' },
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
a summary. Exit code 0 when every interaction passes, 1 when any fails, 2 on a usage error.
Read-only unless --allow-writes is given.

Options:
  --target <sim|URL>       sim: start the simulator in this process; or a PowerSchool server's
                           base URL, scheme and host only (no path, no trailing slash)
                                                                        default: sim
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

Environment, with a URL target: PS_CLIENT_ID and PS_CLIENT_SECRET, the Client ID and Client
Secret from the plugin's Data Provider Configuration page. They are never printed.

Examples:
  npm run contract
  npm run contract -- --ps-version 24.11.0.0
  PS_CLIENT_ID=... PS_CLIENT_SECRET=... npm run contract -- --target https://district-test.powerschool.com --record contract-fixtures
  PS_CLIENT_ID=... PS_CLIENT_SECRET=... npm run contract -- --target https://district-test.powerschool.com \\
    --allow-writes --test-student-dcid 4321 --test-school 100 --date 2025-10-29 --code-id 501

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

/** What the verb needs from outside; tests replace the simulator, environment or transport. */
export interface ContractDeps {
  env: Record<string, string | undefined>;
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
  const credentials = credentialsFromEnv(deps.env, baseUrl);
  return { baseUrl, credentials, description: baseUrl, close: async () => {} };
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
    const run = await runContract({
      baseUrl: target.baseUrl,
      credentials: target.credentials,
      interactions: contractInteractions(plan.writeMode ? { writeMode: plan.writeMode } : {}),
      pinned: plan.pinned,
      allowWrites: plan.writeMode !== undefined,
      timeoutMs,
      print: (line) => io.stdout(line),
      ...(deps.dispatcher ? { dispatcher: deps.dispatcher } : {}),
      ...(values.record
        ? {
            record: createFixtureRecorder(
              values.record,
              `Recorded from ${target.description} by npm run contract on ${new Date().toISOString()}.`,
            ),
          }
        : {}),
    });
    io.stdout(formatSummary(run));
    if (values.record) io.stderr(`contract: fixtures written to ${values.record}`);
    return run.failed > 0 ? 1 : 0;
  } finally {
    await target.close();
  }
}

/** The contract suite as a Command, so `pswb` can list it too; deps are injectable for tests. */
export function createContractCommand(deps: ContractDeps = { env: process.env }): Command {
  return {
    name: 'contract',
    summary: 'Check PowerSchool (or the simulator) against the contract the connector relies on',
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
