/**
 * The compact text form of a fault rule, for `pswb sim start --fault "..."` and for
 * text/plain POSTs to /__sim/faults. Grammar (words separated by spaces):
 *
 *   [METHOD] PATH ACTION [OPTION ...]        METHOD: GET POST PUT PATCH DELETE HEAD or * (default *)
 *   [METHOD] PATH: STEP,STEP,...  [OPTION]   shorthand for seq=STEP,STEP,...
 *
 *   ACTION   status=CODE | CODE | latency=MS | latency=MIN-MAX | reset | hang
 *            | rate_limit [retry_after=S] | revoke_token | seq=STEP,STEP,...
 *   STEP     CODE | pass | ok | reset | hang | rate_limit[:S] | latency:MS[-MAX] | revoke_token
 *   OPTION   p=0..1 | times=N | id=NAME | retry_after=S
 *
 * Examples: "POST /ws/attendance/* status=500 times=2", "* /ws/** latency=50-200 p=0.2",
 * "POST /ws/attendance/* seq=500,500,pass", "* /ws/** reset p=0.1",
 * "* /ws/** rate_limit retry_after=2", "POST /ws/attendance/*: 500,500,ok".
 */
import { FaultRuleError } from './fault-engine.ts';
import {
  FAULT_METHODS,
  faultRuleInputSchema,
  type FaultAction,
  type FaultRuleInput,
  type FaultStep,
} from './fault-rules.ts';

/** Where to look for the syntax, appended to every parse error. */
const SYNTAX_HINT =
  'Form: "[METHOD] PATH ACTION [p=0.5] [times=N] [id=NAME]" with ACTION one of status=500, latency=200, ' +
  'latency=50-200, reset, hang, rate_limit retry_after=2, revoke_token, seq=500,500,pass; ' +
  'e.g. "POST /ws/attendance/* status=500 times=2".';

/**
 * Parses the compact fault syntax (see the file comment) into the rule FaultEngine.add takes;
 * throws FaultRuleError saying what is wrong and showing the valid form.
 */
export function parseFaultFlag(text: string): FaultRuleInput {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) fail(text, 'it is empty');
  let method = '*';
  if ((FAULT_METHODS as readonly string[]).includes(words[0]!.toUpperCase()) && words.length > 1) {
    method = words.shift()!.toUpperCase();
  }
  let path = words.shift()!;
  const draft: Draft = { options: new Map() };
  if (path.endsWith(':') && path.length > 1) {
    path = path.slice(0, -1);
    draft.sequence = parseSequence(text, words.shift() ?? '');
  }
  for (const word of words) readWord(text, word, draft);
  return buildRule(text, method, path, draft);
}

interface Draft {
  action?: FaultAction;
  sequence?: FaultStep[];
  options: Map<string, string>;
}

function readWord(text: string, word: string, draft: Draft): void {
  const equals = word.indexOf('=');
  const key = (equals === -1 ? word : word.slice(0, equals)).toLowerCase();
  const value = equals === -1 ? undefined : word.slice(equals + 1);
  const setAction = (action: FaultAction | undefined, sequence?: FaultStep[]): void => {
    if (draft.action || draft.sequence) fail(text, `"${word}" is a second action; give one`);
    if (action) draft.action = action;
    if (sequence) draft.sequence = sequence;
  };
  if (['p', 'times', 'id', 'retry_after'].includes(key) && value !== undefined) {
    draft.options.set(key, value);
  } else if (key === 'seq' && value !== undefined) {
    setAction(undefined, parseSequence(text, value));
  } else if (key === 'status' && value !== undefined) {
    setAction(statusAction(text, value));
  } else if (key === 'latency' && value !== undefined) {
    setAction(latencyAction(text, value));
  } else if (value === undefined) {
    setAction(bareAction(text, key));
  } else {
    fail(text, `"${word}" is not an action or option`);
  }
}

function buildRule(text: string, method: string, path: string, draft: Draft): FaultRuleInput {
  const { options } = draft;
  let action = draft.action;
  if (!action && !draft.sequence) fail(text, 'it names no action');
  const retryAfter = options.get('retry_after');
  if (retryAfter !== undefined) {
    if (action?.type !== 'rate_limit') fail(text, 'retry_after goes with rate_limit');
    action = {
      type: 'rate_limit',
      retryAfterSeconds: wholeNumber(text, 'retry_after', retryAfter),
    };
  }
  const rule: FaultRuleInput = { method, path };
  if (action) rule.action = action;
  if (draft.sequence) rule.sequence = draft.sequence;
  const probability = options.get('p');
  if (probability !== undefined) rule.probability = Number(probability);
  const times = options.get('times');
  if (times !== undefined) rule.times = wholeNumber(text, 'times', times);
  const id = options.get('id');
  if (id !== undefined) rule.id = id;
  // The same zod schema as the HTTP route: one set of rules for what is valid.
  const checked = faultRuleInputSchema.safeParse(rule);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    fail(text, `${issue.path.join('.') || 'rule'}: ${issue.message}`);
  }
  return rule;
}

function parseSequence(text: string, list: string): FaultStep[] {
  const steps = list.split(',').filter(Boolean);
  if (steps.length === 0) fail(text, 'the sequence is empty');
  return steps.map((step): FaultStep => {
    const lower = step.toLowerCase();
    if (lower === 'pass' || lower === 'ok') return 'pass';
    if (/^\d{3}$/.test(step)) return statusAction(text, step);
    const colon = lower.indexOf(':');
    if (colon !== -1) {
      const [name, value] = [lower.slice(0, colon), lower.slice(colon + 1)];
      if (name === 'latency') return latencyAction(text, value);
      if (name === 'rate_limit') {
        return { type: 'rate_limit', retryAfterSeconds: wholeNumber(text, 'rate_limit', value) };
      }
      if (name === 'status') return statusAction(text, value);
    }
    return bareAction(text, lower);
  });
}

function bareAction(text: string, word: string): FaultAction {
  if (/^\d{3}$/.test(word)) return statusAction(text, word);
  switch (word) {
    case 'reset':
      return { type: 'reset' };
    case 'hang':
      return { type: 'hang' };
    case 'rate_limit':
    case '429':
      return { type: 'rate_limit', retryAfterSeconds: 1 };
    case 'revoke_token':
      return { type: 'revoke_token' };
    default:
      return fail(text, `"${word}" is not an action or option`);
  }
}

function statusAction(text: string, value: string): FaultAction {
  const status = wholeNumber(text, 'status', value);
  if (status < 200 || status > 599) fail(text, `status must be 200-599; got ${value}`);
  return { type: 'status', status };
}

function latencyAction(text: string, value: string): FaultAction {
  const range = /^(\d+)-(\d+)$/.exec(value);
  if (range) {
    const [min, max] = [Number(range[1]), Number(range[2])];
    if (min > max) fail(text, `latency range ${value} has min > max`);
    return { type: 'latency', ms: [min, max] };
  }
  return { type: 'latency', ms: wholeNumber(text, 'latency', value) };
}

function wholeNumber(text: string, name: string, value: string): number {
  if (!/^\d+$/.test(value)) fail(text, `${name} must be a whole number; got "${value}"`);
  return Number(value);
}

function fail(text: string, reason: string): never {
  throw new FaultRuleError(`Invalid fault "${text}": ${reason}. ${SYNTAX_HINT}`, [
    { field: 'fault', message: reason },
  ]);
}
