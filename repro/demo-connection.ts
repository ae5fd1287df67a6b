/**
 * Connecting a connector to the simulator's demo district as its admin would: Save and Apply to
 * All Schools with the plugin's credentials (checked), School Building Setup (101 Daily,
 * 102 Time, 103 Meeting) and this year's codes imported as reasons at every school. `pswb demo`,
 * the resilience proof, the repro scenarios and the connector's tests all connect this way.
 */
import {
  DISTRICT_ADMIN,
  saveConnectionSettings,
  type Clock,
  type Connector,
  type SettingsStore,
} from '../connector/index.ts';
import { DEMO_FACTS, type RunningSimulator } from '../simulator/index.ts';

/** Codes imported as Late Check-in (`late`) and Early Check-out (`early`) reasons. */
export interface DemoReasonCodes {
  late: readonly string[];
  early: readonly string[];
}

/** T (Tardy) and ED (Early Dismissal): the codes the demo's events carry. */
export const DEMO_REASONS: DemoReasonCodes = { late: ['T'], early: ['ED'] };

/** T and ED with their excused twins TE and EDE. */
export const DEMO_REASONS_WITH_EXCUSED: DemoReasonCodes = {
  late: ['T', 'TE'],
  early: ['ED', 'EDE'],
};

/** The simulator's clock (pinned or real), as the connector's clock. */
export function simulatorClock(sim: RunningSimulator): Clock {
  return { now: () => sim.platform.clock.now() };
}

/** School Building Setup as the demo district has it, then `reasons` imported at every school. */
export async function setUpDemoSchools(
  connector: Connector,
  reasons: DemoReasonCodes,
): Promise<void> {
  const { schools } = DEMO_FACTS;
  await connector.updateSchools(DISTRICT_ADMIN, [
    { schoolNumber: schools.daily.schoolNumber, mode: 'daily' },
    { schoolNumber: schools.time.schoolNumber, mode: 'time' },
    { schoolNumber: schools.meeting.schoolNumber, mode: 'meeting' },
  ]);
  for (const school of Object.values(schools)) {
    await connector.importAttendanceCodes(DISTRICT_ADMIN, {
      schoolNumber: school.schoolNumber,
      late: [...reasons.late],
      early: [...reasons.early],
    });
  }
}

/** Save and Apply against the demo district could not be done; the message says why. */
export class DemoConnectionError extends Error {
  override name = 'DemoConnectionError';
}

/** What the connector opened by connectDemoDistrict connects with. */
export interface DemoConnection {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
}

/** How connectDemoDistrict saves and opens. */
export interface ConnectDemoOptions {
  /** Where Save and Apply saves; the connector `open` returns must read the same store. */
  settings: SettingsStore;
  /** The connection check's clock (default: the system clock). */
  clock?: Clock;
  /** Codes imported as reasons at every school. */
  reasons: DemoReasonCodes;
  /** Opens the connector once the settings are saved. */
  open: (connection: DemoConnection) => Connector;
}

/**
 * Save and Apply with the simulator's own plugin credentials (checked), then the connector
 * `open` returns, with the demo schools set up. Throws DemoConnectionError when the simulator
 * runs without its plugin or the connection check fails, naming the failing step's answer.
 */
export async function connectDemoDistrict(
  sim: RunningSimulator,
  options: ConnectDemoOptions,
): Promise<Connector> {
  const plugin = sim.plugin;
  if (!plugin) {
    throw new DemoConnectionError(
      `the simulator at ${sim.url} runs without its plugin: start it with plugin: true (the default)`,
    );
  }
  const credentials = { clientId: plugin.clientId, clientSecret: plugin.clientSecret };
  const saved = await saveConnectionSettings({
    settings: options.settings,
    actor: DISTRICT_ADMIN,
    input: { url: sim.url, ...credentials },
    ...(options.clock ? { clock: options.clock } : {}),
  });
  if (!saved.saved) {
    const failed = saved.report?.steps.find((step) => !step.ok);
    const problem = failed ? `its ${failed.name} step: ${failed.detail}` : 'the connection check';
    throw new DemoConnectionError(
      `Save and Apply against the demo district at ${sim.url} failed at ${problem}`,
    );
  }
  const connector = options.open({ baseUrl: sim.url, ...credentials });
  await setUpDemoSchools(connector, options.reasons);
  return connector;
}
