/**
 * A per-key rate limit for /api/v1 (after the key check): a token bucket per API key, refilled at
 * `ratePerSecond` up to `burst`. Past it, a 429 problem with Retry-After (whole seconds, at least
 * 1). Buckets idle long enough to be full again are dropped, so memory stays bounded by the keys
 * in use. The defaults (200 requests/s, bursts of 400) are inferred: a front desk sends a few
 * events a minute, a bulk import 500 per request.
 */
import type { MiddlewareHandler } from 'hono';
import type { AuthVariables } from './auth.ts';
import { problem } from './problem.ts';

interface Bucket {
  tokens: number;
  at: number;
}

export function rateLimit(options: {
  ratePerSecond: number;
  burst: number;
  /** Milliseconds (default Date.now). */
  now?: () => number;
}): MiddlewareHandler<{ Variables: AuthVariables }> {
  const now = options.now ?? Date.now;
  const buckets = new Map<string, Bucket>();
  const refillMs = (options.burst / options.ratePerSecond) * 1000;
  let sweptAt = now();
  return async (c, next) => {
    const at = now();
    if (at - sweptAt > refillMs) {
      for (const [id, bucket] of buckets) if (at - bucket.at >= refillMs) buckets.delete(id);
      sweptAt = at;
    }
    const id = c.var.apiKey.id;
    const bucket = buckets.get(id) ?? { tokens: options.burst, at };
    bucket.tokens = Math.min(
      options.burst,
      bucket.tokens + ((at - bucket.at) / 1000) * options.ratePerSecond,
    );
    bucket.at = at;
    buckets.set(id, bucket);
    if (bucket.tokens < 1) {
      const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / options.ratePerSecond));
      return problem(c, 429, {
        title: 'Too many requests',
        detail: `This API key may make ${options.ratePerSecond} requests per second (bursts of ${options.burst}); try again in ${retryAfter} s, or send events in batches of up to 500.`,
        headers: { 'retry-after': String(retryAfter) },
      });
    }
    bucket.tokens -= 1;
    await next();
  };
}
