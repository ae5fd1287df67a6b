/** A MockAgent standing in for one PowerSchool server, plus instant retry settings. */
import { MockAgent } from 'undici';
import type { RetryOptions } from '../../../connector/index.ts';

export const BASE_URL = 'https://ps.example.com';

/** A MockAgent that refuses real network and the pool for BASE_URL. */
export function mockPowerSchool(): { agent: MockAgent; pool: ReturnType<MockAgent['get']> } {
  const agent = new MockAgent();
  agent.disableNetConnect();
  return { agent, pool: agent.get(BASE_URL) };
}

/** Intercepts one token request answering with `token` valid for `expiresIn` seconds. */
export function replyToken(
  pool: ReturnType<MockAgent['get']>,
  token = 'token-1',
  expiresIn = '1814654',
): void {
  pool
    .intercept({ path: '/oauth/access_token', method: 'POST' })
    .reply(200, { access_token: token, token_type: 'Bearer', expires_in: expiresIn });
}

/** Retry settings that never wait: every requested wait is recorded instead. */
export function instantRetry(waits: number[] = []): Partial<RetryOptions> & { waits: number[] } {
  return {
    waits,
    random: () => 0.5,
    sleep: async (ms: number) => {
      waits.push(ms);
    },
  };
}

/** A clock the test moves by hand. */
export function manualClock(start = '2026-03-09T13:00:00Z'): {
  now: () => Date;
  advance: (ms: number) => void;
} {
  let current = Date.parse(start);
  return {
    now: () => new Date(current),
    advance: (ms: number) => {
      current += ms;
    },
  };
}
