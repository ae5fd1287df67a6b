/**
 * Grouped commits: while a run is on, stamps, attempts and final states are queued and committed
 * together when GROUP_MAX_WRITES are waiting, GROUP_MAX_DELAY_MS after the first, before any read
 * of the store, and at the end. A commit per state change was most of a run's SQLite cost
 * (docs/benchmarks.md, figure 3). A crash loses at most the queued writes: their events are still
 * "sending", so the next run sends them again, which PowerSchool takes as an update of the same
 * record (decision 015).
 */

/** Grouped writes are committed once this many are waiting... */
const GROUP_MAX_WRITES = 500;
/** ...or this long after the first of them was queued, whichever comes first. */
const GROUP_MAX_DELAY_MS = 100;

/** A queue of writes committed in one transaction by `commit`. */
export class WriteQueue {
  readonly #queued: (() => void)[] = [];
  readonly #commit: (writes: readonly (() => void)[]) => void;
  #depth = 0;
  #timer: NodeJS.Timeout | undefined;
  /** A timed commit that failed, thrown to the next caller. */
  #error: unknown;

  /** `commit` runs the writes in one transaction (or throws and leaves them queued). */
  constructor(commit: (writes: readonly (() => void)[]) => void) {
    this.#commit = commit;
  }

  /** Starts a grouping span; spans nest. */
  start(): void {
    this.#depth += 1;
  }

  /** Ends a span; the last one out commits what is queued. */
  end(): void {
    this.#depth = Math.max(0, this.#depth - 1);
    if (this.#depth === 0) this.flush();
  }

  /** Runs a write now, or queues it while a span is open. */
  write(write: () => void): void {
    if (this.#depth === 0) {
      write();
      return;
    }
    this.#queued.push(write);
    if (this.#queued.length >= GROUP_MAX_WRITES) this.flush();
    else this.#timer ??= setTimeout(() => this.#timedFlush(), GROUP_MAX_DELAY_MS).unref();
  }

  /** Commits every queued write (nothing to do when none is queued); rethrows a timed failure. */
  flush(): void {
    if (this.#error !== undefined) {
      const error = this.#error;
      this.#error = undefined;
      throw error;
    }
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#queued.length === 0) return;
    // On failure the transaction rolls back and the writes stay queued for the next try.
    this.#commit(this.#queued);
    this.#queued.length = 0;
  }

  #timedFlush(): void {
    this.#timer = undefined;
    try {
      this.flush();
    } catch (error) {
      this.#error = error;
    }
  }
}
