/**
 * Every error of the service's API as RFC 9457 problem details (application/problem+json): a
 * `type` naming the kind of problem (a relative URI under /api/problems/, one per status family
 * below), a `title`, the `status`, a `detail` that says what was wrong and what is valid, the
 * `instance` (the request's path) and, where several things were wrong, `errors`.
 *
 * A ConnectorError becomes the status its code calls for (STATUS_OF_CODE); anything unexpected is
 * a 500 that names no internals (the stack goes to the service log only through onError's log).
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import {
  ConnectorError,
  PowerSchoolError,
  type ConnectorErrorCode,
} from '../../connector/index.ts';

/** One problem among several (a batch's bad events, a request's bad fields). */
export interface ProblemItem {
  /** A JSON pointer into the request (`/2/occurredAt`), when one applies. */
  pointer?: string;
  message: string;
}

export interface ProblemInput {
  title: string;
  detail: string;
  /** Defaults to /api/problems/<slug of the status>. */
  type?: string;
  errors?: readonly ProblemItem[];
  headers?: Record<string, string>;
}

/** The problem type of each status the API answers with. */
const TYPES: Record<number, string> = {
  400: '/api/problems/malformed-request',
  401: '/api/problems/unauthorized',
  403: '/api/problems/forbidden',
  404: '/api/problems/not-found',
  405: '/api/problems/method-not-allowed',
  409: '/api/problems/conflict',
  413: '/api/problems/body-too-large',
  415: '/api/problems/unsupported-media-type',
  422: '/api/problems/invalid',
  429: '/api/problems/too-many-requests',
  500: '/api/problems/internal',
  503: '/api/problems/unavailable',
};

/** A problem+json answer. */
export function problem(c: Context, status: ContentfulStatusCode, input: ProblemInput): Response {
  const body = {
    type: input.type ?? TYPES[status] ?? 'about:blank',
    title: input.title,
    status,
    detail: input.detail,
    instance: c.req.path,
    ...(input.errors && input.errors.length > 0 ? { errors: input.errors } : {}),
  };
  return c.body(JSON.stringify(body), status, {
    'content-type': 'application/problem+json',
    ...input.headers,
  });
}

/** The status and title of each connector code the API can meet. */
const STATUS_OF_CODE: Partial<Record<ConnectorErrorCode, [ContentfulStatusCode, string]>> = {
  invalid_event: [422, 'The events are not valid'],
  invalid_filter: [422, 'The filter is not valid'],
  invalid_settings: [422, 'The request is not valid'],
  event_conflict: [409, 'The event id was used with other contents'],
  event_not_found: [404, 'No such event'],
  event_not_resendable: [409, 'The event cannot be sent again now'],
  event_busy: [409, 'The event is being written; try again in a few seconds'],
  remove_refused: [502, 'PowerSchool refused to remove a record'],
  permission_denied: [403, 'Not allowed for this API key'],
  invalid_user: [422, 'The user is not valid'],
  user_exists: [409, 'A user with this email exists'],
  user_not_found: [404, 'No such user'],
  unknown_school: [422, 'Unknown school'],
  not_connected: [503, 'The service has no PowerSchool connection'],
  not_on_postgres: [501, 'Not served on PostgreSQL yet'],
  district_not_found: [404, 'No such district'],
  store_unreadable: [503, 'The log database cannot be read'],
  store_busy: [503, 'The log database is busy'],
  disk_full: [503, 'The disk is full'],
};

/** The status a connector code answers with, where the API maps it (the page uses it too). */
export function statusOfCode(code: ConnectorErrorCode): ContentfulStatusCode | undefined {
  return STATUS_OF_CODE[code]?.[0];
}

/** The answer for an error thrown by a route. */
export function problemFromError(c: Context, error: unknown): Response {
  if (error instanceof ConnectorError) {
    const [status, title] = STATUS_OF_CODE[error.code] ?? [500, 'The request failed'];
    // The details the message does not already say (each bad event of a batch, by position).
    const extra = error.details.filter((detail) => !error.message.includes(detail));
    return problem(c, status, {
      title,
      detail: extra.length > 0 ? `${error.message} ${extra.join('; ')}` : error.message,
      errors: extra.map((message) => ({ message })),
      type: `/api/problems/${error.code.replace(/_/g, '-')}`,
      // The lock is held by another process for a moment: a retry soon may well succeed.
      ...(error.code === 'store_busy' ? { headers: { 'retry-after': '1' } } : {}),
    });
  }
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode;
    return problem(c, status, {
      title: status === 400 ? 'The request is malformed' : error.message || 'The request failed',
      detail:
        status === 400
          ? 'The body is not valid JSON. Send one event object, or an array of events, as application/json.'
          : error.message,
    });
  }
  if (error instanceof PowerSchoolError) {
    // A call the route made to PowerSchool (a correction's removal) failed: PowerSchool's words.
    return problem(c, 502, {
      title: 'PowerSchool answered with an error',
      detail: error.message,
      type: `/api/problems/${error.code.replace(/_/g, '-')}`,
    });
  }
  return problem(c, 500, {
    title: 'Internal error',
    detail: 'The service failed on this request; its log says why.',
  });
}
