/**
 * An undici dispatcher that counts every HTTP request the connector sends and keeps a copy of
 * the attendance writes (method, path, body), so the same writes can be posted again raw. The
 * body is passed on as the same kind of stream it came as: the connector's requests go out
 * exactly as they would without the counter.
 */
import { Agent, type Dispatcher } from 'undici';

/** A request as sent: method, path with query, and the body when it was kept. */
export interface SentRequest {
  method: string;
  path: string;
  body?: Buffer;
}

/** The dispatcher to hand the connector, what it saw, and a way to close its connections. */
export interface CountingDispatcher {
  dispatcher: Dispatcher;
  /** Every request, in the order they were dispatched. */
  sent: SentRequest[];
  close(): Promise<void>;
}

type Body = Dispatcher.DispatchOptions['body'];

function isAsyncIterable(body: unknown): body is AsyncIterable<Uint8Array | string> {
  return typeof body === 'object' && body !== null && Symbol.asyncIterator in body;
}

/** Passes the body on unchanged while collecting its bytes into `keep`. */
function copyBody(body: Body, keep: (bytes: Buffer) => void): Body {
  if (typeof body === 'string' || body instanceof Uint8Array) {
    keep(Buffer.from(body));
    return body;
  }
  if (!isAsyncIterable(body)) return body;
  const chunks: Buffer[] = [];
  const copied = (async function* copyChunks() {
    for await (const chunk of body) {
      chunks.push(Buffer.from(chunk));
      yield chunk;
    }
    keep(Buffer.concat(chunks));
  })();
  // undici's fetch hands dispatch an async generator; its types only list streams and buffers.
  return copied as unknown as Body;
}

/** A counting dispatcher; bodies are kept for paths for which `keepBody(path)` is true. */
export function createCountingDispatcher(keepBody: (path: string) => boolean): CountingDispatcher {
  const sent: SentRequest[] = [];
  const agent = new Agent();
  const dispatcher = agent.compose((dispatch) => {
    return function countRequest(options, handler) {
      const request: SentRequest = { method: options.method, path: options.path };
      sent.push(request);
      if (!keepBody(options.path)) return dispatch(options, handler);
      const body = copyBody(options.body, (bytes) => {
        request.body = bytes;
      });
      return dispatch({ ...options, body }, handler);
    };
  });
  return { dispatcher, sent, close: () => agent.close() };
}
