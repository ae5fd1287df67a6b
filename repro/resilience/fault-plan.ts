/**
 * The transient faults of the resilience proof, as simulator fault rules: what a real network
 * and a loaded SIS produce (5xx, 429 with Retry-After, connection resets, hangs past the client's
 * timeout, slow answers, a revoked token), together answering about `transientRate` of requests.
 */

/** The kinds drawn at random, each on an equal share of requests. */
export const RANDOM_FAULT_KINDS = [
  'status_500',
  'status_502',
  'status_503',
  'status_504',
  'rate_limit',
  'reset',
  'hang',
  'latency',
] as const;
export type RandomFaultKind = (typeof RANDOM_FAULT_KINDS)[number];

/** Every kind, the scripted token revocation included. */
export const FAULT_KINDS = [...RANDOM_FAULT_KINDS, 'revoke_token'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Seconds a 429 asks the client to wait (Retry-After). */
export const RETRY_AFTER_SECONDS = 1;

/** A fault rule as POST /__sim/faults takes it. */
export interface FaultRuleBody {
  id: string;
  method: '*';
  path: string;
  action?: Record<string, unknown>;
  sequence?: unknown[];
  probability?: number;
}

/** The longest sequence the simulator accepts. */
const MAX_SEQUENCE = 1000;

function actionOf(kind: RandomFaultKind, timeoutMs: number): Record<string, unknown> {
  switch (kind) {
    case 'status_500':
    case 'status_502':
    case 'status_503':
    case 'status_504':
      return { type: 'status', status: Number(kind.slice('status_'.length)) };
    case 'rate_limit':
      return { type: 'rate_limit', retryAfterSeconds: RETRY_AFTER_SECONDS };
    case 'reset':
      return { type: 'reset' };
    case 'hang':
      return { type: 'hang' };
    case 'latency':
      // Slow but inside the client's timeout: the request then goes on and is answered.
      return { type: 'latency', ms: [5, Math.max(5, Math.floor(timeoutMs / 2))] };
    default:
      throw new Error(
        `Unknown fault kind "${String(kind)}"; valid: ${RANDOM_FAULT_KINDS.join(', ')}.`,
      );
  }
}

/** The share of requests each kind gets: the rate split evenly over every kind. */
export function shareOfEachKind(transientRate: number): number {
  if (!(transientRate >= 0 && transientRate < 1)) {
    throw new Error(`transientRate must be from 0 to below 1; got ${transientRate}.`);
  }
  return transientRate / FAULT_KINDS.length;
}

/**
 * Rules drawn per request. The simulator tries rules in order and the first answering rule
 * stops the others, so each rule's probability is conditional on the earlier ones not
 * answering: then every kind hits its share of all requests.
 */
export function randomFaultRules(transientRate: number, timeoutMs: number): FaultRuleBody[] {
  const share = shareOfEachKind(transientRate);
  if (share === 0) return [];
  return RANDOM_FAULT_KINDS.map((kind, index) => ({
    id: `proof-${kind}`,
    method: '*',
    path: '**',
    action: actionOf(kind, timeoutMs),
    probability: Math.min(1, share / (1 - share * index)),
  }));
}

/**
 * Token revocation, scripted rather than drawn: one revocation every `spacing` /ws requests. The
 * connector renews a revoked token once per call (reference section 2), so two revocations
 * within one call's attempts would fail it by design; the spacing is wider than a call's
 * attempts, which a random draw could not promise.
 */
export function revocationRule(
  id: string,
  transientRate: number,
  minSpacing: number,
): FaultRuleBody {
  const share = shareOfEachKind(transientRate);
  const spacing = Math.max(minSpacing, share > 0 ? Math.round(1 / share) : MAX_SEQUENCE);
  const sequence: unknown[] = [];
  while (sequence.length + spacing <= MAX_SEQUENCE) {
    for (let step = 1; step < spacing; step += 1) sequence.push('pass');
    sequence.push({ type: 'revoke_token' });
  }
  if (sequence.length === 0) sequence.push('pass');
  return { id, method: '*', path: '/ws/**', sequence };
}

/**
 * One fault of every random kind, scripted at the start of a run (three clean requests between
 * two faults), so each kind is met whatever the random draws give a small run.
 */
export function primerRule(timeoutMs: number): FaultRuleBody {
  const sequence = RANDOM_FAULT_KINDS.flatMap((kind) => [
    'pass',
    'pass',
    'pass',
    actionOf(kind, timeoutMs),
  ]);
  return { id: 'proof-primer', method: '*', path: '/ws/**', sequence };
}

/** The faults a scripted rule made in its first `hits` matching requests, by kind. */
export function scriptedFaultsAfter(
  rule: FaultRuleBody,
  hits: number,
): Partial<Record<FaultKind, number>> {
  const counts: Partial<Record<FaultKind, number>> = {};
  for (const step of (rule.sequence ?? []).slice(0, hits)) {
    if (typeof step !== 'object' || step === null) continue;
    const kind = kindOf(step as { type: string; status?: number });
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

function kindOf(action: { type: string; status?: number }): FaultKind {
  const kind = action.type === 'status' ? `status_${action.status}` : action.type;
  if (!(FAULT_KINDS as readonly string[]).includes(kind)) {
    throw new Error(`Fault action "${kind}" is not one of ${FAULT_KINDS.join(', ')}.`);
  }
  return kind as FaultKind;
}
