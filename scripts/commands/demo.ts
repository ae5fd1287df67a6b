import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DISTRICT_ADMIN,
  LOG_DB_FILE,
  SETTINGS_FILE,
  openWorkspace,
  readLogPage,
  renderLogTable,
  type Connector,
} from '../../connector/index.ts';
import {
  DEMO_REASONS,
  DemoConnectionError,
  connectDemoDistrict,
} from '../../repro/demo-connection.ts';
import { districtInstant } from '../../repro/check-ins.ts';
import { DEMO_FACTS } from '../../simulator/seeds/demo-facts.ts';
import { startSimulator, type RunningSimulator } from '../../simulator/server.ts';
import { createApiKey, startService, type RunningService } from '../../service/index.ts';
import { CliError, type CliIO, type Command } from '../cli/command.ts';
import { parseIntegerOption, parseOptions } from '../cli/parse-options.ts';

const OPTIONS = {
  port: { type: 'string' },
  'api-port': { type: 'string' },
  host: { type: 'string' },
  'data-dir': { type: 'string' },
  'ps-version': { type: 'string' },
  once: { type: 'boolean' },
} as const;

const { students, dates, meetingBell } = DEMO_FACTS;
/** Seconds since midnight -> the ISO instant of that wall-clock time on the demo's school day. */
const onDemoDay = (seconds: number): string => districtInstant(dates.inSession, seconds);

type DemoStudent = (typeof students)[keyof typeof students];
/** The event's student, with the grade the demo seed gives (or `grade` where it gives none). */
const studentOf = (student: DemoStudent, grade?: string) => ({
  dcid: String(student.dcid),
  name: `${student.firstName} ${student.lastName}`,
  grade: 'gradeLevel' in student ? String(student.gradeLevel) : (grade ?? ''),
  schoolNumber: student.schoolNumber,
});

/** The demo's events: one success per attendance mode, then two documented failures. */
export function demoEvents(): Record<string, unknown>[] {
  return [
    {
      id: 'demo-daily-late',
      type: 'late_checkin',
      student: studentOf(students.daily),
      occurredAt: onDemoDay(8 * 3600 + 40 * 60),
      reason: 'T',
      comment: 'Dentist appointment',
    },
    {
      id: 'demo-time-late',
      type: 'late_checkin',
      student: studentOf(students.time),
      occurredAt: onDemoDay(9 * 3600 + 15 * 60),
      reason: 'T',
    },
    {
      id: 'demo-meeting-late',
      type: 'late_checkin',
      student: studentOf(students.meeting),
      occurredAt: onDemoDay(meetingBell.periods[2].start + 10 * 60),
      reason: 'T',
    },
    {
      id: 'demo-meeting-early',
      type: 'early_checkout',
      student: studentOf(students.meeting),
      occurredAt: onDemoDay(meetingBell.periods[6].start + 20 * 60),
      reason: 'ED',
    },
    {
      // Lucas dropped period 4: no class at this time -> "Could not find student's period."
      id: 'demo-free-period',
      type: 'late_checkin',
      student: studentOf(students.freePeriod, '11'),
      occurredAt: onDemoDay(students.freePeriod.freeTime + 5 * 60),
      reason: 'T',
    },
    {
      // Noah left the school on 2026-10-03 -> PowerSchool: "... isn't enrolled on 10/14/2026."
      id: 'demo-not-enrolled',
      type: 'early_checkout',
      student: studentOf(students.exited, '4'),
      occurredAt: onDemoDay(13 * 3600),
      reason: 'ED',
    },
  ];
}

/** Saves the connection, sets one school per mode and maps this year's codes as reasons. */
async function configureConnector(
  sim: RunningSimulator,
  dataDir: string,
): Promise<{ connector: Connector; close: () => void }> {
  // The demo directory is the demo's own: start it empty so every run shows the same story.
  await rm(join(dataDir, LOG_DB_FILE), { force: true });
  await rm(join(dataDir, SETTINGS_FILE), { force: true });
  const workspace = await openWorkspace({ dataDir });
  try {
    const connector = await connectDemoDistrict(sim, {
      settings: workspace.settings,
      reasons: DEMO_REASONS,
      open: () => workspace.connector(),
    });
    return { connector, close: () => workspace.close() };
  } catch (error) {
    workspace.close();
    throw error instanceof DemoConnectionError ? new CliError(error.message) : error;
  }
}

function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    const done = (signal: string): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve(signal);
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

/** The demo's API key: a new one each run, for the whole district. */
async function demoKey(dataDir: string): Promise<string> {
  const workspace = await openWorkspace({ dataDir });
  try {
    return createApiKey(workspace, { name: 'pswb demo' }).key;
  } finally {
    workspace.close();
  }
}

/** The demo's sign-ins for the page: a district admin and a building admin of school 101. */
export const DEMO_USERS = {
  district: { email: 'district.admin@demo.example.org', name: 'Dana District' },
  building: { email: 'building.admin@demo.example.org', name: 'Bo Building' },
} as const;

/** Creates the demo's two accounts, each with a new password (printed once by the demo). */
async function demoUsers(dataDir: string): Promise<{ district: string; building: string }> {
  const workspace = await openWorkspace({ dataDir });
  try {
    const users = workspace.store().users;
    const now = new Date();
    const district = randomBytes(12).toString('base64url');
    const building = randomBytes(12).toString('base64url');
    await users.add({ ...DEMO_USERS.district, role: 'district_admin', password: district }, now);
    await users.add(
      { ...DEMO_USERS.building, role: 'building_admin', schools: [101], password: building },
      now,
    );
    return { district, building };
  } finally {
    workspace.close();
  }
}

