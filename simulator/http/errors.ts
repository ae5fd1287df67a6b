import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** One entry of a PowerSchool error body's `errors` list. */
export interface PsErrorDetail {
  resource?: string;
  field?: string;
  code: string;
  message?: string;
}

/**
 * An error answered in PowerSchool's shape. Route handlers throw it; `renderPsError` (the app's
 * single onError) turns it into the response. The 4xx body shape
 * `{"message":..,"errors":[{"resource","field","code"}]}` is from reference section 3.
 */
export class PsHttpError extends Error {
  override name = 'PsHttpError';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(
      typeof body === 'object' && body !== null && 'message' in body
        ? String((body as { message: unknown }).message)
        : `HTTP ${status}`,
    );
  }
}

/** A PowerSchool-style error: `{"message": message, "errors": [...]}` (errors omitted if none). */
export function psError(
  status: ContentfulStatusCode,
  message: string,
  errors: PsErrorDetail[] = [],
): PsHttpError {
  return new PsHttpError(status, errors.length ? { message, errors } : { message });
}

/** The app's onError: PowerSchool-shaped bodies for every failure; never a stack trace. */
export function renderPsError(error: Error, c: Context): Response {
  if (error instanceof PsHttpError) {
    for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
    return c.json(error.body as object, error.status);
  }
  if (error instanceof HTTPException) {
    return c.json({ message: error.message || 'Request refused' }, error.status);
  }
  // Anything else is a simulator bug: say so without leaking internals.
  console.error('[simulator] unhandled error', error);
  return c.json({ message: 'Internal Server Error' }, 500);
}
