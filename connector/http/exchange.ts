/**
 * One HTTP exchange with PowerSchool: a timeout per attempt (AbortSignal.timeout, combined with
 * the caller's signal by AbortSignal.any), the body read whole, and every failure turned into a
 * PowerSchoolError.
 */
import { request as undiciRequest, type Dispatcher } from 'undici';
import type { Clock } from '../domain/index.ts';
import type { PowerSchoolResponse, SendRequest } from './attempt.ts';
import { PowerSchoolError, codeForStatus } from './powerschool-error.ts';
import { parseRetryAfter } from './retry-policy.ts';

/** One HTTP exchange with a timeout; every failure becomes a PowerSchoolError. */
export async function sendOnce(
  request: SendRequest,
  context: { dispatcher?: Dispatcher; timeoutMs: number; clock: Clock },
): Promise<PowerSchoolResponse> {
  const timeout = AbortSignal.timeout(context.timeoutMs);
  const signal = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout;
  const base = { method: request.method, url: request.url };
  let status: number;
  let bodyText: string;
  let retryAfter: string | undefined;
  try {
    // undici's request(), not fetch(): the same exchange without building WHATWG Request,
    // Headers and stream objects per call, which a CPU profile of a run showed as a share of the
    // connector's time (docs/benchmarks.md, figure 3). It gives no status text: the error
    // message uses the standard reason phrase for the status.
    const response = await undiciRequest(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal,
      ...(context.dispatcher ? { dispatcher: context.dispatcher } : {}),
    });
    status = response.statusCode;
    const header = response.headers['retry-after'];
    retryAfter = Array.isArray(header) ? header[0] : header;
    bodyText = await response.body.text();
  } catch (error) {
    if (request.signal?.aborted) throw request.signal.reason;
    if (timeout.aborted) {
      const detail = `no answer within ${context.timeoutMs} ms`;
      throw new PowerSchoolError({ ...base, code: 'timeout', detail, cause: error });
    }
    throw new PowerSchoolError({
      ...base,
      code: 'network',
      detail: networkDetail(error),
      cause: error,
    });
  }
  const body = parseJson(bodyText);
  if (status >= 200 && status < 300) return { status, body, bodyText, url: request.url };
  throw new PowerSchoolError({
    ...base,
    code: codeForStatus(status),
    status,
    body,
    bodyText,
    retryAfterMs: parseRetryAfter(retryAfter, context.clock.now().getTime()),
  });
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** "connect ECONNREFUSED 127.0.0.1:9", "ECONNRESET", or the error's message. */
function networkDetail(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' && !cause.message.includes(code)
      ? `${code}: ${cause.message}`
      : cause.message;
  }
  return String(cause);
}
