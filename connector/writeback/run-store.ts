/**
 * What a writeback run needs from its outbox and log, whatever holds them: claiming due events,
 * finishing each (final, deferred or released), the journal of its attempts and the local date it
 * is shown by, and the student's other events of the day (a return to school, a teacher's mark).
 * SQLite (the embedded default) answers at once; PostgreSQL (several workers, decision 080) over
 * the network, so every step that changes state is awaited. Stamps and attempts are fire and
 * forget: each engine commits them with the event's final state.
 */
import type { HttpAttempt } from '../http/index.ts';
import type { EventOutcome, EventRow, LocalStamp, WritebackStore } from '../store/index.ts';
import { isOwnerAlive } from './owner.ts';

/** A student, by STUDENTS.ID or DCID. */
export interface StudentKey {
  psId?: number;
  dcid?: number;
}

export interface RunStore {
  /** Before a run: puts back what a dead sender left, sets aside unreadable rows; how many back. */
  recover(now: string): Promise<number>;
  /** The outbox's waiting count (a run's first progress total). */
  pendingCount(): Promise<number>;
  /** Claims up to `limit` due events for `owner`, in outbox order. */
  claimNext(owner: string, now: string, limit: number): Promise<EventRow[]>;
  complete(row: EventRow, outcome: EventOutcome, now: string): Promise<void>;
  /**
   * Back to pending until `retryAt`, keeping the error that says why it waits; `retry` counts it
   * in the event's retries (PowerSchool was unavailable; not a wait for another event).
   */
  defer(
    row: EventRow,
    retryAt: string,
    error: NonNullable<EventOutcome['error']>,
    now: string,
    options: { retry: boolean },
  ): Promise<void>;
  /** Back to pending at once (the run stopped before it finished). */
  release(row: EventRow): Promise<void>;
  /** After a run: everything `owner` still holds goes back to pending. */
  releaseOwned(owner: string): Promise<void>;
  stamp(row: EventRow, stamp: LocalStamp): void;
  recordAttempt(row: EventRow, attempt: HttpAttempt): void;
  /** The student's events of one district-local day, in the order they happened. */
  studentDay(localDate: string, student: StudentKey): Promise<EventRow[]>;
  /** Records on an early check-out the check-in that returned from it. */
  linkReturn(checkoutId: string, returnId: string): Promise<void>;
  /** Around a run (SQLite commits the run's small writes in groups); both optional. */
  startRun?(): void;
  endRun?(): void;
}

/**
 * The SQLite outbox as a RunStore. Its calls are synchronous; they are wrapped in resolved
 * promises, which costs a microtask each (measured in docs/benchmarks.md, figure 3).
 */
export function sqliteRunStore(store: WritebackStore): RunStore {
  return {
    async recover(now) {
      let recovered = 0;
      for (const row of store.sending()) {
        if (isOwnerAlive(row.owner)) continue;
        store.release(row.id);
        recovered += 1;
      }
      store.setAsideUnknownStates(now);
      return recovered;
    },
    async pendingCount() {
      // The outbox's own count (its index), not a count of the whole log: a service asks often.
      return store.queue().pending;
    },
    async claimNext(owner, now, limit) {
      return store.claimNext(owner, now, limit);
    },
    async complete(row, outcome, now) {
      store.complete(row.id, outcome, now);
    },
    async defer(row, retryAt, error, now, options) {
      store.defer(row.id, retryAt, error, now, options);
    },
    async release(row) {
      store.release(row.id);
    },
    async releaseOwned(owner) {
      for (const row of store.sending()) if (row.owner === owner) store.release(row.id);
    },
    stamp: (row, stamp) => store.stamp(row.id, stamp),
    recordAttempt: (row, attempt) => store.recordAttempt(row.id, row.runs, attempt),
    async studentDay(localDate, student) {
      return store.studentDay(localDate, student);
    },
    async linkReturn(checkoutId, returnId) {
      store.linkReturn(checkoutId, returnId);
    },
    startRun: () => store.startGroupedWrites(),
    endRun: () => store.endGroupedWrites(),
  };
}
