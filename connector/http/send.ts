/**
 * One request sent until it succeeds or may not be tried again: each attempt through sendOnce,
 * each failure weighed by the retry policy, every attempt reported to the listeners.
 */
import type { Dispatcher } from 'undici';
import type { Clock } from '../domain/index.ts';
import {
  attemptFromError,
  attemptFromResponse,
  type AttemptListener,
  type PowerSchoolResponse,
  type SendRequest,
} from './attempt.ts';
import { sendOnce } from './exchange.ts';
import { PowerSchoolError } from './powerschool-error.ts';
import { isRetryable, retryDelay, type RetryOptions } from './retry-policy.ts';

/** The transport knobs a send runs with. */
export interface SendContext {
  dispatcher?: Dispatcher;
  timeoutMs: number;
  clock: Clock;
  retry: RetryOptions;
  /** Counts every attempt (the request budget). */
  onSend?: () => void;
}

/**
 * Sends a request with retries. `redactBody` leaves the answer's body out of the attempt
 * records (the token endpoint's answer holds the token).
 */
export async function sendWithRetries(
  request: SendRequest,
  context: SendContext,
  listeners: readonly AttemptListener[],
  redactBody = false,
): Promise<PowerSchoolResponse> {
  for (let retryIndex = 0; ; retryIndex += 1) {
    const started = Date.now();
    const startedAt = context.clock.now().toISOString();
    context.onSend?.();
    try {
      const response = await sendOnce(request, context);
      const attempt = attemptFromResponse(request, response, startedAt, Date.now() - started);
      if (redactBody) delete attempt.bodyText;
      for (const listener of listeners) listener(attempt);
      return response;
    } catch (error) {
      if (!(error instanceof PowerSchoolError)) throw error;
      const canRetry = isRetryable(error) && retryIndex < context.retry.retries;
      const waitMs = canRetry ? retryDelay(error, retryIndex, context.retry) : undefined;
      const attempt = attemptFromError(error, startedAt, Date.now() - started, waitMs);
      for (const listener of listeners) listener(attempt);
      if (waitMs === undefined) throw error.withAttempts(retryIndex + 1);
      await context.retry.sleep(waitMs, request.signal);
    }
  }
}
