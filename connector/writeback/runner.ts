/**
 * Drains the outbox: pending events are claimed, processed a few at a time, and finished. An
 * event left "sending" by a process that died is put back to pending first, so a killed run
 * resumes on the next start and every accepted event ends Successful, Failed or Not attempted.
 * A stopped run (its signal aborted) claims nothing more and puts back what it had not finished.
 */
import type { EventOutcome, EventRow } from '../store/index.ts';
import { serverSupportsBatch, splitIntoBatches, writeBatch, type ReadyWriteback } from './batch.ts';
import { eventContext, type RunContext } from './context.ts';
import { postPrepared } from './post.ts';
import { prefetchPeriods, prefetchStudents } from './prefetch.ts';
import { prepareWriteback } from './prepare.ts';
import { isSingleRecord } from './written.ts';

/** Progress of a run, reported after each event. */
export interface RunProgress {
  done: number;
  total: number;
  successful: number;
  failed: number;
  notAttempted: number;
  /** Events put back to pending because the run was stopped. */
  released: number;
  /** Events put back to pending to be tried again later (retryLater). */
  deferred: number;
}

/**
 * Trying an event again later, after the run's own retries met a PowerSchool that stayed
 * unavailable: the service uses it (a one-shot CLI send reports the failure instead). The event
 * waits in the outbox until retry_at, so the wait survives a restart.
 */
export interface RetryLater {
  /**
   * The wait before each later try, by how many tries found PowerSchool unavailable (the last
   * repeats). A try is a run that got that far: a run cut short (a worker killed, a district's
   * pause) is not one (the event's `retries`).
   */
  delaysMs: readonly number[];
  /** After this many tries found PowerSchool unavailable, the event is Failed for good. */
  maxRuns: number;
}

/**
 * The default: 1, 5 and 15 minutes, then hourly, up to 12 runs (about 9 hours of outage). The
 * schedule is inferred: long enough to ride out PowerSchool maintenance, short of a school day.
 */
export const DEFAULT_RETRY_LATER: RetryLater = {
  delaysMs: [60_000, 300_000, 900_000, 3_600_000],
  maxRuns: 12,
};

/** How long a check-in waits, back in the outbox, for its early check-out (return to school). */
const CHECKOUT_WAIT_MS = 5_000;

/**
 * The failures worth trying again later: PowerSchool or the way to it was unavailable (on
 * PostgreSQL they also count towards the district's pause, pg-run-store.ts).
 */
export const UNAVAILABLE_CODES: ReadonlySet<string> = new Set([
  'server_error',
  'rate_limited',
  'timeout',
  'network',
]);

/** How a drain runs: who claims, how many at once, batching. */
export interface DrainOptions {
  owner: string;
  concurrency: number;
  /** Events taken from the outbox at a time. */
  batchSize: number;
  /** Send Daily/Time records through batch_daily_time when the server has it. */
  batchWrites: boolean;
  onProgress?: (progress: RunProgress) => void;
  /** Called as each event reaches its final state (the service logs one line per outcome). */
  onOutcome?: (outcome: FinishedEvent) => void;
  /** Put events that met an unavailable PowerSchool back for a later run instead of failing them. */
  retryLater?: RetryLater;
}

/** An event that reached its final state in a run. */
export interface FinishedEvent {
  id: string;
  schoolNumber: number;
  state: EventOutcome['state'];
  /** The failure's code, when it failed. */
  errorCode?: string;
  /** When the event was accepted into the outbox. */
  acceptedAt: string;
  finishedAt: string;
}

/** Processes pending events until none is left or the run is stopped; resolves with its counts. */
export async function drainOutbox(run: RunContext, options: DrainOptions): Promise<RunProgress> {
  await run.outbox.recover(run.clock.now().toISOString());
  run.outbox.startRun?.();
  try {
    return await drainPending(run, options);
  } finally {
    run.outbox.endRun?.();
    // Whatever this run still holds (a stop between claim and finish) goes back to pending.
    await run.outbox.releaseOwned(options.owner);
  }
}

function newProgress(pending: number): RunProgress {
  return {
    done: 0,
    total: pending,
    successful: 0,
    failed: 0,
    notAttempted: 0,
    released: 0,
    deferred: 0,
  };
}

