/**
 * Getting a proof run ready: its options checked, and a connector saved against the simulator
 * with the demo schools set up, its retries tuned (more tries, waits recorded rather than slept).
 */
import {
  DISTRICT_ADMIN,
  SettingsStore,
  createConnector,
  saveConnectionSettings,
  sleepFor,
  type Clock,
  type Connector,
} from '../../connector/index.ts';
import { DEMO_FACTS, type RunningSimulator } from '../../simulator/index.ts';

/** Retries after the first attempt: 11 faults in a row at 20% is about 2 in 100 million. */
export const PROOF_RETRIES = 10;

/** Tuning of the proof's connector. */
export interface ProofConnectorOptions {
  timeoutMs: number;
  concurrency: number;
  /** Draws the retry jitter. */
  random: () => number;
  /** Receives every wait the retry policy asks for. */
  waits: { count: number; totalMs: number };
}

/** What runResilienceProof checks before it starts anything. */
export interface ProofOptionValues {
  events: number;
  transientRate: number;
  permanentRate: number;
  seed: number;
}

/** Save and Apply, the demo schools' modes and codes, then a connector tuned for the proof. */
export async function connectProofConnector(
  sim: RunningSimulator,
  options: ProofConnectorOptions,
): Promise<Connector> {
  const { waits } = options;
  const clock: Clock = { now: () => sim.platform.clock.now() };
  const settings = SettingsStore.inMemory();
  const credentials = { clientId: sim.plugin!.clientId, clientSecret: sim.plugin!.clientSecret };
  const saved = await saveConnectionSettings({
    settings,
    actor: DISTRICT_ADMIN,
    input: { url: sim.url, ...credentials },
    clock,
  });
  if (!saved.saved) throw new Error(`Save and Apply failed: ${saved.report?.problem?.message}`);
  const connector = createConnector({
    baseUrl: sim.url,
    ...credentials,
    settings,
    clock,
    timeoutMs: options.timeoutMs,
    concurrency: options.concurrency,
    retry: {
      retries: PROOF_RETRIES,
      random: options.random,
      sleep: async (ms: number, signal?: AbortSignal) => {
        waits.count += 1;
        waits.totalMs += ms;
        await sleepFor(0, signal);
      },
    },
  });
  const { schools } = DEMO_FACTS;
  await connector.updateSchools(DISTRICT_ADMIN, [
    { schoolNumber: schools.daily.schoolNumber, mode: 'daily' },
    { schoolNumber: schools.time.schoolNumber, mode: 'time' },
    { schoolNumber: schools.meeting.schoolNumber, mode: 'meeting' },
  ]);
  for (const school of Object.values(schools)) {
    await connector.importAttendanceCodes(DISTRICT_ADMIN, {
      schoolNumber: school.schoolNumber,
      late: ['T'],
      early: ['ED'],
    });
  }
  return connector;
}

/** Throws one error naming every option that cannot be honoured. */
export function checkProofOptions(options: ProofOptionValues): void {
  const problems: string[] = [];
  if (!Number.isInteger(options.events) || options.events < 1) {
    problems.push(`events must be a whole number of at least 1; got ${options.events}`);
  }
  if (!(options.transientRate >= 0 && options.transientRate < 1)) {
    problems.push(`transientRate must be from 0 to below 1; got ${options.transientRate}`);
  }
  if (!(options.permanentRate >= 0 && options.permanentRate <= 1)) {
    problems.push(`permanentRate must be from 0 to 1; got ${options.permanentRate}`);
  }
  if (!Number.isInteger(options.seed))
    problems.push(`seed must be a whole number; got ${options.seed}`);
  if (problems.length > 0) throw new Error(`Resilience proof not started: ${problems.join('; ')}.`);
}