/** Posts the demo day to the ingest API, as a visitor-management system would. */
async function postDemoDay(service: RunningService, key: string): Promise<void> {
  const response = await fetch(`${service.url}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(demoEvents()),
  });
  if (response.status !== 202) {
    throw new CliError(`the ingest API answered ${response.status}: ${await response.text()}`);
  }
}

/** Resolves once the worker has brought every event to a final state. */
async function settled(service: RunningService): Promise<void> {
  for (;;) {
    const queue = service.store.queue();
    if (queue.pending === 0 && queue.sending === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, OPTIONS);
  const port = parseIntegerOption('port', values.port, 7070, { min: 0, max: 65_535 });
  // --port 0 (free ports, e.g. in tests) frees the API's port too unless it is given.
  const apiPort = parseIntegerOption('api-port', values['api-port'], port === 0 ? 0 : 8080, {
    min: 0,
    max: 65_535,
  });
  const host = values.host ?? '127.0.0.1';
  const dataDir = values['data-dir'] ?? join('data', 'demo');
  let sim: RunningSimulator;
  try {
    sim = await startSimulator({
      port,
      host,
      seed: 'demo',
      dataPath: null,
      log: (line) => io.stderr(line),
      ...(values['ps-version'] ? { psVersion: values['ps-version'] } : {}),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new CliError(`port ${port} is in use: pass --port 0 (any free port) or another port.`);
    }
    throw error;
  }
  let service: RunningService | undefined;
  try {
    io.stdout(
      `Simulated PowerSchool ${sim.psVersion} at ${sim.url} (demo district, plugin enabled)`,
    );
    const { close } = await configureConnector(sim, dataDir);
    close();
    io.stdout(
      `Connector: schools 101 Daily, 102 Time, 103 Meeting; reasons T (late) and ED (early) imported.`,
    );
    const key = await demoKey(dataDir);
    const passwords = await demoUsers(dataDir);
    try {
      service = await startService({
        dataDir,
        port: apiPort,
        host,
        // The two failures are the demo's point, and the table shows them: only errors here.
        log: (line) => {
          if (line.level === 'error') io.stderr(JSON.stringify(line));
        },
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new CliError(
          `port ${apiPort} is in use: pass --api-port 0 (any free port) or another port.`,
        );
      }
      throw error;
    }
    io.stdout(
      `pswb serve: ingest API at ${service.url}/api/v1; posting ${demoEvents().length} check-ins/check-outs from ${dates.inSession}...\n`,
    );
    await postDemoDay(service, key);
    await settled(service);
    io.stdout(
      renderLogTable(readLogPage(service.store, DISTRICT_ADMIN, { pageSize: 50 }), {
        details: true,
      }),
    );
    if (values.once) return 0;
    io.stdout(`The simulator keeps running at ${sim.url}, and the service at ${service.url}:
  PowerSchool Setup page: ${service.url}/admin
    District admin:              ${DEMO_USERS.district.email}  password ${passwords.district}
    Building admin (school 101): ${DEMO_USERS.building.email}  password ${passwords.building}
  API reference: ${service.url}/api/docs
  Demo API key:  ${key}
Try, in another terminal:
  curl -s -H "authorization: Bearer ${key}" "${service.url}/api/v1/events?status=failed"
  npx pswb writeback logs --data-dir ${dataDir} --status failed --details
  curl ${sim.url}/__sim/journal
Press Ctrl-C to stop.`);
    await waitForSignal();
    return 0;
  } finally {
    await service?.stop();
    await sim.close();
  }
}

/** `pswb demo` (what `npm start` runs): the simulator, pswb serve, and a demo day through its API. */
export const demoCommand: Command = {
  name: 'demo',
  help: `Usage: pswb demo [--port 7070] [--api-port 8080] [--host 127.0.0.1] [--data-dir data/demo] [--ps-version 25.3.0] [--once]

Starts the PowerSchool simulator on the demo district with the Navigate360 Attendance Access
plugin installed and enabled, connects the connector to it (Settings, School Building Setup:
101 Daily, 102 Time, 103 Meeting; reasons imported), starts pswb serve with a new demo API key,
posts six check-ins and check-outs of ${dates.inSession} to its ingest API as a
visitor-management system would, and prints the Writeback Logs table once the worker has written
them: four Successful, and two Failed with PowerSchool's message, its meaning and how to resolve
it. Both then keep running until Ctrl-C, and the PowerSchool Setup page's URL with a demo
district admin's and building admin's sign-ins (new passwords each run), the API URL, its
reference page and the key are printed so you can try them.

Options:
  --port N            Simulator port; 0 picks a free one (default: 7070)
  --api-port N        pswb serve's port; 0 picks a free one (default: 8080, or 0 with --port 0)
  --host HOST         Address to listen on (default: 127.0.0.1)
  --data-dir DIR      The demo's connector settings, log and keys, emptied at start (default: data/demo)
  --ps-version V      PowerSchool version the simulator runs as (default: 25.3.0)
  --once              Exit after printing the log instead of serving

Example:
  npm start
  npx pswb demo --port 0 --once
`,
  run,
};
