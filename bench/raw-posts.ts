/**
 * Posts recorded attendance writes again with undici alone, a fixed number at a time: the limit a
 * connector run is compared with (the same records, the same server, no lookups, no log).
 */
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import type { SentRequest } from './counting-dispatcher.ts';

/** How a raw replay went. */
export interface RawPostResult {
  elapsedMs: number;
  /** Answers by status code. */
  statuses: Record<number, number>;
}

/** Sends the requests, `concurrency` in flight, in order; resolves when all are answered. */
export async function postRaw(
  baseUrl: string,
  token: string,
  requests: readonly SentRequest[],
  concurrency: number,
): Promise<RawPostResult> {
  const agent = new Agent();
  const statuses: Record<number, number> = {};
  const headers = {
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
    accept: 'application/json',
  };
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < requests.length) {
      const sent = requests[next]!;
      next += 1;
      const response = await request(`${baseUrl}${sent.path}`, {
        method: 'POST',
        headers,
        ...(sent.body ? { body: sent.body } : {}),
        dispatcher: agent,
      });
      await response.body.text();
      statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
    }
  };
  const started = performance.now();
  try {
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
    return { elapsedMs: performance.now() - started, statuses };
  } finally {
    await agent.close();
  }
}
