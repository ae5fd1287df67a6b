/**
 * Daily and Time records sent together through batch_daily_time (PowerSchool 25.3.0+), up to
 * 200 per call, so a busy morning costs a handful of requests instead of one per student. A
 * record the batch did not save is sent again alone to daily_time: its refusal then arrives as
 * PowerSchool's own 400, in the format the guide documents.
 */
import { hasFeature } from '../plugin/ps-version.ts';
import { BATCH_DAILY_TIME_LIMIT, postAttendanceBatch } from './powerschool-api.ts';
import type { AttemptListener } from './powerschool-client.ts';
import { PowerSchoolError } from './powerschool-error.ts';
import {
  attemptRecorder,
  describeFailure,
  postPrepared,
  type PreparedWriteback,
  type ProcessContext,
} from './writeback-process.ts';
import type { EventOutcome, EventRow } from './writeback-store.ts';

/** A claimed event with its record ready to post. */
export interface ReadyWriteback {
  row: EventRow;
  prepared: Extract<PreparedWriteback, { kind: 'ready' }>;
}

/** True when the server reports 25.3.0 or later (the batch endpoint exists). */
export async function serverSupportsBatch(context: ProcessContext): Promise<boolean> {
  try {
    const version = (await context.lookups.metadata()).powerschoolVersion;
    return version !== undefined && hasFeature(version, 'batchDailyTime');
  } catch {
    return false;
  }
}

/** Sends ready Daily/Time records in batches; resolves with each event's outcome. */
export async function writeInBatches(
  context: ProcessContext,
  items: readonly ReadyWriteback[],
  onOutcome: (item: ReadyWriteback, outcome: EventOutcome) => void,
): Promise<void> {
  for (let start = 0; start < items.length; start += BATCH_DAILY_TIME_LIMIT) {
    await writeOneBatch(context, items.slice(start, start + BATCH_DAILY_TIME_LIMIT), onOutcome);
  }
}

async function writeOneBatch(
  context: ProcessContext,
  items: readonly ReadyWriteback[],
  onOutcome: (item: ReadyWriteback, outcome: EventOutcome) => void,
): Promise<void> {
  // The one batch attempt is journaled under every event it carried, in one commit.
  const recorders = items.map((item) => attemptRecorder(context, item.row));
  const journal: AttemptListener = context.store.db.transaction((attempt) =>
    recorders.forEach((record) => record(attempt)),
  );
  let results;
  try {
    results = await postAttendanceBatch(
      context.client,
      items.map((item) => item.prepared.written.fields),
      journal,
    );
  } catch (error) {
    // A batch refused as a whole (e.g. 400 on the envelope): send each alone for its own answer.
    // Anything else (5xx, timeouts after every retry) fails the events with that error.
    const refused =
      error instanceof PowerSchoolError && error.status !== undefined && error.status < 500;
    for (const item of items) {
      const outcome = refused
        ? await postPrepared(context, item.row, item.prepared)
        : {
            state: 'failed' as const,
            studentPsId: item.prepared.studentPsId,
            error: describeFailure(error),
          };
      onOutcome(item, outcome);
    }
    return;
  }
  for (const [index, item] of items.entries()) {
    const saved = results[index]?.saved === true;
    onOutcome(
      item,
      saved
        ? {
            state: 'successful',
            studentPsId: item.prepared.studentPsId,
            result: item.prepared.written,
          }
        : await postPrepared(context, item.row, item.prepared),
    );
  }
}
