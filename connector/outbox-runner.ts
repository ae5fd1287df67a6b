/**
 * Drains the outbox: pending events are claimed, processed a few at a time, and finished. An
 * event left "sending" by a process that died is put back to pending first, so a killed run
 * resumes on the next start and every accepted event ends Successful, Failed or Not attempted.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { serverSupportsBatch, writeInBatches, type ReadyWriteback } from './batch-writes.ts';
import type { AttemptListener } from './powerschool-client.ts';
import {
  attemptRecorder,
  postPrepared,
  prepareWriteback,
  type ProcessContext,
} from './writeback-process.ts';
import type { EventOutcome, EventRow } from './writeback-store.ts';

/** Progress of a long run, reported after each event. */
export interface RunProgress {
  done: number;
  total: number;
  successful: number;
  failed: number;
  notAttempted: number;
}

/** Runners alive in this process, so a same-process claim is never taken for a dead one. */
const LIVE_RUNNERS = new Set<string>();

/** Builds the owner tag written on claimed events: host/pid/runner. */
export function newOwnerTag(): { tag: string; retire: () => void } {
  const runner = randomUUID();
  LIVE_RUNNERS.add(runner);
  return {
    tag: `${hostname()}/${process.pid}/${runner}`,
    retire: () => LIVE_RUNNERS.delete(runner),
  };
}

/** True unless the owner is known to be gone (a dead pid on this host, or a retired runner). */
export function isOwnerAlive(owner: string | null): boolean {
  if (!owner) return false;
  const [host, pidText, runner] = owner.split('/');
  if (host !== hostname()) return true;
  const pid = Number(pidText);
  if (pid === process.pid) return runner !== undefined && LIVE_RUNNERS.has(runner);
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** How a drain runs: who claims, how many at once, batching. */
export interface DrainOptions {
  owner: string;
  concurrency: number;
  /** Events taken from the outbox at a time. */
  batchSize: number;
  /** Send Daily/Time records through batch_daily_time when the server has it. */
  batchWrites: boolean;
  onProgress?: (progress: RunProgress) => void;
}

/** Puts back to pending the events whose sender is gone; returns how many. */
export function recoverAbandoned(context: ProcessContext): number {
  let recovered = 0;
  for (const row of context.store.sending()) {
    if (isOwnerAlive(row.owner)) continue;
    context.store.release(row.id);
    recovered += 1;
  }
  return recovered;
}

/** Processes pending events until none is left; resolves with the run's counts. */
export async function drainOutbox(
  context: ProcessContext,
  options: DrainOptions,
): Promise<RunProgress> {
  recoverAbandoned(context);
  const progress: RunProgress = {
    done: 0,
    total: context.store.counts().pending,
    successful: 0,
    failed: 0,
    notAttempted: 0,
  };
  const finish = (row: EventRow, outcome: EventOutcome): void => {
    context.store.complete(row.id, outcome, context.clock.now().toISOString());
    countOutcome(progress, outcome.state);
    options.onProgress?.({ ...progress });
  };
  for (;;) {
    const batch = context.store.outbox(options.batchSize);
    if (batch.length === 0) return progress;
    progress.total = Math.max(progress.total, progress.done + batch.length);
    const now = context.clock.now().toISOString();
    // One transaction for the chunk's claims: a commit per claim was a measured share of a run's
    // CPU (docs/benchmarks.md, figure 3). All or none are claimed, which a resume handles alike.
    const claimAll = context.store.db.transaction(() =>
      batch
        .filter((row) => context.store.claim(row.id, options.owner, now))
        .map((row) => context.store.get(row.id)!),
    );
    const claimed = claimAll();
    await prefetchStudents(context, claimed);
    await processClaimed(context, options, claimed, finish);
  }
}

/** Prepares the claimed events, then posts them: Daily/Time in batches when possible. */
async function processClaimed(
  context: ProcessContext,
  options: DrainOptions,
  claimed: readonly EventRow[],
  finish: (row: EventRow, outcome: EventOutcome) => void,
): Promise<void> {
  const ready: ReadyWriteback[] = [];
  await runWithConcurrency(claimed, options.concurrency, async (row) => {
    const prepared = await prepareWriteback(context, row);
    if (prepared.kind === 'decided') finish(row, prepared.outcome);
    else ready.push({ row, prepared });
  });
  const batchable = ready.filter((item) => item.prepared.written.endpoint === 'daily_time');
  const useBatch =
    options.batchWrites && batchable.length > 1 && (await serverSupportsBatch(context));
  const alone = useBatch ? ready.filter((item) => !batchable.includes(item)) : ready;
  if (useBatch)
    await writeInBatches(context, batchable, (item, outcome) => finish(item.row, outcome));
  await runWithConcurrency(alone, options.concurrency, async (item) => {
    finish(item.row, await postPrepared(context, item.row, item.prepared));
  });
}

function countOutcome(progress: RunProgress, state: EventOutcome['state']): void {
  progress.done += 1;
  if (state === 'successful') progress.successful += 1;
  else if (state === 'not_attempted') progress.notAttempted += 1;
  else progress.failed += 1;
}

/**
 * One PowerQuery call for all the batch's uncached DCIDs, instead of one per event. Its attempts
 * are journaled under every event that asked.
 */
async function prefetchStudents(context: ProcessContext, claimed: EventRow[]): Promise<void> {
  const settings = context.settings();
  if ((settings.connection?.studentIdSource ?? 'dcid') !== 'dcid') return;
  const asking = claimed.filter(
    (row) =>
      row.student_dcid !== null && settings.schools[String(row.school_number)]?.enabled !== false,
  );
  if (asking.length < 2) return;
  const recorders = asking.map((row) => attemptRecorder(context, row));
  // One commit for the attempt journaled under every asking event, not one per event.
  const journal: AttemptListener = context.store.db.transaction((attempt) =>
    recorders.forEach((record) => record(attempt)),
  );
  const dcids = asking.map((row) => row.student_dcid!);
  // A failed prefetch is not fatal: each event then looks its student up and logs why not.
  await context.lookups.prefetchStudents(dcids, journal).catch(() => undefined);
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
