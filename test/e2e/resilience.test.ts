/**
 * The resilience proof at suite size: 200 writebacks while about 20% of requests meet a
 * transient fault of every kind, through the simulator's /__sim/faults. The full size (2,000)
 * runs in npm run bench.
 */
import { describe, expect, it } from 'vitest';
import { runResilienceProof, type ResilienceProofResult } from '../../repro/index.ts';
import { FAULT_KINDS } from '../../repro/resilience/fault-plan.ts';

const SUITE_SIZE = { events: 200, transientRate: 0.2, timeoutMs: 150 };

describe('the resilience proof', () => {
  let transientOnly: ResilienceProofResult;

  it('ends every event Successful, each written exactly once, under 20% transient faults', async () => {
    transientOnly = await runResilienceProof({ ...SUITE_SIZE, permanentRate: 0, seed: 42 });
    expect(transientOnly.problems).toEqual([]);
    expect(transientOnly).toMatchObject({
      ok: true,
      events: 200,
      successful: 200,
      failed: 0,
      unfinished: 0,
      writtenOnce: 200,
      attendanceRows: 200,
    });
  });

  it('met faults of every kind, about a fifth of all requests', () => {
    for (const kind of FAULT_KINDS) expect(transientOnly.faults[kind], kind).toBeGreaterThan(0);
    const share = transientOnly.faults.total / transientOnly.requests;
    expect(share).toBeGreaterThan(0.1);
    expect(share).toBeLessThan(0.35);
  });

  it("waited as each 429's Retry-After asked (1 s, recorded rather than slept)", () => {
    expect(transientOnly.retryWaits.count).toBeGreaterThanOrEqual(
      transientOnly.faults.total - transientOnly.faults.revoke_token - transientOnly.faults.latency,
    );
    expect(transientOnly.retryWaits.totalMs).toBeGreaterThanOrEqual(
      transientOnly.faults.rate_limit * 1000,
    );
  });

  it('fails exactly the events built to fail by data, with their messages, when 10% are mixed in', async () => {
    const mixed = await runResilienceProof({ ...SUITE_SIZE, permanentRate: 0.1, seed: 7 });
    expect(mixed.problems).toEqual([]);
    expect(mixed).toMatchObject({
      ok: true,
      expected: { successful: 180, failed: 20 },
      successful: 180,
      failed: 20,
      failedAsPlanned: 20,
      writtenOnce: 180,
      attendanceRows: 180,
    });
  });

  it('refuses options it cannot honour, saying which and why', async () => {
    await expect(
      runResilienceProof({ events: 0, transientRate: 1, permanentRate: 2, seed: 1.5 }),
    ).rejects.toThrow(
      /events must be a whole number of at least 1; got 0; transientRate must be from 0 to below 1; got 1; permanentRate must be from 0 to 1; got 2; seed must be a whole number; got 1.5/,
    );
  });
});
