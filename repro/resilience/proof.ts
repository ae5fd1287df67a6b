/**
 * The resilience proof: many writebacks through the real connector against the simulator while
 * a share of requests meets transient faults, and some events are built to fail by data. Passes
 * when every event ends as planned and PowerSchool holds exactly one row per successful event.
 * The suite runs it small; `npm run bench` at full size (2,000 events, 20% faults).
 */
import type { Connector } from '../../connector/index.ts';
import { DEFAULT_PS_VERSION } from '../../plugin/index.ts';
import { DEMO_FACTS, startSimulator, type RunningSimulator } from '../../simulator/index.ts';
import { mulberry32 } from '../../simulator/platform/random.ts';
import { SimulatorAdmin, type SimFaultRule } from '../sim-admin.ts';
import {
  FAULT_KINDS,
  primerRule,
  randomFaultRules,
  revocationRule,
  scriptedFaultsAfter,
  type FaultKind,
  type FaultRuleBody,
} from './fault-plan.ts';
import { planEvents } from './plan-events.ts';
import { PROOF_RETRIES, checkProofOptions, connectProofConnector } from './proof-setup.ts';
import { tallyProof, type ProofTally } from './tally.ts';

/** The knobs of a proof run. */
export interface ResilienceProofOptions {
  /** Events to write back (the benchmark: 2,000). */
  events: number;
  /** Share of HTTP requests answered with a transient fault, 0 to below 1 (e.g. 0.2). */
  transientRate: number;
  /** Share of events built to fail by data, 0 to 1 (e.g. 0.1). */
  permanentRate: number;
  /** Seeds the fault draws, the retry jitter and the placement of failing events. */
  seed: number;
  /** PowerSchool version simulated (default: the newest profile, with batch writes). */
  psVersion?: string;
  /** The connector's per-attempt timeout; every hang costs this long (default 200 ms). */
  timeoutMs?: number;
  /**
   * Events processed at once. Default 1: the run then repeats exactly for a seed, and the
   * scripted token revocations can never meet one call twice. Above 1 they can (the connector
   * renews a token once per call, so such an event fails by design) and draws vary run to run.
   */
  concurrency?: number;
  /** Events per send, like a day's burst (default 200). */
  chunkSize?: number;
  /** After each chunk. */
  onProgress?: (done: number, total: number) => void;
}

/** The counts the proof returns (and the benchmark prints): the tally's counts, and more. */
export interface ResilienceProofResult extends Omit<ProofTally, 'problems'> {
  events: number;
  transientRate: number;
  permanentRate: number;
  seed: number;
  psVersion: string;
  expected: { successful: number; failed: number };
  /** HTTP attempts the connector made (retries and token requests included). */
  requests: number;
  /** Faults the simulator injected, by kind. */
  faults: Record<FaultKind, number> & { total: number };
  /** Waits the retry policy asked for (recorded, not slept: the faults do not depend on time). */
  retryWaits: { count: number; totalMs: number };
  durationMs: number;
  /** The first discrepancies, and how many there were in all. */
  problems: string[];
  problemCount: number;
  ok: boolean;
}

/** After the district's last school day of the year, still in school year 2026-27. */
const PROOF_CLOCK = new Date(`${DEMO_FACTS.years.current.lastday}T22:00:00Z`);
/** Long enough for a loaded machine's normal answers; every hang costs this much real time. */
const DEFAULT_TIMEOUT_MS = 200;
const SHOWN_PROBLEMS = 20;

/** Runs the proof; resolves with the counts. Never leaves the simulator running. */
export async function runResilienceProof(
  options: ResilienceProofOptions,
): Promise<ResilienceProofResult> {
  checkProofOptions(options);
  const started = performance.now();
  const psVersion = options.psVersion ?? DEFAULT_PS_VERSION;
  const sim = await startSimulator({
    port: 0,
    dataPath: null,
    psVersion,
    clock: PROOF_CLOCK,
    randomSeed: options.seed,
    log: () => {},
  });
  try {
    return await prove(sim, options, psVersion, started);
  } finally {
    sim.platform.faults.releaseHung();
    await sim.close();
  }
}

