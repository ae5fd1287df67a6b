/**
 * Drains the outbox: pending events are claimed, processed a few at a time, and finished. An
 * event left "sending" by a process that died is put back to pending first, so a killed run
 * resumes on the next start and every accepted event ends Successful, Failed or Not attempted.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import {
  serverSupportsBatch,
  splitIntoBatches,
  writeBatch,
  type ReadyWriteback,
} from './batch-writes.ts';
import { toDistrictLocalTime } from './district-time.ts';
import type { StudentDate } from './lookups.ts';
import {
  postPrepared,
  prepareWriteback,
  sharedAttemptRecorder,
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
  context.store.startGroupedWrites();
  try {
    return await drainPending(context, options);
  } finally {
    context.store.endGroupedWrites();
  }
}

async function drainPending(context: ProcessContext, options: DrainOptions): Promise<RunProgress> {
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
  // A two-stage pipeline: while one chunk's records are posted, the next chunk is claimed, its
  // students and periods looked up and its records built. Waiting for each chunk's posts before
  // the next chunk's lookups left both sides idle (docs/benchmarks.md, figure 3).
  let posting: Promise<void> = Promise.resolve();
  try {
    for (;;) {
      const claimed = claimChunk(context, options);
      if (claimed.length === 0) break;
      progress.total = Math.max(progress.total, progress.done + claimed.length);
      await prefetchStudents(context, claimed);
      await prefetchPeriods(context, claimed);
      const ready = await prepareClaimed(context, options, claimed, finish);
      const previous = posting;
      posting = previous.then(() => postReady(context, options, ready, finish));
      await previous;
    }
    await posting;
  } catch (error) {
    await posting.catch(() => undefined);
    throw error;
  }
  return progress;
}

/** Claims the next pending events, oldest first, in one statement. */
function claimChunk(context: ProcessContext, options: DrainOptions): EventRow[] {
  // One statement for the chunk: a commit per claim, then a statement per claim, were measured
  // shares of a run's CPU (docs/benchmarks.md, figure 3).
  return context.store.claimNext(
    options.owner,
    context.clock.now().toISOString(),
    options.batchSize,
  );
}

/** Builds the claimed events' records; the ones decided before any write are finished here. */
async function prepareClaimed(
  context: ProcessContext,
  options: DrainOptions,
  claimed: readonly EventRow[],
  finish: (row: EventRow, outcome: EventOutcome) => void,
): Promise<ReadyWriteback[]> {
  const ready: ReadyWriteback[] = [];
  await runWithConcurrency(claimed, options.concurrency, async (row) => {
    const prepared = await prepareWriteback(context, row);
    if (prepared.kind === 'decided') finish(row, prepared.outcome);
    else ready.push({ row, prepared });
  });
  return ready;
}

/**
 * Posts the ready records, `concurrency` requests at a time: Daily/Time in batches when the
 * server has batch_daily_time, each alongside the records posted alone.
 */
async function postReady(
  context: ProcessContext,
  options: DrainOptions,
  ready: readonly ReadyWriteback[],
  finish: (row: EventRow, outcome: EventOutcome) => void,
): Promise<void> {
  const batchable = ready.filter((item) => item.prepared.written.endpoint === 'daily_time');
  const useBatch =
    options.batchWrites && batchable.length > 1 && (await serverSupportsBatch(context));
  const onOutcome = (item: ReadyWriteback, outcome: EventOutcome): void =>
    finish(item.row, outcome);
  const posts: (() => Promise<void>)[] = [
    ...(useBatch
      ? splitIntoBatches(batchable).map((batch) => () => writeBatch(context, batch, onOutcome))
      : []),
    ...(useBatch ? ready.filter((item) => !batchable.includes(item)) : ready).map(
      (item) => async () => onOutcome(item, await postPrepared(context, item.row, item.prepared)),
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

/**
 * One PowerQuery call per 100 of the chunk's uncached DCIDs, instead of one per event. Each call's
 * attempts are journaled under the events whose DCIDs it asked for.
 */
async function prefetchStudents(context: ProcessContext, claimed: EventRow[]): Promise<void> {
  const settings = context.settings();
  if ((settings.connection?.studentIdSource ?? 'dcid') !== 'dcid') return;
  const asking = claimed.filter(
    (row) =>
      row.student_dcid !== null && settings.schools[String(row.school_number)]?.enabled !== false,
  );
  if (asking.length < 2) return;
  const byDcid = groupRows(asking, (row) => String(row.student_dcid));
  const journalFor = (dcids: readonly number[]) =>
    sharedAttemptRecorder(
      context,
      dcids.flatMap((dcid) => byDcid.get(String(dcid)) ?? []),
    );
  const dcids = asking.map((row) => row.student_dcid!);
  // A failed prefetch is not fatal: each event then looks its student up and logs why not.
  await context.lookups.prefetchStudents(dcids, journalFor).catch(() => undefined);
}

/**
 * One student_periods call per date (and 100 students) for the chunk's Meeting events whose
 * student is known, instead of one per student: a third of a run's requests before
 * (docs/benchmarks.md, figure 3). Each call's attempts are journaled under the events it served.
 */
async function prefetchPeriods(context: ProcessContext, claimed: EventRow[]): Promise<void> {
  const settings = context.settings();
  const meeting = claimed.filter((row) => {
    const school = settings.schools[String(row.school_number)];
    return school?.enabled !== false && school?.mode === 'meeting';
  });
  if (meeting.length < 2) return;
  const byDcid = (settings.connection?.studentIdSource ?? 'dcid') === 'dcid';
  try {
    const { districtTimezone } = await context.lookups.metadata(
      sharedAttemptRecorder(context, meeting),
    );
    const asking: { row: EventRow; wanted: StudentDate }[] = [];
    for (const row of meeting) {
      const studentId = byDcid
        ? await context.lookups.knownStudentId(row.student_dcid)
        : (row.student_ps_id ?? undefined);
      if (studentId === undefined) continue;
      const { date } = toDistrictLocalTime(new Date(row.occurred_at), districtTimezone);
      asking.push({ row, wanted: { studentId, date } });
    }
    if (asking.length < 2) return;
    const keyOf = ({ studentId, date }: StudentDate): string => `${studentId}|${date}`;
    const byKey = groupRows(asking, (item) => keyOf(item.wanted));
    const journalFor = (asked: readonly StudentDate[]) =>
      sharedAttemptRecorder(
        context,
        asked.flatMap((wanted) => (byKey.get(keyOf(wanted)) ?? []).map((item) => item.row)),
      );
    await context.lookups.prefetchPeriods(
      asking.map((item) => item.wanted),
      journalFor,
    );
  } catch {
    // Not fatal: each event then looks its periods up and logs why not.
  }
}

function groupRows<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
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
