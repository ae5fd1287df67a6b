import { describe, expect, it } from 'vitest';
import { STUDENT_ID_NOT_FOUND, STUDENT_PERIOD_NOT_FOUND } from '../../connector/index.ts';
import { District, buildDemoDistrict } from '../../simulator/index.ts';
import {
  RANDOM_FAULT_KINDS,
  randomFaultRules,
  revocationRule,
  primerRule,
  scriptedFaultsAfter,
  shareOfEachKind,
} from '../../repro/resilience/fault-plan.ts';
import { planEvents, proofComment } from '../../repro/resilience/plan-events.ts';
import { mulberry32 } from '../../simulator/platform/random.ts';

describe('the fault plan', () => {
  it.each([0.2, 0.05, 0.5])(
    'gives each random kind an equal share of all requests at rate %s',
    (rate) => {
      const rules = randomFaultRules(rate, 150);
      expect(rules.map((rule) => rule.id)).toEqual(
        RANDOM_FAULT_KINDS.map((kind) => `proof-${kind}`),
      );
      // A rule acts only when no earlier rule answered (latency, last, lets the request go on).
      let untouched = 1;
      for (const rule of rules) {
        expect(untouched * rule.probability!).toBeCloseTo(shareOfEachKind(rate), 10);
        untouched *= 1 - rule.probability!;
      }
    },
  );

  it('adds no rule at rate 0, and refuses a rate of 1 or more', () => {
    expect(randomFaultRules(0, 150)).toEqual([]);
    expect(() => randomFaultRules(1, 150)).toThrow(
      'transientRate must be from 0 to below 1; got 1.',
    );
  });

  it('scripts one fault of every random kind first, three clean requests apart', () => {
    const primer = primerRule(150);
    expect(primer.sequence).toHaveLength(RANDOM_FAULT_KINDS.length * 4);
    const all = scriptedFaultsAfter(primer, primer.sequence!.length);
    expect(Object.keys(all).sort()).toEqual([...RANDOM_FAULT_KINDS].sort());
    expect(Object.values(all)).toEqual(RANDOM_FAULT_KINDS.map(() => 1));
    expect(scriptedFaultsAfter(primer, 4)).toEqual({ status_500: 1 });
  });

  it('keeps slow answers inside the client timeout', () => {
    const latency = randomFaultRules(0.2, 150).find((rule) => rule.id === 'proof-latency');
    expect(latency?.action).toEqual({ type: 'latency', ms: [5, 75] });
  });

  it('scripts token revocations at least `minSpacing` requests apart, within 1,000 steps', () => {
    const rule = revocationRule('r', 0.2, 12);
    const steps = rule.sequence!;
    expect(steps.length).toBeLessThanOrEqual(1000);
    const at = steps.flatMap((step, index) => (typeof step === 'object' ? [index] : []));
    expect(at.length).toBeGreaterThan(10);
    for (let i = 1; i < at.length; i += 1) expect(at[i]! - at[i - 1]!).toBe(45);
    expect(scriptedFaultsAfter(rule, 100)).toEqual({ revoke_token: 2 });
    const crowded = revocationRule('r', 0.9, 12).sequence!;
    expect(crowded.findIndex((step) => typeof step === 'object')).toBe(11);
  });
});

describe('the event plan', () => {
  const district = new District(buildDemoDistrict());

  it('gives every successful event its own attendance key and every event its own id', () => {
    const plan = planEvents(district, 600, 0, mulberry32(1));
    const keys = plan.map((item) =>
      item.expected.outcome === 'successful'
        ? `${item.expected.studentId}|${item.expected.date}|${item.expected.periodId}`
        : '',
    );
    expect(new Set(keys).size).toBe(600);
    expect(new Set(plan.map((item) => item.event.id)).size).toBe(600);
    expect(plan[0]?.event.comment).toBe(proofComment(String(plan[0]?.event.id)));
    const modes = new Set(
      plan.map((item) => (item.expected.outcome === 'successful' ? item.expected.mode : '')),
    );
    expect(modes).toEqual(new Set(['ATT_ModeDaily', 'ATT_ModeTime', 'ATT_ModeMeeting']));
  });

  it('mixes in the permanent errors, each kind in turn, each with its documented message', () => {
    const plan = planEvents(district, 60, 6, mulberry32(2));
    const failing = plan.flatMap((item) =>
      item.expected.outcome === 'failed' ? [item.expected] : [],
    );
    expect(failing.map((expected) => expected.kind).sort()).toEqual([
      'not_enrolled',
      'not_enrolled',
      'passing_time',
      'passing_time',
      'unknown_dcid',
      'unknown_dcid',
    ]);
    const messageOf = (kind: string) => failing.find((expected) => expected.kind === kind)?.message;
    expect(messageOf('unknown_dcid')).toBe(STUDENT_ID_NOT_FOUND);
    expect(messageOf('passing_time')).toBe(STUDENT_PERIOD_NOT_FOUND);
    expect(String(messageOf('not_enrolled'))).toContain(
      "The student Noah Bennett isn't enrolled on",
    );
  });

  it('is the same plan for the same seed', () => {
    expect(planEvents(district, 50, 5, mulberry32(3))).toEqual(
      planEvents(district, 50, 5, mulberry32(3)),
    );
  });

  it('says how many distinct keys there are when asked for more', () => {
    expect(() => planEvents(district, 100_000, 0, mulberry32(4))).toThrow(
      /The demo district has only \d+ distinct attendance keys this school year/,
    );
  });
});
