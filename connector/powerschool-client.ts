/**
 * The PowerSchool transport: OAuth token (cached until expiry, one re-auth on 401), timeouts,
 * retries with capped backoff and jitter, Retry-After, and a record of every attempt. The
 * dispatcher is injected (undici Agent, MockAgent) so one code path talks to a real server, the
 * simulator or a mock. Facts: docs/powerschool-reference.md section 2.
 */
import type { Dispatcher } from 'undici';
import { systemClock, type Clock } from './clock.ts';
import { attemptFromError, attemptFromResponse, sendOnce } from './http-exchange.ts';
import { PowerSchoolError, type PowerSchoolErrorCode } from './powerschool-error.ts';
import {
  DEFAULT_RETRY_OPTIONS,
  isRetryable,
  retryDelay,
  type RetryOptions,
} from './retry-policy.ts';
import { requestToken, type AccessToken } from './token.ts';

/** One HTTP attempt as the writeback log records it (never a token or a secret). */
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

/** The server, the plugin credentials, and the transport knobs. */
export interface PowerSchoolClientOptions {
  /** e.g. https://district.powerschool.com (no trailing slash, no path). */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  dispatcher?: Dispatcher;
  /** Per-attempt timeout; 15 s by default. */
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  clock?: Clock;
  /** Renew this long before the token expires; 60 s by default. */
  tokenRefreshMarginMs?: number;
  /** Sees every attempt of every call. */
  onAttempt?: AttemptListener;
}

/** One call: method, path, query, JSON body, auth and listeners. */
export interface RequestOptions {
  method: 'GET' | 'POST';
  /** Path from the server root, e.g. /ws/v1/metadata. */
  path: string;
  query?: Record<string, string | number>;
  /** Sent as JSON. */
  json?: unknown;
  /** Send the bearer token (default true). */
  auth?: boolean;
  signal?: AbortSignal;
  /** Sees the attempts of this call only (the writeback log uses it per event). */
  onAttempt?: AttemptListener;
}

/** A successful answer: JSON body parsed when it was JSON, raw text kept. */
export interface PowerSchoolResponse {
  status: number;
  body: unknown;
  bodyText: string;
  url: string;
}

/** Counters for the request budget (a benchmark divides requests by writebacks). */
export interface ClientStats {
  requests: number;
  tokenRequests: number;
}

/** The transport other connector modules call. */
export interface PowerSchoolClient {
  readonly baseUrl: string;
  request(options: RequestOptions): Promise<PowerSchoolResponse>;
  /** A valid access token, fetched or reused. */
  getToken(options?: { onAttempt?: AttemptListener; signal?: AbortSignal }): Promise<string>;
  /** Forgets the cached token (the next call fetches a new one). */
  invalidateToken(): void;
  stats(): ClientStats;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_TOKEN_MARGIN_MS = 60_000;

/** Creates the transport for one PowerSchool server and one plugin's credentials. */
export function createPowerSchoolClient(options: PowerSchoolClientOptions): PowerSchoolClient {
  return new PowerSchoolTransport(options);
}

class PowerSchoolTransport implements PowerSchoolClient {
  readonly baseUrl: string;
  readonly #options: PowerSchoolClientOptions;
  readonly #clock: Clock;
  readonly #retry: RetryOptions;
  readonly #timeoutMs: number;
  readonly #marginMs: number;
  readonly #counters: ClientStats = { requests: 0, tokenRequests: 0 };
  #cached: AccessToken | undefined;
  #pendingToken: Promise<AccessToken> | undefined;

  constructor(options: PowerSchoolClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#retry = { ...DEFAULT_RETRY_OPTIONS, ...options.retry };
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#marginMs = options.tokenRefreshMarginMs ?? DEFAULT_TOKEN_MARGIN_MS;
  }

  stats(): ClientStats {
    return { ...this.#counters };
  }

  invalidateToken(): void {
    this.#cached = undefined;
  }

  async getToken(
    call: { onAttempt?: AttemptListener; signal?: AbortSignal } = {},
  ): Promise<string> {
    const nowMs = this.#clock.now().getTime();
    if (this.#cached && this.#cached.expiresAtMs - this.#marginMs > nowMs)
      return this.#cached.value;
    // Concurrent callers share one token request.
    this.#pendingToken ??= requestToken({
      baseUrl: this.baseUrl,
      clientId: this.#options.clientId,
      clientSecret: this.#options.clientSecret,
      nowMs,
      send: (request) => {
        this.#counters.tokenRequests += 1;
        const listeners = this.#listeners(call.onAttempt);
        return this.#withRetries({ ...request, signal: call.signal }, listeners, true);
      },
    }).finally(() => {
      this.#pendingToken = undefined;
    });
    this.#cached = await this.#pendingToken;
    return this.#cached.value;
  }

  async request(call: RequestOptions): Promise<PowerSchoolResponse> {
    const url = buildUrl(this.baseUrl, call.path, call.query);
    const body = call.json === undefined ? undefined : JSON.stringify(call.json);
    const auth = call.auth ?? true;
    for (let reauthenticated = false; ; reauthenticated = true) {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (auth) headers.authorization = `Bearer ${await this.getToken(call)}`;
      try {
        const sent = { method: call.method, url, headers, body, signal: call.signal };
        return await this.#withRetries(sent, this.#listeners(call.onAttempt), false);
      } catch (error) {
        // An expired or revoked token answers 401: fetch a new one once, then give up (GH PR
        // "Attempt any 401 in case of expired creds").
        const expired = error instanceof PowerSchoolError && error.code === 'unauthorized';
        if (!auth || !expired || reauthenticated) throw error;
        this.#cached = undefined;
      }
    }
  }

  #listeners(extra?: AttemptListener): AttemptListener[] {
    return [this.#options.onAttempt, extra].filter((l): l is AttemptListener => l !== undefined);
  }

  async #withRetries(
    request: SendRequest,
    listeners: AttemptListener[],
    redactBody: boolean,
  ): Promise<PowerSchoolResponse> {
    const context = {
      dispatcher: this.#options.dispatcher,
      timeoutMs: this.#timeoutMs,
      clock: this.#clock,
    };
    for (let retryIndex = 0; ; retryIndex += 1) {
      const started = Date.now();
      const startedAt = this.#clock.now().toISOString();
      this.#counters.requests += 1;
      try {
        const response = await sendOnce(request, context);
        const attempt = attemptFromResponse(request, response, startedAt, Date.now() - started);
        if (redactBody) delete attempt.bodyText;
        for (const listener of listeners) listener(attempt);
        return response;
      } catch (error) {
        if (!(error instanceof PowerSchoolError)) throw error;
        const canRetry = isRetryable(error) && retryIndex < this.#retry.retries;
        const waitMs = canRetry ? retryDelay(error, retryIndex, this.#retry) : undefined;
        const attempt = attemptFromError(error, startedAt, Date.now() - started, waitMs);
        for (const listener of listeners) listener(attempt);
        if (waitMs === undefined) throw error.withAttempts(retryIndex + 1);
        await this.#retry.sleep(waitMs, request.signal);
      }
    }
  }
}

/** What one attempt sends. */
export interface SendRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** Joins the base URL, a path and query parameters. */
export function buildUrl(
  baseUrl: string,
  path: string,
  query: Record<string, string | number> = {},
): string {
  const search = new URLSearchParams(
    Object.entries(query).map(([key, value]): [string, string] => [key, String(value)]),
  ).toString();
  return `${baseUrl}${path}${search ? `?${search}` : ''}`;
}
