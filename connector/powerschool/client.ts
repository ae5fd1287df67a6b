/**
 * The PowerSchool transport: OAuth token (cached until expiry, one re-auth on 401), timeouts,
 * retries with capped backoff and jitter, Retry-After, and a record of every attempt. The
 * dispatcher is injected (undici Agent, MockAgent) so one code path talks to a real server, the
 * simulator or a mock. Facts: docs/powerschool-reference.md section 2.
 */
import type { Dispatcher } from 'undici';
import { type Clock, systemClock } from '../domain/index.ts';
import {
  type AttemptListener,
  type CallOptions,
  DEFAULT_RETRY_OPTIONS,
  PowerSchoolError,
  type PowerSchoolResponse,
  type RetryOptions,
  type SendContext,
  type SendRequest,
  sendWithRetries,
} from '../http/index.ts';
import { requestToken, type AccessToken } from './token.ts';

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

/** One call: method, path, query, JSON body, auth, and the call's listener and signal. */
export interface RequestOptions extends CallOptions {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path from the server root, e.g. /ws/v1/metadata. */
  path: string;
  query?: Record<string, string | number>;
  /** Sent as JSON. */
  json?: unknown;
  /** Send the bearer token (default true). */
  auth?: boolean;
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
  getToken(call?: CallOptions): Promise<string>;
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
  readonly #marginMs: number;
  readonly #counters: ClientStats = { requests: 0, tokenRequests: 0 };
  readonly #send: SendContext;
  #cached: AccessToken | undefined;
  #pendingToken: Promise<AccessToken> | undefined;

  constructor(options: PowerSchoolClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#marginMs = options.tokenRefreshMarginMs ?? DEFAULT_TOKEN_MARGIN_MS;
    this.#send = {
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      clock: this.#clock,
      retry: { ...DEFAULT_RETRY_OPTIONS, ...options.retry },
      onSend: () => {
        this.#counters.requests += 1;
      },
    };
  }

  stats(): ClientStats {
    return { ...this.#counters };
  }

  invalidateToken(): void {
    this.#cached = undefined;
  }

  async getToken(call: CallOptions = {}): Promise<string> {
    const nowMs = this.#clock.now().getTime();
    if (this.#cached && this.#cached.expiresAtMs - this.#marginMs > nowMs)
      return this.#cached.value;
    // Concurrent callers share one token request.
    this.#pendingToken ??= requestToken({
      baseUrl: this.baseUrl,
      clientId: this.#options.clientId,
      clientSecret: this.#options.clientSecret,
      nowMs,
      send: (request: SendRequest) => {
        this.#counters.tokenRequests += 1;
        const sent = { ...request, signal: call.signal };
        return sendWithRetries(sent, this.#send, this.#listeners(call.onAttempt), true);
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
        return await sendWithRetries(sent, this.#send, this.#listeners(call.onAttempt));
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
