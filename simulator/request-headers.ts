/**
 * Request headers and the Node request behind a Hono context. Under @hono/node-server, the
 * first `c.req.header()` builds a web Headers object from every header the request carries;
 * on a write that was a few per cent of its CPU time (docs/benchmarks.md, figure 1). The
 * middleware that run on every request read the few headers they need from Node's raw list
 * instead, with the same answer Headers.get gives.
 */
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

/** The Node request behind @hono/node-server (its `incoming` binding); none under app.request(). */
export function nodeRequestOf(c: Context): IncomingMessage | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming && Array.isArray(incoming.rawHeaders) ? incoming : undefined;
}

/**
 * A request header by its lower-case name, as web Headers.get answers it: undefined when
 * absent, repeated headers joined with ", " (Node's own `headers` object keeps only the first
 * Authorization or Content-Type, which would answer a request with two differently).
 */
export function requestHeader(c: Context, lowerCaseName: string): string | undefined {
  const incoming = nodeRequestOf(c);
  if (!incoming) return c.req.header(lowerCaseName);
  const raw = incoming.rawHeaders;
  let value: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length !== lowerCaseName.length || name.toLowerCase() !== lowerCaseName) continue;
    value = value === undefined ? raw[i + 1]! : `${value}, ${raw[i + 1]!}`;
  }
  return value;
}
