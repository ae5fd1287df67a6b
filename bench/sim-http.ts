/**
 * The few plain HTTP calls the harness makes to a simulator outside any timing: a token, the
 * control routes (/__sim/reset, /__sim/journal). A failed call throws with the answer's text.
 */
import { request } from 'undici';

async function call(
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  options: { headers?: Record<string, string>; body?: string } = {},
): Promise<unknown> {
  const response = await request(url, { method, ...options });
  const text = await response.body.text();
  if (response.statusCode >= 300) {
    throw new Error(`${method} ${url} answered ${response.statusCode}: ${text.slice(0, 300)}`);
  }
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

/** An access token for the plugin's credentials (reference section 2). */
export async function fetchToken(
  baseUrl: string,
  clientId: string,
  clientSecret: string,
): Promise<string> {
  const basic = Buffer.from(`${clientId}:${clientSecret}`).toString('base64');
  const body = (await call('POST', `${baseUrl}/oauth/access_token`, {
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
    },
    body: 'grant_type=client_credentials',
  })) as { access_token: string };
  return body.access_token;
}

/** Restores the simulator's seed district (attendance written so far is dropped). */
export async function resetDistrict(baseUrl: string): Promise<void> {
  await call('POST', `${baseUrl}/__sim/reset`, {
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
}

/** Empties the simulator's request journal. */
export async function clearJournal(baseUrl: string): Promise<void> {
  await call('DELETE', `${baseUrl}/__sim/journal`);
}

/** How many requests the simulator journaled since it was last cleared. */
export async function journalSize(baseUrl: string): Promise<number> {
  const body = (await call('GET', `${baseUrl}/__sim/journal?limit=1`)) as { size: number };
  return body.size;
}

/** Adds a fault rule (POST /__sim/faults), e.g. latency on the attendance writes. */
export async function addFault(baseUrl: string, rule: Record<string, unknown>): Promise<void> {
  await call('POST', `${baseUrl}/__sim/faults`, {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(rule),
  });
}
