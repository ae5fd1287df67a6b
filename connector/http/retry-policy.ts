/**
 * When and how long to wait before trying a PowerSchool call again. Explicit on purpose: which
 * statuses are retried, why POST is retried, and how Retry-After is honoured.
 */
import type { PowerSchoolError } from './powerschool-error.ts';

/**
 * Statuses worth another try: the server or something in front of it was momentarily unable
 * to answer. Business 4xx answers (400 bad payload, 403 field access, 404) fail at once because
 * sending the same request again gives the same answer. 401 is handled apart (one re-auth).
 */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([
  408, // Request Timeout: the request never reached the application
  429, // Too Many Requests: PowerSchool's per-plugin minimum interval (inferred status)
  500, // Internal Server Error: transient database or application failures
  502, // Bad Gateway: load balancer could not reach a PowerSchool node
  503, // Service Unavailable: maintenance or overload
  504, // Gateway Timeout: the node took too long behind the balancer
]);

/**
 * POST is retried too: /ws/attendance/daily_time and meeting_interval create OR update the one
 * record for a student, date (and period), so sending the same record twice updates it and never
 * duplicates it (reference section 4). Token and PowerQuery POSTs only read. DELETE of an
 * attendance record is idempotent: a retry finds it gone (404), which the caller takes as done.
 */
export const RETRYABLE_METHODS: ReadonlySet<string> = new Set(['GET', 'POST', 'DELETE']);

/** The knobs of the retry loop; random and sleep are injectable so tests run instantly. */
export interface RetryOptions {
  /** Retries after the first attempt (so attempts = retries + 1). */
  retries: number;
  /** The first backoff before jitter. */
  baseDelayMs: number;
  /** The cap on any one backoff. */
  maxDelayMs: number;
  /** The cap on a server-requested Retry-After wait. */
  maxRetryAfterMs: number;
  /** A number in [0, 1): Math.random by default. */
  random: () => number;
  /** Waits ms milliseconds; rejects when the signal aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Waits for ms milliseconds, or rejects with the signal's reason when it aborts. */
export function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The defaults: 4 retries, 500 ms doubling to at most 8 s, Retry-After honoured up to 60 s. */
export const DEFAULT_RETRY_OPTIONS: RetryOptions = {
  retries: 4,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
  random: Math.random,
  sleep: sleepFor,
};

/** True when the failed attempt may be repeated. */
export function isRetryable(error: PowerSchoolError): boolean {
  if (!RETRYABLE_METHODS.has(error.method)) return false;
  if (error.code === 'timeout' || error.code === 'network') return true;
  return error.status !== undefined && RETRYABLE_STATUSES.has(error.status);
}

/**
 * Capped exponential backoff with "equal jitter": half the step is fixed, half random, so
 * clients that failed together do not come back together. retryIndex counts from 0.
 */
export function backoffDelay(retryIndex: number, options: RetryOptions): number {
  const step = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retryIndex);
  return Math.round(step / 2 + options.random() * (step / 2));
}

/**
 * Parses Retry-After: delta-seconds ("120") or an HTTP date; undefined when absent or
 * unreadable. A date in the past means "now" (0).
 */
export function parseRetryAfter(
  header: string | null | undefined,
  nowMs: number,
): number | undefined {
  if (header === null || header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const when = Date.parse(text);
  if (Number.isNaN(when)) return undefined;
  return Math.max(0, when - nowMs);
}

/** The wait before retry number retryIndex: the server's Retry-After (capped) or backoff. */
export function retryDelay(
  error: PowerSchoolError,
  retryIndex: number,
  options: RetryOptions,
): number {
  if (error.retryAfterMs !== undefined)
    return Math.min(error.retryAfterMs, options.maxRetryAfterMs);
  return backoffDelay(retryIndex, options);
}
