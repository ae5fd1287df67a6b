/** Any error turned into the failure an event's row stores (PowerSchool's answer kept whole). */
import { ConnectorError } from '../domain/index.ts';
import { PowerSchoolError } from '../http/index.ts';
import { formatPowerSchoolError } from '../powerschool/index.ts';
import type { EventOutcome } from '../store/index.ts';

/** The failure the log stores for an error. */
export function describeFailure(error: unknown): NonNullable<EventOutcome['error']> {
  if (error instanceof PowerSchoolError) {
    return {
      code: error.code,
      message: formatPowerSchoolError(error),
      ...(error.status !== undefined ? { status: error.status } : {}),
      ...(error.bodyText !== undefined ? { body: error.bodyText } : {}),
      ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
    };
  }
  if (error instanceof ConnectorError) return { code: error.code, message: error.message };
  // A run stopped through its signal without a reason: the event goes back to the outbox.
  if (error instanceof Error && error.name === 'AbortError') {
    return { code: 'interrupted', message: 'The run was stopped before this event was written.' };
  }
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}
