/**
 * Decides, per request, which fault rules act on it. Rules are tried in the order they were
 * added; latency and revoke_token let the request go on to later rules (so "slow, then 500" is
 * two rules), every other action answers the request and stops the scan.
 */
import {
  faultRuleInputSchema,
  type FaultAction,
  type FaultRule,
  type FaultRuleInput,
  type ValidFaultRuleInput,
} from './fault-rules.ts';
import { matchesGlob } from './glob.ts';
import { randomInteger, type RandomSource } from './random.ts';
import { SimulatorError } from '../simulator-error.ts';

/** One fault to carry out on a request. */
export interface AppliedFault {
  ruleId: string;
  action: FaultAction;
  /** For latency: the delay chosen (a range is drawn from the seeded source). */
  delayMs?: number;
}

/** Thrown for a rule that is invalid or whose id is taken. */
export class FaultRuleError extends SimulatorError {
  override name = 'FaultRuleError';
  constructor(
    message: string,
    readonly problems: { field: string; message: string }[] = [],
  ) {
    super('fault_rule_invalid', message);
  }
}

interface HeldRule {
  rule: FaultRule;
  /** Next sequence step to play. */
  cursor: number;
}

const CONTINUING_ACTIONS: ReadonlySet<FaultAction['type']> = new Set(['latency', 'revoke_token']);

/** Holds the fault rules, matches requests against them, and keeps hung requests releasable. */
export class FaultEngine {
  readonly #random: RandomSource;
  readonly #rules: HeldRule[] = [];
  readonly #hung = new Set<() => void>();
  #nextId = 1;

  constructor(options: { random?: RandomSource } = {}) {
    this.#random = options.random ?? Math.random;
  }

  /**
   * Validates and adds one rule (appended: earlier rules are tried first). A FaultRule listed
   * earlier may be passed back in: its counters are dropped and start again at zero.
   */
  add(input: FaultRuleInput | FaultRule): FaultRule {
    return this.addMany([input])[0]!;
  }

  /** Validates every rule first, then adds them all (none are added if one is bad). */
  addMany(inputs: readonly (FaultRuleInput | FaultRule)[]): FaultRule[] {
    const valid = inputs.map((input, index) => validateRule(input, inputs.length > 1 ? index : -1));
    const ids = new Set(this.#rules.map((held) => held.rule.id));
    for (const rule of valid) {
      if (rule.id === undefined) continue;
      if (ids.has(rule.id)) {
        throw new FaultRuleError(
          `A fault rule with id "${rule.id}" already exists: choose another id, or DELETE /__sim/faults/${rule.id} first.`,
        );
      }
      ids.add(rule.id);
    }
    return valid.map((rule) => {
      const held: HeldRule = { rule: this.#materialize(rule, ids), cursor: 0 };
      this.#rules.push(held);
      return { ...held.rule };
    });
  }

  /** Every rule with its counters, in match order. */
  list(): FaultRule[] {
    return this.#rules.map((held) => ({ ...held.rule }));
  }

  /** Removes one rule; false when no rule has that id. */
  remove(id: string): boolean {
    const index = this.#rules.findIndex((held) => held.rule.id === id);
    if (index === -1) return false;
    this.#rules.splice(index, 1);
    return true;
  }

  /** Removes every rule; returns how many there were. */
  clear(): number {
    const removed = this.#rules.length;
    this.#rules.length = 0;
    return removed;
  }

  /** The faults to apply to one request, in order (empty: answer normally). */
  evaluate(method: string, path: string): AppliedFault[] {
    if (this.#rules.length === 0) return [];
    const applied: AppliedFault[] = [];
    const upperMethod = method.toUpperCase();
    for (const held of this.#rules) {
      const { rule } = held;
      if (rule.exhausted) continue;
      if (rule.method !== '*' && rule.method !== upperMethod) continue;
      if (!matchesGlob(rule.path, path)) continue;
      rule.matched += 1;
      if (rule.probability !== undefined && this.#random() >= rule.probability) continue;
      const step = this.#nextStep(held);
      if (step === 'pass') continue;
      applied.push(this.#resolve(rule.id, step));
      if (!CONTINUING_ACTIONS.has(step.type)) break;
    }
    return applied;
  }

  /**
   * Parks a hung request until its client gives up (`signal` aborts) or releaseHung() is called.
   */
  hold(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const release = (): void => {
        this.#hung.delete(release);
        signal?.removeEventListener('abort', release);
        resolve();
      };
      this.#hung.add(release);
      signal?.addEventListener('abort', release, { once: true });
    });
  }

  /** How many requests are hung right now. */
  get hungCount(): number {
    return this.#hung.size;
  }

  /** Lets every hung request end (their connections are then reset); call before server close. */
  releaseHung(): number {
    const releases = [...this.#hung];
    for (const release of releases) release();
    return releases.length;
  }

  #nextStep(held: HeldRule): FaultAction | 'pass' {
    const { rule } = held;
    rule.hits += 1;
    let step: FaultAction | 'pass';
    if (rule.sequence) {
      step = rule.sequence[held.cursor]!;
      held.cursor += 1;
      if (held.cursor >= rule.sequence.length) rule.exhausted = true;
    } else {
      step = rule.action!;
    }
    if (rule.times !== undefined && rule.hits >= rule.times) rule.exhausted = true;
    return step;
  }

  #resolve(ruleId: string, action: FaultAction): AppliedFault {
    if (action.type !== 'latency') return { ruleId, action };
    const delayMs = Array.isArray(action.ms)
      ? randomInteger(this.#random, action.ms[0], action.ms[1])
      : action.ms;
    return { ruleId, action, delayMs };
  }

  #materialize(rule: ValidFaultRuleInput, takenIds: Set<string>): FaultRule {
    let id = rule.id;
    while (id === undefined || (rule.id === undefined && takenIds.has(id))) {
      id = `fault-${this.#nextId}`;
      this.#nextId += 1;
    }
    takenIds.add(id);
    const materialized: FaultRule = {
      id,
      method: rule.method,
      path: rule.path,
      matched: 0,
      hits: 0,
      exhausted: false,
    };
    if (rule.action) materialized.action = rule.action;
    if (rule.sequence) materialized.sequence = rule.sequence;
    if (rule.probability !== undefined) materialized.probability = rule.probability;
    if (rule.times !== undefined) materialized.times = rule.times;
    return materialized;
  }
}

/** Parses one rule with zod; the error lists every bad value with its path. */
function validateRule(input: FaultRuleInput | FaultRule, index: number): ValidFaultRuleInput {
  const result = faultRuleInputSchema.safeParse(withoutCounters(input));
  if (result.success) return result.data;
  const prefix = index >= 0 ? `[${index}].` : '';
  const problems = result.error.issues.map((issue) => ({
    field: `${prefix}${issue.path.join('.') || '(rule)'}`,
    message: issue.message,
  }));
  const summary = problems.map((problem) => `${problem.field}: ${problem.message}`).join('; ');
  throw new FaultRuleError(`Invalid fault rule: ${summary}.`, problems);
}

function withoutCounters(input: FaultRuleInput | FaultRule): unknown {
  if (typeof input !== 'object' || input === null || !('hits' in input)) return input;
  const { matched: _matched, hits: _hits, exhausted: _exhausted, ...rule } = input;
  return rule;
}
