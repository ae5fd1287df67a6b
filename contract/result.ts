/** What a contract run produces: one result per interaction, and the run's counts. */
import type { Facts } from './facts.ts';

export const OUTCOMES = ['pass', 'fail', 'skip'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** How one interaction went. */
export interface InteractionResult {
  name: string;
  title: string;
  method: string;
  /** The path requested; undefined when the interaction was skipped before it had one. */
  path?: string;
  outcome: Outcome;
  status?: number;
  durationMs?: number;
  problems: string[];
  /** True when the server gave no answer at all (refused, unreachable, timed out). */
  noAnswer?: boolean;
}

/** The whole run. */
export interface RunResult {
  results: InteractionResult[];
  passed: number;
  failed: number;
  skipped: number;
  /** What the run learned (ids, dates; never a secret). */
  facts: Partial<Facts>;
  /**
   * Set when the target gave no answer to the first request: the run stopped there, and this
   * says why (the network error, secrets removed).
   */
  unreachable?: string;
}