async function prove(
  sim: RunningSimulator,
  options: ResilienceProofOptions,
  psVersion: string,
  started: number,
): Promise<ResilienceProofResult> {
  const random = mulberry32(options.seed);
  const permanent = Math.round(options.events * options.permanentRate);
  const plan = planEvents(sim.district, options.events, permanent, random);
  const waits = { count: 0, totalMs: 0 };
  const connector = await connectProofConnector(sim, {
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    concurrency: options.concurrency ?? 1,
    random,
    waits,
  });
  let faults: ResilienceProofResult['faults'];
  let tally: ProofTally;
  let requests: number;
  try {
    faults = await sendUnderFaults(new SimulatorAdmin(sim.url), plan, options, connector);
    tally = tallyProof(connector, sim.district, plan);
    requests = connector.stats().requests;
  } finally {
    connector.close();
  }
  const expected = { successful: plan.length - permanent, failed: permanent };
  const { problems, ...counts } = tally;
  const ok =
    problems.length === 0 &&
    counts.successful === expected.successful &&
    counts.failed === expected.failed &&
    counts.writtenOnce === expected.successful &&
    counts.failedAsPlanned === expected.failed;
  return {
    events: plan.length,
    transientRate: options.transientRate,
    permanentRate: options.permanentRate,
    seed: options.seed,
    psVersion,
    expected,
    ...counts,
    requests,
    faults,
    retryWaits: waits,
    durationMs: Math.round(performance.now() - started),
    problems: problems.slice(0, SHOWN_PROBLEMS),
    problemCount: problems.length,
    ok,
  };
}

/** Sends the plan chunk by chunk under the fault rules; returns the faults injected by kind. */
async function sendUnderFaults(
  admin: SimulatorAdmin,
  plan: ReturnType<typeof planEvents>,
  options: ResilienceProofOptions,
  connector: Connector,
): Promise<ResilienceProofResult['faults']> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const counts = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<
    FaultKind,
    number
  >;
  const faulty = options.transientRate > 0;
  const primer = faulty ? primerRule(timeoutMs) : undefined;
  await admin.addFaults([
    ...(primer ? [primer] : []),
    ...randomFaultRules(options.transientRate, timeoutMs),
  ]);
  const chunkSize = options.chunkSize ?? 200;
  for (let start = 0; start < plan.length; start += chunkSize) {
    // A fresh revocation script per chunk: the simulator caps a sequence at 1,000 steps.
    const revocation = faulty
      ? revocationRule(`proof-revoke-${start}`, options.transientRate, PROOF_RETRIES + 2)
      : undefined;
    if (revocation) await admin.addFaults([revocation]);
    await connector.send(plan.slice(start, start + chunkSize).map((item) => item.event));
    if (revocation) {
      await countScripted(admin, revocation, counts);
      await admin.removeFault(revocation.id);
    }
    options.onProgress?.(Math.min(plan.length, start + chunkSize), plan.length);
  }
  if (primer) await countScripted(admin, primer, counts);
  for (const rule of await admin.faults()) addRandomHits(counts, rule);
  const total = Object.values(counts).reduce((sum, value) => sum + value, 0);
  return { ...counts, total };
}

async function countScripted(
  admin: SimulatorAdmin,
  rule: FaultRuleBody,
  counts: Record<FaultKind, number>,
): Promise<void> {
  const hits = (await admin.faults()).find((listed) => listed.id === rule.id)?.hits ?? 0;
  for (const [kind, made] of Object.entries(scriptedFaultsAfter(rule, hits))) {
    counts[kind as FaultKind] += made;
  }
}

function addRandomHits(counts: Record<FaultKind, number>, rule: SimFaultRule): void {
  if (rule.sequence) return;
  const kind = rule.id.replace(/^proof-/, '');
  if (kind in counts) counts[kind as FaultKind] += rule.hits;
}
