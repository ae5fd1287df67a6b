/**
 * Request bodies of the /ws/* POST endpoints: a size limit (413), JSON only (415), parsed JSON
 * (400 on malformed input). Each answer is PowerSchool-shaped and the simulator keeps serving.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { psError } from '../http-errors.ts';

/** Inferred: PowerSchool's request size limit is not public; 1 MiB holds 200 attendance records many times over. */
export const MAX_API_BODY_BYTES = 1024 * 1024;

/** Refuses bodies over `maxBytes` with 413 and a PowerSchool-style body. */
export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c) =>
      c.json(
        {
          message: `Request body too large: the limit is ${maxBytes} bytes. Send fewer records per call.`,
        },
        413,
      ),
  });
}

/** Requires `Content-Type: application/json` on POSTs (API-REF lists 415 "Invalid content-type"). */
export function requireJsonContent(): MiddlewareHandler {
  return async function checkJsonContentType(c, next) {
    if (c.req.method === 'POST') {
      const type = c.req.header('content-type') ?? '';
      if (!/^application\/json\b/i.test(type.trim())) {
        throw psError(
          415,
          `Invalid content-type: ${type ? `"${type}"` : 'none'}; send Content-Type: application/json.`,
        );
      }
    }
    await next();
  };
}

/** Parses the JSON body; an empty body is `emptyAs` (or a 400 when undefined). */
export async function readJsonBody(c: Context, emptyAs?: unknown): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') {
    if (emptyAs !== undefined) return emptyAs;
    throw psError(400, 'Invalid payload structure: the request body is empty; send a JSON object.');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw psError(400, `Invalid JSON in request body: ${(error as Error).message}.`);
  }
}
