/**
 * Request bodies of the /ws/* POST endpoints: a size limit (413), JSON only (415), parsed JSON
 * (400 on malformed input). Each answer is PowerSchool-shaped and the simulator keeps serving.
 */
import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { psError } from '../http-errors.ts';
import { nodeRequestOf, requestHeader } from '../request-headers.ts';

/** Inferred: PowerSchool's request size limit is not public; 1 MiB holds 200 attendance records many times over. */
export const MAX_API_BODY_BYTES = 1024 * 1024;

/**
 * Refuses bodies over `maxBytes` with 413 and a PowerSchool-style body. A declared
 * Content-Length is checked from the header alone; only a streamed (chunked) body goes through
 * Hono's bodyLimit, which reads it. Measured (docs/benchmarks.md): Hono's bodyLimit touches
 * `c.req.raw.body` first, which makes @hono/node-server build a full web Request and stream for
 * every request, GETs included; that was a quarter of a write's CPU time.
 */
export function limitBody(maxBytes: number): MiddlewareHandler {
  const tooLarge = (c: Context): Response =>
    c.json(
      {
        message: `Request body too large: the limit is ${maxBytes} bytes. Send fewer records per call.`,
      },
      413,
    );
  const limitStreamedBody = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  // Not async: a middleware that only passes the request on adds no promise of its own.
  return function limitRequestBody(c, next) {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return next();
    const declared = requestHeader(c, 'content-length');
    if (declared !== undefined && requestHeader(c, 'transfer-encoding') === undefined) {
      if (Number.parseInt(declared, 10) > maxBytes) return Promise.resolve(tooLarge(c));
      return next();
    }
    return limitStreamedBody(c, next);
  };
}

/** Requires `Content-Type: application/json` on POSTs (API-REF lists 415 "Invalid content-type"). */
export function requireJsonContent(): MiddlewareHandler {
  return function checkJsonContentType(c, next) {
    assertJsonContent(c);
    return next();
  };
}

/** requireJsonContent's check, for a handler that runs it in line: 415 unless a POST sends JSON. */
export function assertJsonContent(c: Context): void {
  if (c.req.method !== 'POST') return;
  const type = requestHeader(c, 'content-type') ?? '';
  if (!/^application\/json\b/i.test(type.trim())) {
    throw psError(
      415,
      `Invalid content-type: ${type ? `"${type}"` : 'none'}; send Content-Type: application/json.`,
    );
  }
}

/** Parses the JSON body; an empty body is `emptyAs` (or a 400 when undefined). */
export async function readJsonBody(c: Context, emptyAs?: unknown): Promise<unknown> {
  const text = await readBodyText(c);
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

/** The Node request behind @hono/node-server (its `incoming` binding); none under app.request(). */
function unreadNodeRequest(c: Context): IncomingMessage | undefined {
  const incoming = nodeRequestOf(c);
  // Once anything has read the stream (Hono's own body reading, a streamed-body limit), the
  // body is Hono's to hand out.
  if (!incoming || typeof incoming.on !== 'function' || incoming.readableDidRead) return undefined;
  return incoming;
}

/**
 * The body as text. Under Node it is read straight from the socket's request stream: Hono's
 * c.req.text() would first build a web Request and a web stream around it, which costs more
 * than the whole attendance validation (measured, docs/benchmarks.md).
 */
function readBodyText(c: Context): Promise<string> {
  const incoming = unreadNodeRequest(c);
  if (!incoming) return c.req.text();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    // `on`, not `once`: each event comes once per request, and `once` wraps every listener.
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      // A small body is one chunk: decode it where it lies rather than copy it first.
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      resolve(body.toString('utf8'));
    });
    incoming.on('error', reject);
    incoming.on('close', () => {
      if (!incoming.readableEnded) reject(new Error('the client closed the request mid-body'));
    });
  });
}
