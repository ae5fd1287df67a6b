/**
 * Daily and Time records sent together through batch_daily_time (PowerSchool 25.3.0+), up to
 * 200 per call, so a busy morning costs a handful of requests instead of one per student. A
 * record the batch did not save is sent again alone to daily_time: its refusal then arrives as
 * PowerSchool's own 400, in the format the guide documents.
 */
import { hasFeature } from '../../plugin/ps-version.ts';
import { PowerSchoolError } from '../http/index.ts';
import { BATCH_DAILY_TIME_LIMIT, postAttendanceBatch } from '../powerschool/index.ts';
import type { EventOutcome } from '../store/index.ts';
import { sharedCall, type EventContext, type RunContext } from './context.ts';
import { describeFailure } from './failure.ts';
import { postPrepared } from './post.ts';
import type { ReadyRecord } from './prepare.ts';

/** A claimed event with its record ready to post. */
export interface ReadyWriteback {
  event: EventContext;
  prepared: ReadyRecord;
}

/** True when the server reports 25.3.0 or later (the batch endpoint exists). */
export async function serverSupportsBatch(run: RunContext): Promise<boolean> {
  try {
    const version = (await run.lookups.metadata()).powerschoolVersion;
    return version !== undefined && hasFeature(version, 'batchDailyTime');
  } catch {
    return false;
  }
}

/** The records in batches of at most BATCH_DAILY_TIME_LIMIT, in order. */
export function splitIntoBatches(items: readonly ReadyWriteback[]): ReadyWriteback[][] {
  const batches: ReadyWriteback[][] = [];
  for (let start = 0; start < items.length; start += BATCH_DAILY_TIME_LIMIT) {
    batches.push(items.slice(start, start + BATCH_DAILY_TIME_LIMIT));
  }
  return batches;
}

/** Sends one batch of ready Daily/Time records; reports each event's outcome. */
export async function writeBatch(
  run: RunContext,
  items: readonly ReadyWriteback[],
  onOutcome: (item: ReadyWriteback, outcome: EventOutcome) => Promise<void>,
): Promise<void> {
  // The one batch attempt is journaled under every event it carried.
  const call = sharedCall(
    run,
    items.map((item) => item.event.row),
  );
  let results;
  try {
    // Only single Daily/Time records come here (written.ts isSingleRecord).
    const records = items.map((item) => item.prepared.written.fields!);
    results = await postAttendanceBatch(run.client, records, call);
  } catch (error) {
    // A batch refused as a whole (e.g. 400 on the envelope): send each alone for its own answer.
    // Anything else (5xx, timeouts after every retry) fails the events with that error.
    const refused =
      error instanceof PowerSchoolError && error.status !== undefined && error.status < 500;
    for (const item of items) {
      const outcome = refused
        ? await postPrepared(item.event, item.prepared)
        : {
            state: 'failed' as const,
            studentPsId: item.prepared.studentPsId,
            error: describeFailure(error),
          };
      await onOutcome(item, outcome);
    }
    return;
  }
  for (const [index, item] of items.entries()) {
    const saved = results[index]?.saved === true;
    await onOutcome(
      item,
      saved
        ? {
            state: 'successful',
            studentPsId: item.prepared.studentPsId,
            result: item.prepared.written,
          }
        : await postPrepared(item.event, item.prepared),
    );
  }
}