async function drainPending(run: RunContext, options: DrainOptions): Promise<RunProgress> {
  // The outbox's own count (its index), not a count of the whole log: a service runs this often.
  const progress = newProgress(await run.outbox.pendingCount());
  const finish = async (row: EventRow, outcome: EventOutcome): Promise<void> => {
    const later = options.retryLater;
    if (outcome.error?.code === 'interrupted') {
      await run.outbox.release(row);
      progress.released += 1;
    } else if (
      later &&
      outcome.state === 'failed' &&
      UNAVAILABLE_CODES.has(outcome.error?.code ?? '') &&
      row.retries + 1 < later.maxRuns
    ) {
      const now = run.clock.now();
      // This try is the event's retries + 1st since it was accepted or last re-sent.
      const wait = later.delaysMs[Math.min(row.retries + 1, later.delaysMs.length) - 1] ?? 60_000;
      const retryAt = new Date(now.getTime() + wait).toISOString();
      await run.outbox.defer(row, retryAt, outcome.error!, now.toISOString(), { retry: true });
      progress.deferred += 1;
    } else {
      const finishedAt = run.clock.now().toISOString();
      await run.outbox.complete(row, outcome, finishedAt);
      countOutcome(progress, outcome.state);
      options.onOutcome?.({
        id: row.id,
        schoolNumber: row.school_number,
        state: outcome.state,
        ...(outcome.error ? { errorCode: outcome.error.code } : {}),
        acceptedAt: row.created_at,
        finishedAt,
      });
    }
    options.onProgress?.({ ...progress });
  };
  // Check-ins that wait for the student's early check-out, held until this run's posts are done;
  // any still waiting then go back to the outbox for a few seconds.
  const waiting: EventRow[] = [];
  const waitForCheckout = async (row: EventRow): Promise<void> => {
    const now = run.clock.now();
    const retryAt = new Date(now.getTime() + CHECKOUT_WAIT_MS).toISOString();
    const message =
      "Waiting for the student's early check-out of the day to be written first (return to school).";
    await run.outbox.defer(
      row,
      retryAt,
      { code: 'waiting_for_checkout', message },
      now.toISOString(),
      { retry: false },
    );
    progress.deferred += 1;
    options.onProgress?.({ ...progress });
  };
  // A two-stage pipeline: while one chunk's records are posted, the next chunk is claimed, its
  // students and periods looked up and its records built. Waiting for each chunk's posts before
  // the next chunk's lookups left both sides idle (docs/benchmarks.md, figure 3).
  let posting: Promise<void> = Promise.resolve();
  try {
    while (!run.signal?.aborted) {
      // One statement for the chunk: a commit per claim was a measured share of a run's CPU.
      const now = run.clock.now().toISOString();
      const claimed = await run.outbox.claimNext(options.owner, now, options.batchSize);
      if (claimed.length === 0) break;
      progress.total = Math.max(progress.total, progress.done + claimed.length);
      await prefetchStudents(run, claimed);
      await prefetchPeriods(run, claimed);
      const ready = await prepareClaimed(run, options, claimed, finish, waiting);
      const previous = posting;
      posting = previous.then(() => postReady(run, options, ready, finish));
      await previous;
    }
    await posting;
    // A return to school whose check-out was still in flight: its check-out is written now.
    if (waiting.length > 0 && !run.signal?.aborted) {
      const again = waiting.splice(0);
      await postReady(
        run,
        options,
        await prepareClaimed(run, options, again, finish, waiting),
        finish,
      );
    }
    for (const row of waiting.splice(0)) await waitForCheckout(row);
  } catch (error) {
    await posting.catch(() => undefined);
    throw error;
  }
  return progress;
}

/**
 * Builds the claimed events' records; the ones decided before any write are finished here, the
 * ones waiting for a check-out are added to `waiting`.
 */
async function prepareClaimed(
  run: RunContext,
  options: DrainOptions,
  claimed: readonly EventRow[],
  finish: (row: EventRow, outcome: EventOutcome) => Promise<void>,
  waiting: EventRow[],
): Promise<ReadyWriteback[]> {
  const ready: ReadyWriteback[] = [];
  await runWithConcurrency(claimed, options.concurrency, async (row) => {
    const event = eventContext(run, row);
    const prepared = await prepareWriteback(event);
    if (prepared.kind === 'decided') await finish(row, prepared.outcome);
    else if (prepared.kind === 'wait') waiting.push(row);
    else ready.push({ event, prepared });
  });
  return ready;
}

/**
 * Posts the ready records, `concurrency` requests at a time: Daily/Time in batches when the
 * server has batch_daily_time, each alongside the records posted alone.
 */
async function postReady(
  run: RunContext,
  options: DrainOptions,
  ready: readonly ReadyWriteback[],
  finish: (row: EventRow, outcome: EventOutcome) => Promise<void>,
): Promise<void> {
  const batchable = ready.filter(
    (item) =>
      item.prepared.written.endpoint === 'daily_time' && isSingleRecord(item.prepared.written),
  );
  const useBatch = options.batchWrites && batchable.length > 1 && (await serverSupportsBatch(run));
  const onOutcome = (item: ReadyWriteback, outcome: EventOutcome): Promise<void> =>
    finish(item.event.row, outcome);
  const posts: (() => Promise<void>)[] = [
    ...(useBatch
      ? splitIntoBatches(batchable).map((batch) => () => writeBatch(run, batch, onOutcome))
      : []),
    ...(useBatch ? ready.filter((item) => !batchable.includes(item)) : ready).map(
      (item) => async () => onOutcome(item, await postPrepared(item.event, item.prepared)),
    ),
  ];
  await runWithConcurrency(posts, options.concurrency, (post) => post());
}

function countOutcome(progress: RunProgress, state: EventOutcome['state']): void {
  progress.done += 1;
  if (state === 'successful') progress.successful += 1;
  else if (state === 'not_attempted') progress.notAttempted += 1;
  else progress.failed += 1;
}

async function runWithConcurrency<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const item = items[next]!;
      next += 1;
      await work(item);
    }
  });
  await Promise.all(lanes);
}
