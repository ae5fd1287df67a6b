/**
 * The one error the PowerSchool transport throws, shaped like ofetch's FetchError: method, url,
 * status, parsed body, raw body text and a stable `code` callers switch on. It is a
 * ConnectorError, so one `instanceof` catches every connector failure.
 */
import { ConnectorError, type PowerSchoolErrorCode } from '../domain/index.ts';

export {
  POWERSCHOOL_ERROR_CODES,
  isPowerSchoolErrorCode,
  type PowerSchoolErrorCode,
} from '../domain/index.ts';

/** The reason phrases PowerSchool's answers carry (Guzzle prints them after the status). */
const REASON_PHRASES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The standard reason phrase of an HTTP status ("400" -> "Bad Request"). */
export function reasonPhrase(status: number): string {
  return REASON_PHRASES[status] ?? (status >= 500 ? 'Server Error' : 'Error');
}

/** Maps an HTTP error status to its stable code. */
export function codeForStatus(status: number): PowerSchoolErrorCode {
  if (status === 400) return 'bad_request';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  return 'http_error';
}

/** Everything a PowerSchoolError carries. */
export interface PowerSchoolErrorInit {
  code: PowerSchoolErrorCode;
  method: string;
  url: string;
  status?: number;
  statusText?: string;
  /** The body parsed as JSON, when it was JSON. */
  body?: unknown;
  /** The body exactly as received (kept whole for the writeback log). */
  bodyText?: string;
  /** How many attempts were made before giving up. */
  attempts?: number;
  /** Retry-After in ms, when the server sent one. */
  retryAfterMs?: number;
  cause?: unknown;
  detail?: string;
}

/** A failed PowerSchool call. Message: [POST] "https://host/ws/..": 400 Bad Request */
export class PowerSchoolError extends ConnectorError {
  override name = 'PowerSchoolError';
  declare readonly code: PowerSchoolErrorCode;
  readonly method: string;
  readonly url: string;
  readonly status: number | undefined;
  readonly statusText: string | undefined;
  readonly body: unknown;
  readonly bodyText: string | undefined;
  readonly attempts: number;
  readonly retryAfterMs: number | undefined;
  /** For errors without a response: what happened (e.g. "connect ECONNREFUSED"). */
  readonly detail: string | undefined;

  constructor(init: PowerSchoolErrorInit) {
    const outcome =
      init.status !== undefined
        ? `${init.status} ${init.statusText ?? reasonPhrase(init.status)}`
        : (init.detail ?? init.code);
    super(init.code, `[${init.method}] "${init.url}": ${outcome}`, { cause: init.cause });
    this.method = init.method;
    this.url = init.url;
    this.status = init.status;
    this.statusText = init.statusText;
    this.body = init.body;
    this.bodyText = init.bodyText;
    this.attempts = init.attempts ?? 1;
    this.retryAfterMs = init.retryAfterMs;
    this.detail = init.detail;
  }

  /** The same error, noting how many attempts were made in all. */
  withAttempts(attempts: number): PowerSchoolError {
    return new PowerSchoolError({ ...this.toInit(), attempts });
  }

  private toInit(): PowerSchoolErrorInit {
    return {
      code: this.code,
      method: this.method,
      url: this.url,
      status: this.status,
      statusText: this.statusText,
      body: this.body,
      bodyText: this.bodyText,
      attempts: this.attempts,
      retryAfterMs: this.retryAfterMs,
      cause: this.cause,
      detail: this.detail,
    };
  }
}
