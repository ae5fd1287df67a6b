/**
 * What one HTTP attempt sends and receives, and the record of it the writeback log keeps (never a
 * token or a secret).
 */
import type { PowerSchoolError, PowerSchoolErrorCode } from './powerschool-error.ts';

/** What one attempt sends. */
export interface SendRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** A successful answer: JSON body parsed when it was JSON, raw text kept. */
export interface PowerSchoolResponse {
  status: number;
  body: unknown;
  bodyText: string;
  url: string;
}

/** One HTTP attempt as the writeback log records it. */
export interface HttpAttempt {
  method: string;
  url: string;
  startedAt: string;
  durationMs: number;
  status?: number;
  outcome: 'ok' | 'http_error' | 'timeout' | 'network';
  errorCode?: PowerSchoolErrorCode;
  /** The whole response body; left out for the token endpoint. */
  bodyText?: string;
  /** Set when another attempt follows after this wait. */
  retryInMs?: number;
}

/** Receives every attempt as it ends. */
export type AttemptListener = (attempt: HttpAttempt) => void;

/** What a call carries besides its request: who journals its attempts, and its abort signal. */
export interface CallOptions {
  /** Sees the attempts of this call (the writeback log journals them under an event). */
  onAttempt?: AttemptListener;
  signal?: AbortSignal;
}

/** The record of an attempt that failed, with the wait before the next one if any. */
export function attemptFromError(
  error: PowerSchoolError,
  startedAt: string,
  durationMs: number,
  retryInMs: number | undefined,
): HttpAttempt {
  const outcome =
    error.code === 'timeout' ? 'timeout' : error.code === 'network' ? 'network' : 'http_error';
  return {
    method: error.method,
    url: error.url,
    startedAt,
    durationMs,
    outcome,
    errorCode: error.code,
    ...(error.status !== undefined ? { status: error.status } : {}),
    ...(error.bodyText !== undefined ? { bodyText: error.bodyText } : {}),
    ...(retryInMs !== undefined ? { retryInMs } : {}),
  };
}

/** The record of an attempt that got a 2xx answer. */
export function attemptFromResponse(
  request: SendRequest,
  response: PowerSchoolResponse,
  startedAt: string,
  durationMs: number,
): HttpAttempt {
  return {
    method: request.method,
    url: request.url,
    startedAt,
    durationMs,
    status: response.status,
    outcome: 'ok',
    bodyText: response.bodyText,
  };
}
