/**
 * zod failures of the platform's control bodies answered in PowerSchool's error shape (never
 * zod's raw shape, never a crash). Bodies themselves are read by http/request-body.ts.
 */
import type { z } from 'zod';
import { PsHttpError } from '../http/errors.ts';

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
