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
import {
  attendanceOnDay,
  type AttendanceFields,
  type PeriodRow,
  type SchoolDayRow,
} from '../powerschool/index.ts';
import {
  codeByAttCode,
  effectiveBehaviours,
  findReasonCode,
  renderComment,
  type ConnectorSettings,
  type EffectiveBehaviours,
} from '../setup/index.ts';
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
import { applyExistingRule, attCodeOf } from './existing-attendance.ts';
import { describeFailure } from './failure.ts';
import { missedPeriods } from './meeting-coverage.ts';
import { planReturn } from './return-to-school.ts';
import { describeRecord, postedRecords, type RecordLine, type WrittenRecord } from './written.ts';

export type { WrittenRecord } from './written.ts';

/** The guide's plain-text message when no student has the DCID, word for word. */
export const STUDENT_ID_NOT_FOUND = "Could not find student's PowerSchool id.";
/** The guide's plain-text message when no period covers the time, word for word. */
export const STUDENT_PERIOD_NOT_FOUND = "Could not find student's period.";

/** A record ready to post, with the student id it resolved to. */
export interface ReadyRecord {
  kind: 'ready';
  written: WrittenRecord;
  studentPsId: number;
}

/**
 * An event ready to post, already decided (skipped or failed before any write), or waiting for
 * the student's early check-out of the day to be written first (a return to school).
 */
export type PreparedWriteback =
  | { kind: 'decided'; outcome: EventOutcome }
  | { kind: 'wait'; checkoutId: string; studentPsId: number }
  | ReadyRecord;

