/**
 * Small pieces shared by the platform's routes: body limits, JSON bodies and zod failures
 * answered in PowerSchool's error shape (never zod's raw shape, never a crash).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import { formatBytes } from '../../plugin/bundle-limits.ts';
import { PsHttpError, psError } from '../http-errors.ts';

/** Refuses bodies over `maxBytes` with 413 and a message naming the limit. */
export function limitBody(maxBytes: number, what: string): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw psError(
        413,
        `The ${what} is larger than the ${formatBytes(maxBytes)} this route accepts.`,
      );
    },
  });
}

/** Reads a JSON body: 415 when it is not JSON, 400 when it does not parse. */
export async function readJsonBody(c: Context): Promise<unknown> {
  const contentType = c.req.header('content-type') ?? '';
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(contentType)) {
    throw psError(
      415,
      `Send the body as JSON with Content-Type: application/json (got ${contentType ? `"${contentType}"` : 'no Content-Type'}).`,
    );
  }
  const text = await c.req.text();
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw psError(400, `The body is not valid JSON: ${reason}.`);
  }
}

/** Parses with zod; a failure becomes 400 listing each bad value's path and what is valid. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw invalidBody(
    what,
    result.error.issues.map((issue) => ({
      field: issue.path.join('.') || '(body)',
      message: issue.message,
    })),
  );
}

/** A 400 in PowerSchool's shape listing each problem. */
export function invalidBody(
  what: string,
  problems: readonly { field: string; message: string }[],
  hint = '',
): PsHttpError {
  const summary = problems.map((problem) => `${problem.field}: ${problem.message}`).join('; ');
  return new PsHttpError(400, {
    message: `Invalid ${what}: ${summary}.${hint ? ` ${hint}` : ''}`,
    errors: problems.map((problem) => ({
      field: problem.field,
      code: 'INVALID_VALUE',
      message: problem.message,
    })),
  });
}
