/**
 * Carrying out one prepared writeback: the records a return to school removes first (DELETE,
 * inferred), then every record in one call on its endpoint (daily_time, or meeting_interval for
 * a Meeting event's periods), then the link from the early check-out to the return.
 */
import { ConnectorError } from '../domain/index.ts';
import { PowerSchoolError } from '../http/index.ts';
import { postAttendance, removeAttendance } from '../powerschool/index.ts';
import type { EventOutcome } from '../store/index.ts';
import type { EventContext } from './context.ts';
import { describeFailure } from './failure.ts';
import type { ReadyRecord } from './prepare.ts';
import { postedRecords } from './written.ts';

/** Posts the records and returns the event's outcome (never throws). */
export async function postPrepared(
  { run, row, call }: EventContext,
  prepared: ReadyRecord,
): Promise<EventOutcome> {
  const { written, studentPsId } = prepared;
  try {
    for (const held of written.removed ?? []) {
      try {
        await removeAttendance(run.client, held.psId, call);
      } catch (error) {
        if (!(error instanceof PowerSchoolError) || (error.status ?? 500) >= 500) throw error;
        throw new ConnectorError(
          'remove_refused',
          `PowerSchool refused to remove attendance record ${held.psId} (${held.what}): HTTP ${error.status}. ${error.message}`,
        );
      }
    }
    const records = postedRecords(written);
    if (records.length > 0) await postAttendance(run.client, written.endpoint, records, call);
    if (written.returnOf) await run.outbox.linkReturn(written.returnOf, row.id);
    return { state: 'successful', studentPsId, result: written };
  } catch (error) {
    return { state: 'failed', studentPsId, error: describeFailure(error) };
  }
}
