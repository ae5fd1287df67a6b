/**
 * One writeback, from an accepted event to its final state: school setup, student id, district
 * local time, reason code, the record for the school's mode, the POST, and the outcome in the
 * log. Every failure becomes a message from the troubleshooting catalogue's vocabulary.
 */
import type { Clock } from './clock.ts';
import { ConnectorError } from './connector-error.ts';
import { formatClockTime, toDistrictLocalTime, type DistrictLocalTime } from './district-time.ts';
import {
  buildDailyRecord,
  buildMeetingRecord,
  buildTimeRecord,
  pickPeriodAt,
  type RecordBasics,
} from './attendance-record.ts';
import type { Lookups } from './lookups.ts';
import {
  postAttendance,
  type AttendanceEndpoint,
  type AttendanceFields,
} from './powerschool-api.ts';
import type { AttemptListener, PowerSchoolClient } from './powerschool-client.ts';
import { PowerSchoolError, formatPowerSchoolError } from './powerschool-error.ts';
import { findReasonCode } from './reason-codes.ts';
import type { ConnectorSettings } from './settings.ts';
import { EVENT_TYPE_LABELS, type AttendanceMode } from './vocabulary.ts';
import type { WritebackEvent } from './writeback-event.ts';
import type { EventOutcome, EventRow, WritebackStore } from './writeback-store.ts';