/** Resolves everything the event's record needs and builds it; never throws. */
export async function prepareWriteback(event: EventContext): Promise<PreparedWriteback> {
  const progress: { studentPsId?: number } = {};
  try {
    return await buildWriteback(event, progress);
  } catch (error) {
    const failure = describeFailure(error);
    // A kept teacher's mark is the school's choice, not a failure.
    const state = failure.code === 'kept_existing_record' ? 'not_attempted' : 'failed';
    return { kind: 'decided', outcome: { state, ...progress, error: failure } };
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
  const reasonCode = requireReasonCode(settings, event);
  const basics: RecordBasics = {
    studentId,
    schoolNumber,
    date: local.date,
    attendanceCodeId: reasonCode.id,
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
  const behaviours = effectiveBehaviours(settings, schoolNumber);
  const facts = new EventFacts(context, plan.mode, event, basics, local, settings, behaviours);
  let written: WrittenRecord | undefined;
  if (event.type === 'late_checkin' && behaviours.returnToSchool !== 'separate') {
    const returning = await planReturn(context, {
      mode: plan.mode,
      event,
      basics,
      local,
      timezone: districtTimezone,
      policy: behaviours.returnToSchool,
      ...(behaviours.returnCode
        ? { returnCodeId: facts.behaviourCode(behaviours.returnCode, 'Return to school').id }
        : {}),
      periods: () => facts.periods(),
      yearid: async () => (await requireSchoolDay(context, basics, false)).yearid,
      describe: (fields) => facts.describe(fields),
    });
    if (returning?.kind === 'wait') {
      return { kind: 'wait', checkoutId: returning.checkoutId, studentPsId: studentId };
    }
    written = returning?.written;
  }
  written ??= await buildRecord(facts);
  if (await timeRecordAlreadyWritten(context, written, studentId, local.date)) {
    // An earlier run posted it and stopped before recording so: it is written, once.
    return {
      kind: 'decided',
      outcome: { state: 'successful', studentPsId: studentId, result: withLines(written, facts) },
    };
  }
  if (behaviours.existing !== 'overwrite' && !written.returnOf) {
    written = await applyExistingRule(
      context,
      written,
      { policy: behaviours.existing, overwritable: behaviours.overwritable },
      {
        studentId,
        date: local.date,
        school: schoolNumber,
        describe: (fields) => facts.describe(fields, false),
      },
    );
  }
  return { kind: 'ready', written: withLines(written, facts), studentPsId: studentId };
}

/**
 * A Time record is inserted by every post (PowerSchool keeps several a day), so one posted by a
 * run that was killed (or lost its lease) before it recorded the outcome would be written twice
 * by the next run. On a later run of the event, the student's records of the day are read first:
 * a Time record with the same code, minutes and comment is this event's, already written.
 * Daily and Meeting records need no check: a repeat updates the same record.
 */
async function timeRecordAlreadyWritten(
  { run, row, call }: EventContext,
  written: WrittenRecord,
  studentId: number,
  date: string,
): Promise<boolean> {
  const fields = written.fields;
  if (row.runs <= 1 || written.mode !== 'time' || !fields || written.returnOf) return false;
  const held = await attendanceOnDay(run.client, studentId, date, call);
  return held.some(
    (item) =>
      item.attModeCode === 'ATT_ModeTime' &&
      item.attendanceCodeId === Number(fields.attendance_codeid) &&
      item.totalMinutes === Number(fields.total_minutes) &&
      item.comment === fields.att_comment,
  );
}

/** Every record of the writeback in words, for the log. */
function withLines(written: WrittenRecord, facts: EventFacts): WrittenRecord {
  const lines: RecordLine[] = [
    ...postedRecords(written).map((fields) => ({
      action: 'written' as const,
      what: facts.describe(fields),
    })),
    ...(written.kept ?? []).map((held) => ({ action: 'kept' as const, what: held.what })),
    ...(written.removed ?? []).map((held) => ({ action: 'removed' as const, what: held.what })),
  ];
  return { ...written, lines };
}

/**
 * What the records of one event are built from, looked up at most once each: the student's
 * periods of the day, names for the periods, and the school's codes.
 */
class EventFacts {
  #periods: Promise<readonly PeriodRow[]> | undefined;
  readonly #names = new Map<number, string>();

  constructor(
    readonly context: EventContext,
    readonly mode: AttendanceMode,
    readonly event: WritebackEvent,
    readonly basics: RecordBasics,
    readonly local: DistrictLocalTime,
    readonly settings: ConnectorSettings,
    readonly behaviours: EffectiveBehaviours,
  ) {}

  periods(): Promise<readonly PeriodRow[]> {
    const { run, call } = this.context;
    this.#periods ??= run.lookups
      .studentPeriods(this.basics.studentId, this.local.date, call)
      .then((periods) => {
        for (const period of periods) {
          const label = period.period_number ?? period.period_abbreviation ?? period.periodid;
          this.#names.set(period.periodid, `Period ${label}`);
        }
        return periods;
      });
    return this.#periods;
  }

  /** A school code a behaviour names; fails plainly when the school's codes no longer have it. */
  behaviourCode(attCode: string, what: string) {
    const code = codeByAttCode(this.settings, this.basics.schoolNumber, attCode);
    if (code) return code;
    throw new ConnectorError(
      'reason_not_mapped',
      `${what}: the code "${attCode}" set in School Building Setup is not among school ${this.basics.schoolNumber}'s imported attendance codes any more. Import the codes again or choose another code.`,
    );
  }

  /** "Period P3: A", "The day: T", "Time record: 35 minutes of T" (with the code unless told). */
  describe(fields: AttendanceFields, withCode = true): string {
    const code = withCode
      ? attCodeOf(this.settings, this.basics.schoolNumber, Number(fields.attendance_codeid))
      : undefined;
    return describeRecord(fields, code, (id) => this.#names.get(id) ?? `Period ${id}`);
  }
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

async function buildRecord(facts: EventFacts): Promise<WrittenRecord> {
  const { context, mode, event, basics, local } = facts;
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
      const periods = await facts.periods();
      const period = pickPeriodAt(periods, local.secondsSinceMidnight);
      if (!period) throw new ConnectorError('student_period_not_found', STUDENT_PERIOD_NOT_FOUND);
      const yearid = period.yearid ?? (await requireSchoolDay(context, basics, false)).yearid;
      const fields = buildMeetingRecord(basics, period, yearid);
      // Period coverage (a school setting): also the periods missed before or after, one call.
      const missedCode =
        event.type === 'late_checkin'
          ? facts.behaviours.missedBefore
          : facts.behaviours.missedAfter;
      if (!missedCode) return { mode, endpoint: 'meeting_interval', fields };
      const what =
        event.type === 'late_checkin'
          ? 'Periods missed before a late check-in'
          : 'Periods missed after an early check-out';
      const missed = { ...basics, attendanceCodeId: facts.behaviourCode(missedCode, what).id };
      const also = missedPeriods(periods, period, event.type).map((other) =>
        buildMeetingRecord(missed, other, yearid),
      );
      return { mode, endpoint: 'meeting_interval', fields, ...(also.length ? { also } : {}) };
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
