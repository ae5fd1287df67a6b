/**
 * The decisions made before anything is looked up or posted, in one place: whether a school's
 * events are written at all, in which Attendance Mode, and which student id the event carries.
 * The pipeline (prepare.ts) and the runner's batched lookups (prefetch.ts) both follow them.
 */
import { ConnectorError, type AttendanceMode, type StudentIdSource } from '../domain/index.ts';
import type { ConnectorSettings } from '../setup/index.ts';
import type { EventOutcome } from '../store/index.ts';

/** What to do with a school's event. */
export type EventPlan =
  | { kind: 'write'; mode: AttendanceMode; studentIdSource: StudentIdSource }
  /** Decided without writing: a disabled school (not attempted). */
  | { kind: 'skip'; outcome: EventOutcome }
  /** Fails before any call: the school is unknown or has no mode. */
  | { kind: 'fail'; error: ConnectorError };

/** The plan for an event of school `schoolNumber` under the current settings. */
export function planEvent(settings: ConnectorSettings, schoolNumber: number): EventPlan {
  const school = settings.schools[String(schoolNumber)];
  if (!school) {
    const known = Object.keys(settings.schools).join(', ') || '(none saved yet)';
    return {
      kind: 'fail',
      error: new ConnectorError(
        'unknown_school_in_event',
        `School ${schoolNumber} is not one of the district's schools in PowerSchool (known school numbers: ${known}).`,
      ),
    };
  }
  if (!school.enabled) {
    const message = `Writeback is disabled for school ${schoolNumber}, so the event was not sent to PowerSchool.`;
    return {
      kind: 'skip',
      outcome: { state: 'not_attempted', error: { code: 'school_disabled', message } },
    };
  }
  if (!school.mode) {
    return {
      kind: 'fail',
      error: new ConnectorError(
        'no_attendance_mode',
        `No Attendance Mode is set for school ${schoolNumber}: choose Daily, Time or Meeting to match PowerSchool (pswb schools set --school ${schoolNumber} --mode ...).`,
      ),
    };
  }
  return {
    kind: 'write',
    mode: school.mode,
    studentIdSource: settings.connection?.studentIdSource ?? 'dcid',
  };
}
