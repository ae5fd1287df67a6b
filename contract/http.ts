/** Sends one interaction's request with undici and reads the answer; the transport is injectable. */
import { request, type Dispatcher } from 'undici';
import type { HttpMethod, RequestBody } from './interaction.ts';

/** What one request needs besides the base URL. */
export interface OutgoingRequest {
  method: HttpMethod;
  path: string;
  headers: Record<string, string>;
  body?: RequestBody;
}

/** The answer: status, headers, and the body parsed as JSON when it says it is JSON. */
export interface IncomingResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON; the raw text when it is not JSON; undefined when empty. */
  body: unknown;
}

/** Options shared by every request of a run. */
export interface TransportOptions {
  baseUrl: string;
  dispatcher?: Dispatcher;
  timeoutMs: number;
}

function encodeBody(body: RequestBody | undefined): { contentType?: string; payload?: string } {
  if (!body) return {};
  if ('form' in body) {
    return {
      // The form the PowerSchool clients send (reference section 2).
      contentType: 'application/x-www-form-urlencoded;charset=UTF-8',
      payload: new URLSearchParams(body.form).toString(),
    };
  }
  return { contentType: 'application/json', payload: JSON.stringify(body.json) };
}

function parseBody(text: string, contentType: string): unknown {
  if (text === '') return undefined;
  if (!/json/i.test(contentType)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Sends the request; network failures and timeouts reject with undici's error. */
export async function sendRequest(
  outgoing: OutgoingRequest,
  { baseUrl, dispatcher, timeoutMs }: TransportOptions,
): Promise<IncomingResponse> {
  const { contentType, payload } = encodeBody(outgoing.body);
  const headers: Record<string, string> = { accept: 'application/json', ...outgoing.headers };
  if (contentType) headers['content-type'] = contentType;
  const response = await request(`${baseUrl}${outgoing.path}`, {
    method: outgoing.method,
    headers,
    ...(payload !== undefined ? { body: payload } : {}),
    ...(dispatcher ? { dispatcher } : {}),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.body.text();
  const responseType = response.headers['content-type'];
  return {
    status: response.statusCode,
    headers: response.headers,
    body: parseBody(
      text,
      Array.isArray(responseType) ? responseType.join(';') : (responseType ?? ''),
    ),
  };
}
