/**
 * A closed-loop HTTP load generator on undici's Pool: a fixed number of connections, each sending
 * its next request as soon as the previous answer is read. Bounded by a duration and a request
 * count, so a run always stops by itself. Every answer's status is checked: a benchmark of
 * failing requests would measure the wrong thing.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { quantileOfSorted } from './stats.ts';

/** One request the generator sends. */
export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** How long and how hard to push. */
export interface LoadOptions {
  /** http://127.0.0.1:PORT */
  origin: string;
  /** Connections, each with one request in flight. */
  connections: number;
  /** Measured run length. */
  durationMs: number;
  /** Unmeasured run before it (JIT, caches, connection set-up). */
  warmupMs: number;
  /** Hard stop on the measured requests, whatever the duration. */
  maxRequests: number;
  /** The i-th request (i counts from 0 across warm-up and run). */
  nextRequest: (index: number) => LoadRequest;
  /** The status every answer must have (default 200). */
  expectStatus?: number;
  /** Called between warm-up and the measured run (to read the server's CPU time there). */
  onMeasureStart?: () => Promise<void>;
}

/** What one measured run gave. */
export interface LoadResult {
  requests: number;
  /** Answers with another status than expected, or transport errors. */
  failures: number;
  /** The first failure, to say what went wrong. */
  firstFailure?: string;
  elapsedMs: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

interface Phase {
  untilMs: number;
  maxRequests: number;
  latencies: Float64Array | undefined;
  count: number;
  failures: number;
  firstFailure?: string;
}

/** Runs warm-up then the measured run against one origin; closes its connections after. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const pool = new Pool(options.origin, {
    connections: options.connections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
  });
  let index = 0;
  const issue = (): LoadRequest => options.nextRequest(index++);
  try {
    const warmup = newPhase(options.warmupMs, Number.MAX_SAFE_INTEGER, false);
    await drive(pool, options, warmup, issue);
    await options.onMeasureStart?.();
    const measured = newPhase(options.durationMs, options.maxRequests, true);
    const started = performance.now();
    await drive(pool, options, measured, issue);
    const elapsedMs = performance.now() - started;
    const sorted = measured.latencies!.subarray(0, measured.count).sort();
    return {
      requests: measured.count,
      failures: measured.failures,
      ...(measured.firstFailure ? { firstFailure: measured.firstFailure } : {}),
      elapsedMs,
      requestsPerSecond: (measured.count / elapsedMs) * 1000,
      p50Ms: quantileOfSorted(sorted, 0.5),
      p99Ms: quantileOfSorted(sorted, 0.99),
    };
  } finally {
    await pool.close();
  }
}

function newPhase(durationMs: number, maxRequests: number, measure: boolean): Phase {
  return {
    untilMs: performance.now() + durationMs,
    maxRequests,
    latencies: measure ? new Float64Array(Math.min(maxRequests, 5_000_000)) : undefined,
    count: 0,
    failures: 0,
  };
}

async function drive(
  pool: Pool,
  options: LoadOptions,
  phase: Phase,
  issue: () => LoadRequest,
): Promise<void> {
  const expected = options.expectStatus ?? 200;
  const lane = async (): Promise<void> => {
    while (performance.now() < phase.untilMs && phase.count < phase.maxRequests) {
      const request = issue();
      const started = performance.now();
      let failure: string | undefined;
      try {
        const response = await pool.request(request);
        const text = await response.body.text();
        if (response.statusCode !== expected) {
          failure = `${request.method} ${request.path} answered ${response.statusCode}: ${text.slice(0, 200)}`;
        }
      } catch (error) {
        failure = `${request.method} ${request.path} failed: ${(error as Error).message}`;
      }
      if (phase.count >= phase.maxRequests) break;
      if (phase.latencies) phase.latencies[phase.count] = performance.now() - started;
      phase.count += 1;
      if (failure) {
        phase.failures += 1;
        phase.firstFailure ??= failure;
      }
    }
  };
  await Promise.all(Array.from({ length: options.connections }, lane));
}
