import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DISTRICT_ADMIN,
  LOG_DB_FILE,
  SETTINGS_FILE,
  openWorkspace,
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
import { CliError, type CliIO, type Command } from '../cli/command.ts';
import { parseIntegerOption, parseOptions } from '../cli/parse-options.ts';

const OPTIONS = {
  port: { type: 'string' },
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

async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, OPTIONS);
  const port = parseIntegerOption('port', values.port, 7070, { min: 0, max: 65_535 });
  const dataDir = values['data-dir'] ?? join('data', 'demo');
  let sim: RunningSimulator;
  try {
    sim = await startSimulator({
      port,
      host: values.host ?? '127.0.0.1',
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
  let closeConnector = (): void => {};
  try {
    io.stdout(
      `Simulated PowerSchool ${sim.psVersion} at ${sim.url} (demo district, plugin enabled)`,
    );
    const { connector, close } = await configureConnector(sim, dataDir);
    closeConnector = close;
    io.stdout(
      `Connector: schools 101 Daily, 102 Time, 103 Meeting; reasons T (late) and ED (early) imported.`,
    );
    io.stdout(
      `Writing back ${demoEvents().length} check-ins/check-outs from ${dates.inSession}...\n`,
    );
    await connector.send(demoEvents());
    io.stdout(renderLogTable(connector.logs(DISTRICT_ADMIN, { pageSize: 50 }), { details: true }));
    if (values.once) return 0;
    io.stdout(`The simulator keeps running at ${sim.url}. Try, in another terminal:
  npx pswb writeback logs --data-dir ${dataDir} --status failed --details
  npx pswb writeback send --data-dir ${dataDir} --dcid ${students.daily.dcid} --name "${students.daily.firstName} ${students.daily.lastName}" --grade 3 --school 101 --type late_checkin --at ${onDemoDay(9 * 3600)} --reason T
  curl ${sim.url}/__sim/journal
Press Ctrl-C to stop.`);
    await waitForSignal();
    return 0;
  } finally {
    closeConnector();
    await sim.close();
  }
}

/** `pswb demo` (what `npm start` runs): the simulator plus a demo writeback through the connector. */
export const demoCommand: Command = {
  name: 'demo',
  help: `Usage: pswb demo [--port 7070] [--host 127.0.0.1] [--data-dir data/demo] [--ps-version 25.3.0] [--once]

Starts the PowerSchool simulator on the demo district with the Navigate360 Attendance Access
plugin installed and enabled, connects the connector to it (Settings, School Building Setup:
101 Daily, 102 Time, 103 Meeting; reasons imported), writes back six check-ins and check-outs
of ${dates.inSession}, and prints the Writeback Logs table: four Successful, and two Failed with
PowerSchool's message, its meaning and how to resolve it. The simulator then keeps running
until Ctrl-C so you can try the other verbs against it.

Options:
  --port N            Simulator port; 0 picks a free one (default: 7070)
  --host HOST         Address to listen on (default: 127.0.0.1)
  --data-dir DIR      The demo's connector settings and log, emptied at start (default: data/demo)
  --ps-version V      PowerSchool version the simulator runs as (default: 25.3.0)
  --once              Exit after printing the log instead of serving

Example:
  npm start
  npx pswb demo --port 0 --once
`,
  run,
};
