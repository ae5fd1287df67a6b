/** Posting one prepared record on its own endpoint (daily_time or meeting_interval). */
import { postAttendance } from '../powerschool/index.ts';
import type { EventOutcome } from '../store/index.ts';
import type { EventContext } from './context.ts';
import { describeFailure } from './failure.ts';
import type { ReadyRecord } from './prepare.ts';

/** Posts the record and returns the event's outcome (never throws). */
export async function postPrepared(
  { run, call }: EventContext,
  prepared: ReadyRecord,
): Promise<EventOutcome> {
  const { written, studentPsId } = prepared;
  try {
    await postAttendance(run.client, written.endpoint, [written.fields], call);
    return { state: 'successful', studentPsId, result: written };
  } catch (error) {
    return { state: 'failed', studentPsId, error: describeFailure(error) };
  }
}
