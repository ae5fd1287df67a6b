/**
 * The one reader of request bodies, for every route that takes one: the size limit (413), the
 * content type (415), a blank body and malformed JSON (400). Each caller's rules name what the
 * body is, how large it may be, what a blank body means, and which error shape answers it
 * (PowerSchool's `{"message","errors"}` or OAuth 2.0's `{"error","error_description"}`), so a
 * refusal always says what was wrong and what to send instead.
 */
import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { formatBytes } from '../../plugin/bundle-limits.ts';
import { PsHttpError, psError } from './errors.ts';

/** Inferred: PowerSchool's request size limit is not public; 1 MiB holds 200 attendance records many times over. */
export const MAX_API_BODY_BYTES = 1024 * 1024;

/** A control route that takes no body ignores at most this much of one (413 past it). */
export const UNREAD_BODY_LIMIT = 1024;

/** The error shapes a refusal can take. */
export const BODY_ERROR_SHAPES = ['powerschool', 'oauth'] as const;
export type BodyErrorShape = (typeof BODY_ERROR_SHAPES)[number];

/** How one route reads its body. */
export interface BodyRules {
  /** What the body is, in messages: "an attendance write", "the clock change". */
  what: string;
  /** The largest body accepted, in bytes (413 past it). */
  maxBytes: number;
  /** Media types accepted (415 otherwise); "json" is application/json or any application/*+json. */
  accept: 'json' | readonly string[];
  /**
   * What an empty or whitespace-only body stands for (PowerSchool reads a PowerQuery without
   * arguments as `{}`); without it a blank body is refused with 400.
   */
  blankMeans?: unknown;
  /** What to send instead, added to a refusal: "Send {} to restore the seed." */
  hint?: string;
  /** Default "powerschool"; "oauth" answers RFC 6749's invalid_request (and 400 for a content type). */
  errorShape?: BodyErrorShape;
}

/** An error in the caller's shape. */
function refusal(rules: BodyRules, status: 400 | 413 | 415, message: string): PsHttpError {
  const text = rules.hint ? `${message} ${rules.hint}` : message;
  if (rules.errorShape === 'oauth') {
    // RFC 6749 5.2: a malformed token request is invalid_request, a 400 (413 stays 413).
    return new PsHttpError(status === 413 ? 413 : 400, {
      error: 'invalid_request',
      error_description: text,
    });
  }
  return psError(status, text);
}

/** The media type of a Content-Type header, lower case, without parameters. */
function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

function accepts(rules: BodyRules, mediaType: string): boolean {
  if (rules.accept === 'json') {
    return mediaType === 'application/json' || /^application\/[a-z0-9.+-]*\+json$/.test(mediaType);
  }
  return rules.accept.includes(mediaType);
}

/** The 415 check alone, for a handler that refuses a wrong content type before anything else. */
export function assertContentType(c: Context, rules: BodyRules): void {
  const contentType = c.req.header('content-type');
  if (accepts(rules, mediaTypeOf(contentType))) return;
  const expected = rules.accept === 'json' ? 'application/json' : rules.accept.join(' or ');
  throw refusal(
    rules,
    415,
    `Invalid content-type: ${contentType ? `"${contentType}"` : 'none'}; send ${rules.what} with Content-Type: ${expected}.`,
  );
}

function tooLarge(rules: BodyRules): PsHttpError {
  return refusal(
    rules,
    413,
    `Request body too large: ${rules.what} may be at most ${formatBytes(rules.maxBytes)} (${rules.maxBytes} bytes).`,
  );
}

/**
 * For a route that takes no body: a declared body over UNREAD_BODY_LIMIT is refused (413)
 * rather than silently ignored, so a misdirected upload is noticed and nothing changes.
 */
export function refuseUnreadBody(route: string): MiddlewareHandler {
  const rules: BodyRules = {
    what: `a body sent to ${route}, which takes none,`,
    maxBytes: UNREAD_BODY_LIMIT,
    accept: 'json',
  };
  return function refuseBodyItDoesNotRead(c, next) {
    const declared = c.req.header('content-length');
    if (declared !== undefined && Number.parseInt(declared, 10) > UNREAD_BODY_LIMIT) {
      throw tooLarge(rules);
    }
    return next();
  };
}

/** The body's bytes, after the content-type and size checks. */
export async function readBodyBytes(c: Context, rules: BodyRules): Promise<Buffer> {
  // A declared length over the limit is refused from the header alone: nothing is read.
  const declared = c.req.header('content-length');
  if (declared !== undefined && Number.parseInt(declared, 10) > rules.maxBytes) {
    throw tooLarge(rules);
  }
  assertContentType(c, rules);
  const bytes = await readLimited(c, rules.maxBytes);
  if (bytes === undefined) throw tooLarge(rules);
  return bytes;
}

/** True for an empty or whitespace-only body (tested without copying it). */
function isBlank(text: string): boolean {
  return !/\S/.test(text);
}

/** The body as text (UTF-8); a blank body is refused unless the rules say what it means. */
export async function readBodyText(c: Context, rules: BodyRules): Promise<string> {
  const text = (await readBodyBytes(c, rules)).toString('utf8');
  if (isBlank(text) && !('blankMeans' in rules)) {
    throw refusal(rules, 400, `Invalid payload structure: the request body is empty.`);
  }
  return text;
}

/** The body parsed as JSON; a blank body is `rules.blankMeans`, or a 400 without it. */
export async function readJsonBody(c: Context, rules: BodyRules): Promise<unknown> {
  const text = await readBodyText(c, rules);
  if (isBlank(text)) return rules.blankMeans;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw refusal(rules, 400, `Invalid JSON in request body: ${(error as Error).message}.`);
  }
}

/** The Node request behind @hono/node-server while nothing has read its body; none in process. */
function unreadNodeRequest(c: Context): IncomingMessage | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming || typeof incoming.on !== 'function' || incoming.readableDidRead) return undefined;
  return incoming;
}

/**
 * The body, or undefined once it passes `maxBytes` (a chunked body has no length to check
 * first). Under Node it is read straight from the request stream, the limit applied as it
 * arrives: Hono's own readers take the whole body whatever its size (and under @hono/node-server
 * 1.x built a web Request and a web stream around it, which cost more than a whole attendance
 * validation; docs/benchmarks.md, figure 1: the Content-Length body fix).
 */
function readLimited(c: Context, maxBytes: number): Promise<Buffer | undefined> {
  const incoming = unreadNodeRequest(c);
  if (!incoming) return readWebBody(c, maxBytes);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // `on`, not `once`: each event comes once per request, and `once` wraps every listener.
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) resolve(undefined);
      else chunks.push(chunk);
    });
    incoming.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    incoming.on('error', reject);
    incoming.on('close', () => {
      if (!incoming.readableEnded) reject(new Error('the client closed the request mid-body'));
    });
  });
}

/** In process (app.request) the body is a web stream: read it with the same limit. */
async function readWebBody(c: Context, maxBytes: number): Promise<Buffer | undefined> {
  const stream = c.req.raw.body;
  if (!stream) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
