import { describe, expect, it } from 'vitest';
import { FaultEngine, FaultRuleError } from '../../simulator/platform/fault-engine.ts';
import { mulberry32 } from '../../simulator/platform/random.ts';

/** The action types a series of requests to one path received ("none" when answered normally). */
function outcomes(
  engine: FaultEngine,
  count: number,
  method = 'POST',
  path = '/ws/attendance/daily_time',
): string[] {
  return Array.from({ length: count }, () => {
    const applied = engine.evaluate(method, path);
    return applied.length ? applied.map((fault) => fault.action.type).join('+') : 'none';
  });
}

describe('FaultEngine', () => {
  it('plays a scripted sequence ("500, 500, then normal") and counts each hit', () => {
    const engine = new FaultEngine();
    engine.add({ path: '/ws/attendance/*', sequence: [500, 500, 'pass'] });
    const statuses = Array.from({ length: 5 }, () => {
      const [fault] = engine.evaluate('POST', '/ws/attendance/daily_time');
      return fault?.action.type === 'status' ? fault.action.status : 'normal';
    });
    expect(statuses).toEqual([500, 500, 'normal', 'normal', 'normal']);
    const [rule] = engine.list();
    expect(rule).toMatchObject({ hits: 3, matched: 3, exhausted: true });
  });

  it('stops a rule after `times` hits', () => {
    const engine = new FaultEngine();
    engine.add({ path: '/ws/**', action: { type: 'reset' }, times: 2 });
    expect(outcomes(engine, 4)).toEqual(['reset', 'reset', 'none', 'none']);
  });

  it('matches by method and by glob: * within a segment, ** across segments', () => {
    const engine = new FaultEngine();
    engine.add({
      method: 'post',
      path: '/ws/attendance/*',
      action: { type: 'status', status: 503 },
    });
    expect(engine.evaluate('GET', '/ws/attendance/daily_time')).toEqual([]);
    expect(engine.evaluate('POST', '/ws/attendance/daily_time/extra')).toEqual([]);
    expect(engine.evaluate('POST', '/ws/attendance/meeting_interval')).toHaveLength(1);
    engine.clear();
    engine.add({ path: '/ws/**', action: { type: 'hang' } });
    expect(engine.evaluate('GET', '/ws/v1/district/school')).toHaveLength(1);
    expect(engine.evaluate('POST', '/oauth/access_token')).toEqual([]);
  });

  it('adds latency and still lets a later rule answer (latency does not end the scan)', () => {
    const engine = new FaultEngine();
    engine.add({ path: '/ws/**', action: { type: 'latency', ms: 25 } });
    engine.add({ path: '/ws/attendance/*', action: { type: 'status', status: 500 } });
    const applied = engine.evaluate('POST', '/ws/attendance/daily_time');
    expect(applied.map((fault) => fault.action.type)).toEqual(['latency', 'status']);
    expect(applied[0]?.delayMs).toBe(25);
  });

  it('stops at the first answering rule: later rules are not matched', () => {
    const engine = new FaultEngine();
    engine.add({ id: 'first', path: '/ws/**', action: { type: 'status', status: 502 } });
    engine.add({ id: 'second', path: '/ws/**', action: { type: 'status', status: 504 } });
    engine.evaluate('GET', '/ws/v1/time');
    expect(engine.list().map((rule) => [rule.id, rule.hits])).toEqual([
      ['first', 1],
      ['second', 0],
    ]);
  });

  it('draws probabilities and latency ranges deterministically from a seed', () => {
    const run = (): string[] => {
      const engine = new FaultEngine({ random: mulberry32(7) });
      engine.add({ path: '/ws/**', action: { type: 'latency', ms: [10, 90] } });
      engine.add({ path: '/ws/**', action: { type: 'reset' }, probability: 0.3 });
      return Array.from({ length: 40 }, () =>
        engine
          .evaluate('GET', '/ws/v1/time')
          .map((fault) => (fault.action.type === 'latency' ? fault.delayMs : fault.action.type))
          .join(' '),
      );
    };
    const first = run();
    expect(run()).toEqual(first);
    const resets = first.filter((line) => line.endsWith('reset')).length;
    expect(resets).toBeGreaterThan(0);
    expect(resets).toBeLessThan(40);
    for (const line of first) {
      const delay = Number(line.split(' ')[0]);
      expect(delay).toBeGreaterThanOrEqual(10);
      expect(delay).toBeLessThanOrEqual(90);
    }
  });

  it('counts matches skipped by probability as matched but not as hits', () => {
    const engine = new FaultEngine({ random: () => 0.99 });
    engine.add({ path: '/ws/**', action: { type: 'reset' }, probability: 0.5 });
    expect(outcomes(engine, 3, 'GET', '/ws/v1/time')).toEqual(['none', 'none', 'none']);
    expect(engine.list()[0]).toMatchObject({ matched: 3, hits: 0 });
  });

  it('gives rules ids, keeps a chosen id, and refuses a duplicate id', () => {
    const engine = new FaultEngine();
    const generated = engine.add({ path: '/ws/**', action: { type: 'reset' } });
    expect(generated.id).toBe('fault-1');
    engine.add({ id: 'mine', path: '/ws/**', action: { type: 'reset' } });
    expect(() => engine.add({ id: 'mine', path: '/x', action: { type: 'hang' } })).toThrow(
      /already exists/,
    );
    expect(engine.remove('mine')).toBe(true);
    expect(engine.remove('mine')).toBe(false);
  });

  it('adds none of a list when one rule is invalid, naming the bad rule and field', () => {
    const engine = new FaultEngine();
    let caught: unknown;
    try {
      engine.addMany([
        { path: '/ws/**', action: { type: 'reset' } },
        { path: '/ws/**', action: { type: 'status', status: 99 } },
      ]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FaultRuleError);
    expect((caught as FaultRuleError).problems[0]?.field).toBe('[1].action.status');
    expect(engine.list()).toEqual([]);
  });

  it.each([
    { name: 'no action or sequence', rule: { path: '/ws/**' }, field: 'action' },
    {
      name: 'both action and sequence',
      rule: { path: '/ws/**', action: { type: 'reset' }, sequence: ['pass'] },
      field: 'action',
    },
    {
      name: 'an unknown action type',
      rule: { path: '/ws/**', action: { type: 'explode' } },
      field: 'action.type',
    },
    { name: 'a relative path', rule: { path: 'ws/**', action: { type: 'reset' } }, field: 'path' },
    {
      name: 'an unknown method',
      rule: { method: 'BREW', path: '/x', action: { type: 'reset' } },
      field: 'method',
    },
    {
      name: 'an unknown key',
      rule: { path: '/x', action: { type: 'reset' }, when: 'now' },
      field: '(rule)',
    },
    {
      name: 'an inverted latency range',
      rule: { path: '/x', action: { type: 'latency', ms: [9, 1] } },
      field: 'action.ms',
    },
  ])('refuses $name', ({ rule, field }) => {
    const engine = new FaultEngine();
    let caught: unknown;
    try {
      engine.add(rule as never);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FaultRuleError);
    expect((caught as FaultRuleError).problems.map((problem) => problem.field)).toContain(field);
  });

  it('accepts a listed rule back, with its counters starting again', () => {
    const engine = new FaultEngine();
    engine.add({ id: 'again', path: '/ws/**', action: { type: 'reset' } });
    engine.evaluate('GET', '/ws/v1/time');
    const [listed] = engine.list();
    engine.clear();
    expect(engine.add(listed!)).toMatchObject({ id: 'again', hits: 0, matched: 0 });
  });

  it('holds a hung request until its client aborts or the hung requests are released', async () => {
    const engine = new FaultEngine();
    const abort = new AbortController();
    const byAbort = engine.hold(abort.signal);
    const byRelease = engine.hold();
    expect(engine.hungCount).toBe(2);
    abort.abort();
    await byAbort;
    expect(engine.hungCount).toBe(1);
    expect(engine.releaseHung()).toBe(1);
    await byRelease;
    expect(engine.hungCount).toBe(0);
  });
});
