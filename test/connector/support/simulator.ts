/**
 * Starts the simulator in process (port 0, demo seed, memory only, clock pinned on a school day)
 * and a connector saved against it with the demo schools set up: 101 Daily, 102 Time,
 * 103 Meeting, each with this year's codes T/TE mapped as Late Check-in and ED/EDE as Early
 * Check-out reasons.
 */
import { afterEach, beforeEach } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../simulator/server.ts';
import { DEMO_FACTS } from '../../../simulator/seeds/demo-facts.ts';
import {
  SettingsStore,
  createConnector,
  type Connector,
  type WritebackStore,
} from '../../../connector/index.ts';
import {
  DEMO_REASONS_WITH_EXCUSED,
  connectDemoDistrict,
  simulatorClock,
} from '../../../repro/demo-connection.ts';
import { instantRetry } from './mock-powerschool.ts';

export { DEMO_FACTS };

/** 2026-10-14 12:00 in New York: a Wednesday in session everywhere. */
export const SCHOOL_DAY_NOON = new Date('2026-10-14T16:00:00Z');

/** Starts a quiet, in-memory simulator. */
export async function startDemoSimulator(
  options: { psVersion?: string; clock?: Date } = {},
): Promise<RunningSimulator> {
  return startSimulator({
    port: 0,
    seed: 'demo',
    dataPath: null,
    clock: options.clock ?? SCHOOL_DAY_NOON,
    randomSeed: 7,
    log: () => {},
    ...(options.psVersion ? { psVersion: options.psVersion } : {}),
  });
}

/** The simulator's clock, as the connector's clock. */
export const clockOf = simulatorClock;

/** Saves the connection (checked), sets the demo modes and imports this year's codes. */
export async function connectDemo(
  sim: RunningSimulator,
  options: { store?: WritebackStore; settings?: SettingsStore } = {},
): Promise<Connector> {
  const settings = options.settings ?? SettingsStore.inMemory();
  const clock = simulatorClock(sim);
  return connectDemoDistrict(sim, {
    settings,
    clock,
    reasons: DEMO_REASONS_WITH_EXCUSED,
    open: ({ baseUrl, clientId, clientSecret }) =>
      createConnector({
        baseUrl,
        clientId,
        clientSecret,
        settings,
        clock,
        retry: instantRetry(),
        ...(options.store ? { store: options.store } : {}),
      }),
  });
}

/**
 * A fresh demo simulator and connected connector for each test of a file (beforeEach), both
 * closed after it; `use` receives them.
 */
export function demoEachTest(use: (sim: RunningSimulator, connector: Connector) => void): void {
  let sim: RunningSimulator | undefined;
  let connector: Connector | undefined;
  beforeEach(async () => {
    sim = await startDemoSimulator();
    connector = await connectDemo(sim);
    use(sim, connector);
  });
  afterEach(async () => {
    connector?.close();
    await sim?.close();
  });
}

/** seconds since midnight -> "HH:MM:SS" */
function clock(seconds: number): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
}

/** An ISO instant for a New York wall-clock time on a date (EDT until 11-01, EST after). */
export function newYorkTime(date: string, seconds: number): string {
  const offset = date >= '2026-11-01' || date < '2026-03-08' ? '-05:00' : '-04:00';
  return `${date}T${clock(seconds)}${offset}`;
}

type DemoStudent = (typeof DEMO_FACTS.students)[keyof typeof DEMO_FACTS.students];

/** A writeback event for a demo student. */
export function demoEvent(
  id: string,
  student: DemoStudent,
  occurredAt: string,
  overrides: { type?: 'late_checkin' | 'early_checkout'; reason?: string; dcid?: number } = {},
): Record<string, unknown> {
  const type = overrides.type ?? 'late_checkin';
  return {
    id,
    type,
    student: {
      dcid: overrides.dcid ?? student.dcid,
      name: `${student.firstName} ${student.lastName}`,
      grade: 'gradeLevel' in student ? String(student.gradeLevel) : '9',
      schoolNumber: student.schoolNumber,
    },
    occurredAt,
    reason: overrides.reason ?? (type === 'late_checkin' ? 'T' : 'ED'),
  };
}
