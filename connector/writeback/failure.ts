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
    };
  }
  if (error instanceof ConnectorError) return { code: error.code, message: error.message };
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}