/** A writeback that cannot succeed, with its catalogue code and the message the log shows. */
export class WritebackFailure extends Error {
  override name = 'WritebackFailure';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The guide's plain-text message when no student has the DCID, word for word. */
export const STUDENT_ID_NOT_FOUND = "Could not find student's PowerSchool id.";
/** The guide's plain-text message when no period covers the time, word for word. */
export const STUDENT_PERIOD_NOT_FOUND = "Could not find student's period.";

/** What processing needs from the connector. */
export interface ProcessContext {
  store: WritebackStore;
  lookups: Lookups;
  client: PowerSchoolClient;
  settings: () => ConnectorSettings;
  clock: Clock;
}

/** What was written, kept with a successful event. */
export interface WrittenRecord {
  mode: AttendanceMode;
  endpoint: AttendanceEndpoint;
  fields: AttendanceFields;
}

/** An event ready to post, or already decided (skipped or failed before any write). */
export type PreparedWriteback =
  | { kind: 'decided'; outcome: EventOutcome }
  | { kind: 'ready'; written: WrittenRecord; studentPsId: number };

/** Records an event's HTTP attempts under its current run. */
export function attemptRecorder(context: ProcessContext, row: EventRow): AttemptListener {
  return (attempt) => context.store.recordAttempt(row.id, row.runs, attempt);
}

/** Records one attempt made for many events (a DCID batch, a batch write) under each of them. */
export function sharedAttemptRecorder(
  context: ProcessContext,
  rows: readonly EventRow[],
): AttemptListener {
  const recorders = rows.map((row) => attemptRecorder(context, row));
  return (attempt) => recorders.forEach((record) => record(attempt));
}

/**
 * Resolves everything a claimed event's record needs (school setup, student id, local time,
 * reason code, school day or period) and builds the record. Never throws: a failure before the
 * write is a decided outcome.
 */
export async function prepareWriteback(
  context: ProcessContext,
  row: EventRow,
): Promise<PreparedWriteback> {
  const event = JSON.parse(row.payload) as WritebackEvent;
  const progress: { studentPsId?: number } = {};
  try {
    return await buildWriteback(context, row, event, attemptRecorder(context, row), progress);
  } catch (error) {
    return {
      kind: 'decided',
      outcome: { state: 'failed', ...progress, error: describeFailure(error) },
    };
  }
}

/** Posts one prepared record on its own endpoint and returns the outcome. */
export async function postPrepared(
  context: ProcessContext,
  row: EventRow,
  prepared: Extract<PreparedWriteback, { kind: 'ready' }>,
): Promise<EventOutcome> {
  const { written, studentPsId } = prepared;
  try {
    await postAttendance(
      context.client,
      written.endpoint,
      [written.fields],
      attemptRecorder(context, row),
    );
    return { state: 'successful', studentPsId, result: written };
  } catch (error) {
    return { state: 'failed', studentPsId, error: describeFailure(error) };
  }
}

async function buildWriteback(
  context: ProcessContext,
  row: EventRow,
  event: WritebackEvent,
  onAttempt: AttemptListener,
  progress: { studentPsId?: number },
): Promise<PreparedWriteback> {
  const settings = context.settings();
  const schoolNumber = event.student.schoolNumber;
  const school = settings.schools[String(schoolNumber)];
  if (school && !school.enabled) {
    const message = `Writeback is disabled for school ${schoolNumber}, so the event was not sent to PowerSchool.`;
    return {
      kind: 'decided',
      outcome: { state: 'not_attempted', error: { code: 'school_disabled', message } },
    };
  }
  const mode = school?.mode;
  if (!mode) {
    throw new WritebackFailure(
      'no_attendance_mode',
      `No Attendance Mode is set for school ${schoolNumber}: choose Daily, Time or Meeting to match PowerSchool (pswb schools set --school ${schoolNumber} --mode ...).`,
    );
  }
  const studentId = await resolveStudentId(context, settings, event, onAttempt);
  progress.studentPsId = studentId;
  const { districtTimezone } = await context.lookups.metadata(onAttempt);
  const local = toDistrictLocalTime(new Date(event.occurredAt), districtTimezone);
  const time = formatClockTime(local.secondsSinceMidnight);
  // Accepting stamped the row with the zone saved at connect time; most runs agree with it.
  if (row.local_date !== local.date || row.local_time !== time) {
    context.store.stamp(row.id, { date: local.date, time });
  }
  const code = findReasonCode(settings.reasons[String(schoolNumber)], event.type, event.reason);
  if (!code) {
    throw new WritebackFailure(
      'reason_not_mapped',
      `The reason "${event.reason}" is not mapped to a PowerSchool attendance code for ${EVENT_TYPE_LABELS[event.type]} at school ${schoolNumber}.`,
    );
  }
  const basics: RecordBasics = {
    studentId,
    schoolNumber,
    date: local.date,
    attendanceCodeId: code.id,
    comment: event.comment ?? `${EVENT_TYPE_LABELS[event.type]} at ${time}`,
  };
  const written = await buildRecord(context, mode, event, basics, local, onAttempt);
  return { kind: 'ready', written, studentPsId: studentId };
}

async function resolveStudentId(
  context: ProcessContext,
  settings: ConnectorSettings,
  event: WritebackEvent,
  onAttempt: AttemptListener,
): Promise<number> {
  const source = settings.connection?.studentIdSource ?? 'dcid';
  if (source === 'id') {
    if (event.student.id !== undefined) return event.student.id;
  } else if (event.student.dcid !== undefined) {
    const student = await context.lookups.studentByDcid(event.student.dcid, onAttempt);
    if (student) return student.id;
  }
  throw new WritebackFailure('student_id_not_found', STUDENT_ID_NOT_FOUND);
}

async function buildRecord(
  context: ProcessContext,
  mode: AttendanceMode,
  event: WritebackEvent,
  basics: RecordBasics,
  local: DistrictLocalTime,
  onAttempt: AttemptListener,
): Promise<WrittenRecord> {
  switch (mode) {
    case 'daily': {
      const day = await requireSchoolDay(context, basics, onAttempt, false);
      return { mode, endpoint: 'daily_time', fields: buildDailyRecord(basics, day) };
    }
    case 'time': {
      const day = await requireSchoolDay(context, basics, onAttempt, true);
      const bells = {
        ...day,
        day_start_time: day.day_start_time!,
        day_end_time: day.day_end_time!,
      };
      const fields = buildTimeRecord(basics, bells, event.type, local.secondsSinceMidnight);
      return { mode, endpoint: 'daily_time', fields };
    }
    case 'meeting': {
      const periods = await context.lookups.studentPeriods(basics.studentId, local.date, onAttempt);
      const period = pickPeriodAt(periods, local.secondsSinceMidnight);
      if (!period) throw new WritebackFailure('student_period_not_found', STUDENT_PERIOD_NOT_FOUND);
      const yearid =
        period.yearid ?? (await requireSchoolDay(context, basics, onAttempt, false)).yearid;
      return {
        mode,
        endpoint: 'meeting_interval',
        fields: buildMeetingRecord(basics, period, yearid),
      };
    }
    default:
      throw new Error(`Unknown attendance mode "${String(mode)}"; valid: daily, time, meeting.`);
  }
}

/** The school day of the record; fails plainly when the date has no year or no bells. */
async function requireSchoolDay(
  context: ProcessContext,
  basics: RecordBasics,
  onAttempt: AttemptListener,
  needsBells: boolean,
) {
  const day = await context.lookups.schoolDay(basics.schoolNumber, basics.date, onAttempt);
  if (!day) {
    throw new WritebackFailure(
      'no_school_year',
      `Could not find a school year for school ${basics.schoolNumber} on ${basics.date}.`,
    );
  }
  const inSession = day.calendar_dayid !== undefined && day.insession !== 0;
  const hasBells = day.day_start_time !== undefined && day.day_end_time !== undefined;
  if (!inSession || (needsBells && !hasBells)) {
    throw new WritebackFailure(
      'not_school_day',
      `${basics.date} is not an in-session school day with a bell schedule at school ${basics.schoolNumber}.`,
    );
  }
  return day;
}

/** Turns any error into the failure the log stores (PowerSchool's answer kept whole). */
export function describeFailure(error: unknown): NonNullable<EventOutcome['error']> {
  if (error instanceof WritebackFailure) return { code: error.code, message: error.message };
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
