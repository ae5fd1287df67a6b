/**
 * Getting a proof run ready: its options checked, and a connector saved against the simulator
 * with the demo schools set up, its retries tuned (more tries, waits recorded rather than slept).
 */
import { SettingsStore, createConnector, sleepFor, type Connector } from '../../connector/index.ts';
import type { RunningSimulator } from '../../simulator/index.ts';
import { DEMO_REASONS, connectDemoDistrict, simulatorClock } from '../demo-connection.ts';

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
  const settings = SettingsStore.inMemory();
  const clock = simulatorClock(sim);
  return connectDemoDistrict(sim, {
    settings,
    clock,
    reasons: DEMO_REASONS,
    open: (connection) =>
      createConnector({
        ...connection,
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
      }),
  });
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
