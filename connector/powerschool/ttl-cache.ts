import type { Clock } from '../domain/index.ts';

/**
 * A cache of promises with a time to live: concurrent callers of the same key share one load,
 * a failed load is forgotten (the next caller tries again), and entries expire on the clock.
 */
export class TtlCache<K, V> {
  readonly #entries = new Map<K, { value: Promise<V>; expiresAtMs: number }>();

  constructor(
    readonly clock: Clock,
    readonly ttlMs: number,
    /** A shorter life for some values (e.g. "not found"), so a fix is seen soon. */
    readonly ttlFor: (value: V) => number = () => ttlMs,
  ) {}

  /** The cached value, or the loader's, stored until it expires. */
  get(key: K, load: () => Promise<V>): Promise<V> {
    const nowMs = this.clock.now().getTime();
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAtMs > nowMs) return entry.value;
    return this.set(key, load());
  }

  /** Stores a pending or known value. */
  set(key: K, value: Promise<V>): Promise<V> {
    const entry = { value, expiresAtMs: this.clock.now().getTime() + this.ttlMs };
    this.#entries.set(key, entry);
    value.then(
      (resolved) => {
        entry.expiresAtMs = this.clock.now().getTime() + this.ttlFor(resolved);
      },
      () => {
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
      },
    );
    return value;
  }

  /** True when a live entry exists. */
  has(key: K): boolean {
    const entry = this.#entries.get(key);
    return entry !== undefined && entry.expiresAtMs > this.clock.now().getTime();
  }

  /** Forgets one key. */
  delete(key: K): void {
    this.#entries.delete(key);
  }

  /** Forgets everything. */
  clear(): void {
    this.#entries.clear();
  }
}
