/**
 * A district's outbox on PostgreSQL as a RunStore (decision 080): claims with FOR UPDATE SKIP
 * LOCKED and a lease, so any number of workers on any machines share the queue and an event held
 * by a worker that died is taken up by another once its lease lapses. A run's heartbeat moves the
 * leases of what it holds every third of the lease, so a slow PowerSchool does not let a second
 * worker take (and post again) an event still being written. Each finish is fenced by the claim
 * (owner and run): a late worker whose lease lapsed changes nothing. A stamp and the attempts of
 * an event are written just before its finish, under the same claim.
 */
import type { Clock } from '../domain/index.ts';
import type { HttpAttempt } from '../http/index.ts';
import type { LocalStamp } from '../store/index.ts';
import type { PgClaim, PgDistricts, PgEventRow, PgOutbox } from '../store/pg/index.ts';
import type { EventRow } from '../store/index.ts';
import type { RunStore } from './run-store.ts';
import { UNAVAILABLE_CODES } from './runner.ts';

/**
 * Events a worker claims at a time from a shared queue: a few rounds of its requests in flight,
 * so workers share the last events of a rush instead of one holding 200 (docs/benchmarks.md,
 * figure W).
 */
export const WORKER_CLAIM = 50;

/** How long a claim lasts without a heartbeat (inferred: well past one event's retries). */
export const DEFAULT_LEASE_MS = 60_000;

export interface PgRunStoreOptions {
  /** The claim's lease; the heartbeat renews it every third of it. */
  leaseMs?: number;
  clock: Clock;
  /**
   * The database's districts: an event deferred for an unavailable PowerSchool counts towards
   * the district's pause, and a success ends its failure streak (store/pg/districts.ts).
   */
  districts?: PgDistricts;
  /** Called when a deferral paused the district, with the pause's end (ISO instant). */
  onPause?: (until: string) => void;
}

/** The most often a run ends its district's failure streak (one UPDATE at most this often). */
const SUCCESS_NOTE_MS = 1_000;

/** The RunStore of one district's events in a PostgreSQL outbox. */
export function pgRunStore(
  outbox: PgOutbox,
  district: string,
  { leaseMs = DEFAULT_LEASE_MS, clock, districts, onPause }: PgRunStoreOptions,
): RunStore {
  const now = () => clock.now().toISOString();
  const claimOf = (row: EventRow): PgClaim => ({
    district,
    id: row.id,
    owner: row.owner,
    runs: row.runs,
  });
  const key = (row: EventRow) => `${row.id}\u0000${row.runs}`;
  const stamps = new Map<string, LocalStamp>();
  const attempts = new Map<string, HttpAttempt[]>();
  const owners = new Set<string>();
  let heartbeat: NodeJS.Timeout | undefined;
  let successNotedAt = Number.NEGATIVE_INFINITY;

  /** Writes what waits for the event's finish: its stamp and its attempts. */
  async function flush(row: EventRow): Promise<void> {
    const stamp = stamps.get(key(row));
    const journal = attempts.get(key(row)) ?? [];
    stamps.delete(key(row));
    attempts.delete(key(row));
    if (stamp) await outbox.stamp(claimOf(row), stamp);
    await outbox.recordAttempts(district, row.id, row.runs, journal);
  }

  return {
    // Leases lapse by themselves: a dead worker's events are claimable once theirs has.
    async recover() {
      return 0;
    },
    async pendingCount() {
      return (await outbox.queue(district)).pending;
    },
    async claimNext(owner, at, limit) {
      owners.add(owner);
      return outbox.claimNext(owner, at, limit, leaseMs, { district }) as Promise<PgEventRow[]>;
    },
    async complete(row, outcome, at) {
      await flush(row);
      await outbox.complete(claimOf(row), outcome, at);
      if (districts && outcome.state === 'successful') {
        const ms = clock.now().getTime();
        if (ms - successNotedAt >= SUCCESS_NOTE_MS) {
          successNotedAt = ms;
          await districts.noteSuccess(district);
        }
      }
    },
    async defer(row, retryAt, error, at, options) {
      await flush(row);
      await outbox.defer(claimOf(row), retryAt, error, at, options);
      if (districts && UNAVAILABLE_CODES.has(error.code)) {
        const until = await districts.noteUnavailable(
          district,
          {
            code: error.code,
            message: error.message,
            ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
          },
          at,
        );
        // A success before this failure must not end the streak this one continues.
        successNotedAt = Number.NEGATIVE_INFINITY;
        if (until) onPause?.(until);
      }
    },
    async release(row) {
      await flush(row);
      await outbox.release(claimOf(row), now());
    },
    async releaseOwned(owner) {
      await outbox.releaseOwned(owner, now());
    },
    stamp(row, stamp) {
      stamps.set(key(row), stamp);
    },
    recordAttempt(row, attempt) {
      const list = attempts.get(key(row));
      if (list) list.push(attempt);
      else attempts.set(key(row), [attempt]);
    },
    studentDay(localDate, student) {
      return outbox.studentDay(district, localDate, student);
    },
    linkReturn(checkoutId, returnId) {
      return outbox.linkReturn(district, checkoutId, returnId);
    },
    startRun() {
      heartbeat = setInterval(() => {
        for (const owner of owners) {
          // A missed beat only shortens the lease; the next one (or the claim fence) covers it.
          outbox.extendOwned(owner, now(), leaseMs).catch(() => undefined);
        }
      }, leaseMs / 3);
      heartbeat.unref();
    },
    endRun() {
      clearInterval(heartbeat);
      heartbeat = undefined;
    },
  };
}
