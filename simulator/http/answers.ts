/**
 * Answer schemas every area shares: PowerSchool's error body, OAuth's, the 25.2 v1 gate's, and
 * the small building blocks (a count, a v1 collection with its one-item quirk).
 */
import { z } from 'zod';

/** One entry of a PowerSchool error body's `errors` list (reference section 3). */
export const psErrorDetailAnswer = z.strictObject({
  resource: z.string().optional(),
  field: z.string().optional(),
  code: z.string(),
  message: z.string().optional(),
});

/** PowerSchool's 4xx/5xx body: `{"message":..,"errors":[..]}` (reference section 3, TS parses it). */
export const psErrorAnswer = z.strictObject({
  message: z.string().min(1),
  errors: z.array(psErrorDetailAnswer).optional(),
});

/** OAuth 2.0's error body (RFC 6749 5.2), the token endpoint's refusals (inferred). */
export const oauthErrorAnswer = z.strictObject({
  error: z.enum(['invalid_request', 'invalid_client', 'unsupported_grant_type']),
  error_description: z.string(),
});

/** The 25.2-era field report's 401 for a plugin whose v1 access level is NONE. */
export const v1GateAnswer = z.strictObject({
  errorMessage: z.strictObject({ message: z.string() }),
});

/** Any refusal the simulator gives: the `default` answer of every route. */
export const anyErrorAnswer = z.union([psErrorAnswer, oauthErrorAnswer, v1GateAnswer]);

/** A PowerSchool error answer, documented for the statuses a route gives. */
export function errorAnswer(description: string): { description: string; schema: z.ZodType } {
  return { description, schema: psErrorAnswer };
}

/** `{"resource":{"count":N}}`: a v1 `/count` (reference section 3). */
export const v1CountAnswer = z.strictObject({
  resource: z.strictObject({ count: z.number().int().nonnegative() }),
});

/** `{"count":N}`: a schema table or PowerQuery count (API-REF RecordCount). */
export const countAnswer = z.strictObject({ count: z.number().int().nonnegative() });

/**
 * A v1 item list with v1's quirk (GH Paginator.php, SwiftyPSCore): one item is an object, not
 * an array; none is an empty array (inferred).
 */
export function oneOrMany<T extends z.ZodType>(item: T): z.ZodUnion<[z.ZodArray<T>, T]> {
  return z.union([z.array(item), item]);
}
