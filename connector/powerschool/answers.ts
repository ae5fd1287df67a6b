/**
 * Reading PowerSchool's answers: numbers that come as numbers or strings, the v1 one-item quirk,
 * and a schema check that names what was expected (never echoing the body into a message).
 */
import { z } from 'zod';
import { PowerSchoolError, type PowerSchoolResponse } from '../http/index.ts';

/** A whole number that PowerSchool may send as a number or as a string. */
export const looseInt = z.union([
  z.number().int(),
  z
    .string()
    .trim()
    .regex(/^-?\d+$/)
    .transform(Number),
]);
/** Like looseInt, but null/absent/"" mean "no value". */
export const optionalLooseInt = z
  .union([looseInt, z.literal(''), z.null(), z.undefined()])
  .transform((value) => (typeof value === 'number' ? value : undefined))
  .optional();

/** v1 quirk: a collection with one item comes back as an object, not an array (GH Paginator). */
export function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

/** The error for a 2xx answer that does not have the expected shape. */
export function invalidAnswer(
  response: PowerSchoolResponse,
  expected: string,
  method = 'GET',
): PowerSchoolError {
  return new PowerSchoolError({
    code: 'invalid_response',
    method,
    url: response.url,
    body: response.body,
    bodyText: response.bodyText,
    detail: `expected ${expected}`,
  });
}

/** Parses an answer with a schema or throws invalid_response naming what was expected. */
export function parseAnswer<S extends z.ZodType>(
  schema: S,
  response: PowerSchoolResponse,
  expected: string,
): z.output<S> {
  const parsed = schema.safeParse(response.body);
  if (!parsed.success) throw invalidAnswer(response, expected);
  return parsed.data;
}
