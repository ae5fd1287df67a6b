/**
 * The simulator app's router: Hono's default (SmartRouter over RegExpRouter and TrieRouter)
 * behind a bounded memory of match results. The simulator's routes include patterns
 * RegExpRouter refuses, so Hono settles on TrieRouter, which walks its tree on every request:
 * a few per cent of a write's CPU time (docs/benchmarks.md, figure 1). Routes are all added
 * before the first request and never change, so the result for a method and path never changes
 * either; Hono only reads a match result, never changes it.
 */
import type { Result, Router } from 'hono/router';
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { SmartRouter } from 'hono/router/smart-router';
import { TrieRouter } from 'hono/router/trie-router';

/** Match results kept at most; past it the memory starts again (paths with ids vary without end). */
const REMEMBERED_PATHS = 2048;

/** A router that remembers the last REMEMBERED_PATHS results of the router it wraps. */
export class RememberedRouter<T> implements Router<T> {
  readonly #router: Router<T>;
  readonly #results = new Map<string, Result<T>>();

  constructor(router: Router<T> = defaultRouter<T>()) {
    this.#router = router;
  }

  /** The wrapped router's name (Hono reports it). */
  get name(): string {
    return this.#router.name;
  }

  /** Adds a route; forgets every remembered result (none exist before the first request). */
  add(method: string, path: string, handler: T): void {
    this.#results.clear();
    this.#router.add(method, path, handler);
  }

  /** The wrapped router's result, remembered by method and path. */
  match(method: string, path: string): Result<T> {
    const key = `${method} ${path}`;
    let result = this.#results.get(key);
    if (result === undefined) {
      result = this.#router.match(method, path);
      if (this.#results.size >= REMEMBERED_PATHS) this.#results.clear();
      this.#results.set(key, result);
    }
    return result;
  }
}

/** Hono's own default router. */
function defaultRouter<T>(): Router<T> {
  return new SmartRouter<T>({ routers: [new RegExpRouter<T>(), new TrieRouter<T>()] });
}
