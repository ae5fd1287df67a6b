import type { Result, Router } from 'hono/router';
import { TrieRouter } from 'hono/router/trie-router';
import { describe, expect, it } from 'vitest';
import { RememberedRouter } from '../../simulator/remembered-router.ts';

/** A TrieRouter that counts the matches it is asked for. */
class CountingRouter implements Router<string> {
  readonly name = 'CountingRouter';
  readonly #inner = new TrieRouter<string>();
  matches = 0;
  add(method: string, path: string, handler: string): void {
    this.#inner.add(method, path, handler);
  }
  match(method: string, path: string): Result<string> {
    this.matches += 1;
    return this.#inner.match(method, path);
  }
}

const handlersOf = (result: Result<string>): string[] => result[0].map(([handler]) => handler);

describe('RememberedRouter (the simulator app router)', () => {
  it('answers as the router it wraps, asking it once per method and path', () => {
    const inner = new CountingRouter();
    const router = new RememberedRouter(inner);
    router.add('ALL', '/ws/*', 'limit');
    router.add('POST', '/ws/attendance/meeting_interval', 'write');
    router.add('GET', '/ws/v1/student/:id', 'student');
    const first = router.match('POST', '/ws/attendance/meeting_interval');
    expect(handlersOf(first)).toEqual(['limit', 'write']);
    expect(router.match('POST', '/ws/attendance/meeting_interval')).toBe(first);
    expect(handlersOf(router.match('GET', '/ws/attendance/meeting_interval'))).toEqual(['limit']);
    expect(router.match('GET', '/ws/v1/student/7')[0][1]?.[1]).toEqual({ id: '7' });
    expect(inner.matches).toBe(3);
    expect(router.name).toBe('CountingRouter');
  });

  it('stays correct past its memory limit (ids in paths vary without end)', () => {
    const inner = new CountingRouter();
    const router = new RememberedRouter(inner);
    router.add('GET', '/ws/v1/student/:id', 'student');
    const wrong: number[] = [];
    for (let id = 0; id < 5000; id += 1) {
      if (router.match('GET', `/ws/v1/student/${id}`)[0][0]?.[1].id !== String(id)) wrong.push(id);
    }
    expect(wrong).toEqual([]);
    expect(inner.matches).toBe(5000);
  });
});
