import { describe, expect, it } from 'vitest';
import { FaultEngine, FaultRuleError } from '../../simulator/platform/fault-engine.ts';
import { parseFaultFlag } from '../../simulator/platform/fault-flag.ts';

describe('parseFaultFlag', () => {
  it.each([
    {
      text: 'POST /ws/attendance/* status=500 times=2',
      rule: {
        method: 'POST',
        path: '/ws/attendance/*',
        action: { type: 'status', status: 500 },
        times: 2,
      },
    },
    {
      text: '* /ws/** latency=50-200 p=0.2',
      rule: {
        method: '*',
        path: '/ws/**',
        action: { type: 'latency', ms: [50, 200] },
        probability: 0.2,
      },
    },
    {
      text: '/ws/v1/time latency=75',
      rule: { method: '*', path: '/ws/v1/time', action: { type: 'latency', ms: 75 } },
    },
    {
      text: 'POST /ws/attendance/* seq=500,500,pass',
      rule: {
        method: 'POST',
        path: '/ws/attendance/*',
        sequence: [{ type: 'status', status: 500 }, { type: 'status', status: 500 }, 'pass'],
      },
    },
    {
      text: 'POST /ws/attendance/*: 500,500,ok',
      rule: {
        method: 'POST',
        path: '/ws/attendance/*',
        sequence: [{ type: 'status', status: 500 }, { type: 'status', status: 500 }, 'pass'],
      },
    },
    {
      text: '* /ws/** reset p=0.1',
      rule: { method: '*', path: '/ws/**', action: { type: 'reset' }, probability: 0.1 },
    },
    {
      text: '* /ws/** rate_limit retry_after=2',
      rule: { method: '*', path: '/ws/**', action: { type: 'rate_limit', retryAfterSeconds: 2 } },
    },
    {
      text: 'get /ws/v1/district/school hang id=slow-schools',
      rule: {
        method: 'GET',
        path: '/ws/v1/district/school',
        action: { type: 'hang' },
        id: 'slow-schools',
      },
    },
    {
      text: '/ws/** revoke_token times=1',
      rule: { method: '*', path: '/ws/**', action: { type: 'revoke_token' }, times: 1 },
    },
    {
      text: 'POST /oauth/access_token 503',
      rule: {
        method: 'POST',
        path: '/oauth/access_token',
        action: { type: 'status', status: 503 },
      },
    },
    {
      text: '/ws/** seq=latency:100,rate_limit:3,reset,hang',
      rule: {
        method: '*',
        path: '/ws/**',
        sequence: [
          { type: 'latency', ms: 100 },
          { type: 'rate_limit', retryAfterSeconds: 3 },
          { type: 'reset' },
          { type: 'hang' },
        ],
      },
    },
  ])('parses "$text"', ({ text, rule }) => {
    expect(parseFaultFlag(text)).toEqual(rule);
  });

  it.each([
    { text: '', reason: /empty/ },
    { text: 'POST /ws/attendance/*', reason: /names no action/ },
    { text: 'POST /ws/attendance/* explode', reason: /"explode" is not an action/ },
    { text: 'POST /ws/attendance/* status=abc', reason: /status must be a whole number/ },
    { text: 'POST /ws/attendance/* status=700', reason: /status must be 200-599/ },
    { text: '* /ws/** latency=200-50', reason: /min > max/ },
    { text: '* /ws/** reset p=2', reason: /probability/ },
    { text: '* /ws/** reset hang', reason: /second action/ },
    { text: '* /ws/** reset retry_after=2', reason: /retry_after goes with rate_limit/ },
    { text: 'POST ws/attendance status=500', reason: /starts with "\/"/ },
    { text: '* /ws/** reset times=0', reason: /times/ },
  ])('refuses "$text" saying why and showing the valid form', ({ text, reason }) => {
    let caught: unknown;
    try {
      parseFaultFlag(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FaultRuleError);
    expect((caught as Error).message).toMatch(reason);
    expect((caught as Error).message).toMatch(/Form: "\[METHOD\] PATH ACTION/);
  });

  it('produces rules the fault engine accepts', () => {
    const engine = new FaultEngine();
    const rule = engine.add(parseFaultFlag('POST /ws/attendance/*: 500,pass'));
    expect(rule.sequence).toHaveLength(2);
    expect(engine.evaluate('POST', '/ws/attendance/daily_time')[0]?.action).toEqual({
      type: 'status',
      status: 500,
    });
  });
});
