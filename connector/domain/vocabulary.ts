/**
 * The closed sets of values the connector works with, each with a guard and the words the
 * guide uses for it.
 */

/** The guide's two student events. */
export const EVENT_TYPES = ['late_checkin', 'early_checkout'] as const;
export type EventType = (typeof EVENT_TYPES)[number];
/** Type guard for EventType. */
export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);
}
/** The guide's labels for the event types (Writeback Logs "Type" column). */
export const EVENT_TYPE_LABELS: Record<EventType, string> = {
  late_checkin: 'Late Check-in',
  early_checkout: 'Early Check-out',
};

/** School Building Setup's Attendance Mode values. */
export const ATTENDANCE_MODES = ['daily', 'time', 'meeting'] as const;
export type AttendanceMode = (typeof ATTENDANCE_MODES)[number];
/** Type guard for AttendanceMode. */
export function isAttendanceMode(value: unknown): value is AttendanceMode {
  return typeof value === 'string' && (ATTENDANCE_MODES as readonly string[]).includes(value);
}
/** PowerSchool's att_mode_code for each mode (reference section 4). */
export const ATT_MODE_CODES: Record<AttendanceMode, string> = {
  daily: 'ATT_ModeDaily',
  time: 'ATT_ModeTime',
  meeting: 'ATT_ModeMeeting',
};

/**
 * A school's choice when PowerSchool already holds a record pswb did not write (a teacher's
 * mark): overwrite it (the guide's create-or-update), keep it, or overwrite only listed codes.
 */
export const EXISTING_POLICIES = ['overwrite', 'keep', 'overwrite_listed'] as const;
export type ExistingPolicy = (typeof EXISTING_POLICIES)[number];
export const EXISTING_POLICY_LABELS: Record<ExistingPolicy, string> = {
  overwrite: 'Overwrite it (the guide)',
  keep: "Keep the teacher's mark",
  overwrite_listed: 'Overwrite only the listed codes',
};

/**
 * A school's choice for a check-in after an early check-out the same day: write it as its own
 * late check-in (the guide), or update what the check-out wrote: remove its records of the
 * periods (or the day) the student is back for, or change them to a code. Time mode recomputes
 * the check-out's minutes with either.
 */
export const RETURN_POLICIES = ['separate', 'remove', 'change'] as const;
export type ReturnPolicy = (typeof RETURN_POLICIES)[number];
export const RETURN_POLICY_LABELS: Record<ReturnPolicy, string> = {
  separate: 'Write it as a late check-in (the guide)',
  remove: "Remove the check-out's records",
  change: "Change the check-out's records to a code",
};

/** Settings tab "Visible Student ID": cosmetic, which id VM shows and searches. */
export const VISIBLE_STUDENT_IDS = ['sis_id', 'student_number'] as const;
export type VisibleStudentId = (typeof VISIBLE_STUDENT_IDS)[number];
/** Type guard for VisibleStudentId. */
export function isVisibleStudentId(value: unknown): value is VisibleStudentId {
  return typeof value === 'string' && (VISIBLE_STUDENT_IDS as readonly string[]).includes(value);
}

/**
 * Which STUDENTS field events carry: DCID by default (converted to ID through a PowerQuery), or
 * ID itself when the district cannot share DCIDs (the guide's "Configuration Request").
 */
export const STUDENT_ID_SOURCES = ['dcid', 'id'] as const;
export type StudentIdSource = (typeof STUDENT_ID_SOURCES)[number];
/** Type guard for StudentIdSource. */
export function isStudentIdSource(value: unknown): value is StudentIdSource {
  return typeof value === 'string' && (STUDENT_ID_SOURCES as readonly string[]).includes(value);
}

/** Where an event stands in the outbox; the guide shows successful and failed. */
export const EVENT_STATES = [
  'pending',
  'sending',
  'successful',
  'failed',
  'not_attempted',
] as const;
export type EventState = (typeof EVENT_STATES)[number];
/** Type guard for EventState. */
export function isEventState(value: unknown): value is EventState {
  return typeof value === 'string' && (EVENT_STATES as readonly string[]).includes(value);
}
/** The Writeback Logs "Status" words. */
export const EVENT_STATE_LABELS: Record<EventState, string> = {
  pending: 'Pending',
  sending: 'Sending',
  successful: 'Successful',
  failed: 'Failed',
  not_attempted: 'Not attempted',
};

/** Names a value set for error messages: "daily, time, meeting". */
export function listValues(values: readonly string[]): string {
  return values.join(', ');
}
