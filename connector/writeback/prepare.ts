/**
 * One claimed event made ready to post: the plan (decide.ts), the student id, the district-local
 * time, the reason code, and the record for the school's mode. Never throws: an event that cannot
 * be written is a decided outcome.
 */
import {
  ConnectorError,
  EVENT_TYPE_LABELS,
  formatClockTime,
  readStoredEvent,
  toDistrictLocalTime,
  type AttendanceMode,
  type DistrictLocalTime,
  type StudentIdSource,
  type WritebackEvent,
} from '../domain/index.ts';
import type { AttendanceEndpoint, AttendanceFields, SchoolDayRow } from '../powerschool/index.ts';
import { findReasonCode, renderComment, type ConnectorSettings } from '../setup/index.ts';
import type { EventOutcome } from '../store/index.ts';
import {
  buildDailyRecord,
  buildMeetingRecord,
  buildTimeRecord,
  pickPeriodAt,
  type RecordBasics,
} from './attendance-record.ts';
import type { EventContext } from './context.ts';
import { planEvent } from './decide.ts';
import { describeFailure } from './failure.ts';

/** The guide's plain-text message when no student has the DCID, word for word. */
export const STUDENT_ID_NOT_FOUND = "Could not find student's PowerSchool id.";
/** The guide's plain-text message when no period covers the time, word for word. */
export const STUDENT_PERIOD_NOT_FOUND = "Could not find student's period.";

/** What was written, kept with a successful event. */
export interface WrittenRecord {
  mode: AttendanceMode;
  endpoint: AttendanceEndpoint;
  fields: AttendanceFields;
}

/** A record ready to post, with the student id it resolved to. */
export interface ReadyRecord {
  kind: 'ready';
  written: WrittenRecord;
  studentPsId: number;
}

/** An event ready to post, or already decided (skipped or failed before any write). */
export type PreparedWriteback = { kind: 'decided'; outcome: EventOutcome } | ReadyRecord;

/** Resolves everything the event's record needs and builds it; never throws. */
export async function prepareWriteback(event: EventContext): Promise<PreparedWriteback> {
  const progress: { studentPsId?: number } = {};
  try {
    return await buildWriteback(event, progress);
  } catch (error) {
    return {
      kind: 'decided',
      outcome: { state: 'failed', ...progress, error: describeFailure(error) },
    };
  }
}

async function buildWriteback(
  context: EventContext,
  progress: { studentPsId?: number },
): Promise<PreparedWriteback> {
  const { run, row, call } = context;
  const event = readStoredEvent(row.payload);
  const settings = run.settings();
  const schoolNumber = event.student.schoolNumber;
  const plan = planEvent(settings, schoolNumber);
  if (plan.kind === 'skip') return { kind: 'decided', outcome: plan.outcome };
  if (plan.kind === 'fail') throw plan.error;
  const studentId = await resolveStudentId(context, plan.studentIdSource, event);
  progress.studentPsId = studentId;
  const { districtTimezone } = await run.lookups.metadata(call);
  const local = toDistrictLocalTime(new Date(event.occurredAt), districtTimezone);
  const time = formatClockTime(local.secondsSinceMidnight);
  // Accepting stamped the row with the zone saved at connect time; most runs agree with it.
  if (row.local_date !== local.date || row.local_time !== time) {
    context.stamp({ date: local.date, time });
  }
  const basics: RecordBasics = {
    studentId,
    schoolNumber,
    date: local.date,
    attendanceCodeId: requireReasonCode(settings, event).id,
    // The district's source stamp, else the event's comment, else "Late Check-in at 08:40".
    comment: renderComment(settings.commentTemplate, {
      type: event.type,
      date: local.date,
      time,
      reason: event.reason,
      school: schoolNumber,
      ...(event.comment !== undefined ? { comment: event.comment } : {}),
    }),
  };
  const written = await buildRecord(context, plan.mode, event, basics, local);
  return { kind: 'ready', written, studentPsId: studentId };
}

function requireReasonCode(settings: ConnectorSettings, event: WritebackEvent) {
  const school = event.student.schoolNumber;
  const code = findReasonCode(settings.reasons[String(school)], event.type, event.reason);
  if (code) return code;
  throw new ConnectorError(
    'reason_not_mapped',
    `The reason "${event.reason}" is not mapped to a PowerSchool attendance code for ${EVENT_TYPE_LABELS[event.type]} at school ${school}.`,
  );
}

async function resolveStudentId(
  { run, call }: EventContext,
  source: StudentIdSource,
  event: WritebackEvent,
): Promise<number> {
  if (source === 'id') {
    if (event.student.id !== undefined) return event.student.id;
  } else if (event.student.dcid !== undefined) {
    const student = await run.lookups.studentByDcid(event.student.dcid, call);
    if (student) return student.id;
  }
  throw new ConnectorError('student_id_not_found', STUDENT_ID_NOT_FOUND);
}

async function buildRecord(
  context: EventContext,
  mode: AttendanceMode,
  event: WritebackEvent,
  basics: RecordBasics,
  local: DistrictLocalTime,
): Promise<WrittenRecord> {
  switch (mode) {
    case 'daily': {
      const day = await requireSchoolDay(context, basics, false);
      return { mode, endpoint: 'daily_time', fields: buildDailyRecord(basics, day) };
    }
    case 'time': {
      const day = await requireSchoolDay(context, basics, true);
      const bells = {
        ...day,
        day_start_time: day.day_start_time!,
        day_end_time: day.day_end_time!,
      };
      const fields = buildTimeRecord(basics, bells, event.type, local.secondsSinceMidnight);
      return { mode, endpoint: 'daily_time', fields };
    }
    case 'meeting': {
      const { run, call } = context;
      const periods = await run.lookups.studentPeriods(basics.studentId, local.date, call);
      const period = pickPeriodAt(periods, local.secondsSinceMidnight);
      if (!period) throw new ConnectorError('student_period_not_found', STUDENT_PERIOD_NOT_FOUND);
      const yearid = period.yearid ?? (await requireSchoolDay(context, basics, false)).yearid;
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
  { run, call }: EventContext,
  basics: RecordBasics,
  needsBells: boolean,
): Promise<SchoolDayRow> {
  const day = await run.lookups.schoolDay(basics.schoolNumber, basics.date, call);
  if (!day) {
    throw new ConnectorError(
      'no_school_year',
      `Could not find a school year for school ${basics.schoolNumber} on ${basics.date}.`,
    );
  }
  const inSession = day.calendar_dayid !== undefined && day.insession !== 0;
  const hasBells = day.day_start_time !== undefined && day.day_end_time !== undefined;
  if (!inSession || (needsBells && !hasBells)) {
    throw new ConnectorError(
      'not_school_day',
      `${basics.date} is not an in-session school day with a bell schedule at school ${basics.schoolNumber}.`,
    );
  }
  return day;
}
