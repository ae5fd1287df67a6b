/**
 * Return to school (a school setting): a check-in after the student's early check-out of the same
 * day updates what the check-out wrote instead of adding a late check-in of its own.
 * - Meeting: the check-out's records of periods that start at or after the return are removed, or
 *   changed to the school's return code; the period in progress at the return, when it is not the
 *   check-out's own, gets the check-in's late record (PowerSchool's create-or-update replaces the
 *   check-out's mark there). The check-out's own period keeps its record: the student missed part.
 * - Time: the check-out's Time record is updated (named by its DCID, MT) to the minutes between
 *   leaving and returning; 0 minutes voids it (PSDOCS time-attendance).
 * - Daily: the day's record is removed, or changed to the return code.
 * Removal uses DELETE /ws/schema/table/attendance/{id}: inferred (powerschool/api.ts).
 *
 * Without a successful check-out earlier that day (none, or it failed) the check-in is written as
 * the guide's late check-in. A check-out still in the outbox makes the check-in wait for it.
 */
import {
  ConnectorError,
  toDistrictLocalTime,
  type AttendanceMode,
  type DistrictLocalTime,
  type WritebackEvent,
} from '../domain/index.ts';
import {
  attendanceOnDay,
  type AttendanceFields,
  type AttendanceOnDay,
  type PeriodRow,
} from '../powerschool/index.ts';
import type { EventRow } from '../store/index.ts';
import type { RecordBasics } from './attendance-record.ts';
import { buildMeetingRecord, pickPeriodAt } from './attendance-record.ts';
import type { EventContext } from './context.ts';
import { slotOf, slotOfRow } from './existing-attendance.ts';
import type { HeldRecord, WrittenRecord } from './written.ts';

/** What planning a return needs from the event's preparation. */
export interface ReturnFacts {
  mode: AttendanceMode;
  event: WritebackEvent;
  basics: RecordBasics;
  local: DistrictLocalTime;
  timezone: string;
  policy: 'remove' | 'change';
  /** The return code's id (policy change). */
  returnCodeId?: number;
  /** The student's periods of the day (Meeting). */
  periods: () => Promise<readonly PeriodRow[]>;
  /** The yearid of a Meeting record when its period has none. */
  yearid: () => Promise<number>;
  describe: (fields: AttendanceFields, codeId?: number) => string;
}

/** A return's plan: wait for the check-out, or what to write; undefined: not a return. */
export type ReturnPlan =
  { kind: 'wait'; checkoutId: string } | { kind: 'write'; written: WrittenRecord };

/** The check-out this check-in returns from, if any (the latest earlier one of the day). */
async function findCheckout(
  context: EventContext,
  facts: ReturnFacts,
): Promise<EventRow | undefined> {
  const { event, basics, local } = facts;
  const at = Date.parse(event.occurredAt);
  const day = await context.run.outbox.studentDay(local.date, {
    psId: basics.studentId,
    ...(event.student.dcid !== undefined ? { dcid: event.student.dcid } : {}),
  });
  return day
    .filter(
      (row) => row.type === 'early_checkout' && row.id !== context.row.id && row.occurred_ms < at,
    )
    .at(-1);
}

/** Plans the check-in as a return to school, or says it is not one. */
export async function planReturn(
  context: EventContext,
  facts: ReturnFacts,
): Promise<ReturnPlan | undefined> {
  const checkout = await findCheckout(context, facts);
  if (!checkout) return undefined;
  if (checkout.state === 'pending' || checkout.state === 'sending') {
    return { kind: 'wait', checkoutId: checkout.id };
  }
  if (checkout.state !== 'successful' || !checkout.result) return undefined;
  const wrote = JSON.parse(checkout.result) as WrittenRecord;
  // The school changed its mode since: the check-out's records are not this mode's to update.
  if (wrote.mode !== facts.mode) return undefined;
  const { run, call } = context;
  const held = await attendanceOnDay(run.client, facts.basics.studentId, facts.local.date, {
    ...call,
    withDcid: facts.mode === 'time',
  });
  const leftAt = toDistrictLocalTime(new Date(checkout.occurred_at), facts.timezone);
  const base = { mode: facts.mode, returnOf: checkout.id };
  switch (facts.mode) {
    case 'time':
      return {
        kind: 'write',
        written: { ...base, ...returnInTime(facts, wrote, held, leftAt, checkout) },
      };
    case 'daily':
      return { kind: 'write', written: { ...base, ...returnInDaily(facts, wrote, held) } };
    case 'meeting':
      return {
        kind: 'write',
        written: { ...base, ...(await returnInMeeting(facts, wrote, held)) },
      };
  }
}

type ReturnWrite = Omit<WrittenRecord, 'mode' | 'returnOf'>;

function missing(facts: ReturnFacts, checkout: EventRow, what: string): ConnectorError {
  return new ConnectorError(
    'checkout_record_missing',
    `The early check-out at ${checkout.local_time} wrote ${what}, which PowerSchool no longer holds for this student on ${facts.local.date}, so the return to school had nothing to update. Check the student's attendance for the day in PowerSchool.`,
  );
}

function returnInTime(
  facts: ReturnFacts,
  wrote: WrittenRecord,
  held: readonly AttendanceOnDay[],
  leftAt: DistrictLocalTime,
  checkout: EventRow,
): ReturnWrite {
  const record = wrote.fields!;
  const minutesBefore = Number(record.total_minutes);
  const row = held.find(
    (item) =>
      item.attModeCode === 'ATT_ModeTime' &&
      item.totalMinutes === minutesBefore &&
      item.attendanceCodeId === Number(record.attendance_codeid),
  );
  if (!row || row.dcid === undefined)
    throw missing(facts, checkout, `a Time record of ${minutesBefore} minutes`);
  const away = Math.round((facts.local.secondsSinceMidnight - leftAt.secondsSinceMidnight) / 60);
  const minutes = Math.min(minutesBefore, Math.max(0, away));
  return {
    endpoint: 'daily_time',
    fields: { ...record, dcid: String(row.dcid), total_minutes: String(minutes) },
  };
}

function returnInDaily(
  facts: ReturnFacts,
  wrote: WrittenRecord,
  held: readonly AttendanceOnDay[],
): ReturnWrite {
  const record = wrote.fields!;
  if (facts.policy === 'change') {
    const fields = {
      ...record,
      attendance_codeid: String(facts.returnCodeId),
      att_comment: facts.basics.comment,
    };
    return { endpoint: 'daily_time', fields };
  }
  const row = held.find((item) => slotOfRow(item) === slotOf(record));
  // Already gone (a retried return, or removed by hand): nothing left to remove.
  const removed: HeldRecord[] = row ? [{ psId: row.id, what: facts.describe(record) }] : [];
  return { endpoint: 'daily_time', removed };
}

async function returnInMeeting(
  facts: ReturnFacts,
  wrote: WrittenRecord,
  held: readonly AttendanceOnDay[],
): Promise<ReturnWrite> {
  const back = facts.local.secondsSinceMidnight;
  const [leftPeriod, ...after] = [...(wrote.fields ? [wrote.fields] : []), ...(wrote.also ?? [])];
  const periods = await facts.periods();
  const current = pickPeriodAt(periods, back);
  const posted: AttendanceFields[] = [];
  if (current && current.periodid !== Number(leftPeriod?.periodid)) {
    const yearid = current.yearid ?? (await facts.yearid());
    posted.push(buildMeetingRecord(facts.basics, current, yearid));
  }
  const removed: HeldRecord[] = [];
  for (const record of after) {
    if (Number(record.start_time) < back) continue;
    if (facts.policy === 'change') {
      posted.push({
        ...record,
        attendance_codeid: String(facts.returnCodeId),
        att_comment: facts.basics.comment,
      });
      continue;
    }
    const row = held.find((item) => slotOfRow(item) === slotOf(record));
    if (row) removed.push({ psId: row.id, periodId: row.periodId!, what: facts.describe(record) });
  }
  return {
    endpoint: 'meeting_interval',
    ...(posted.length > 0 ? { fields: posted[0]! } : {}),
    ...(posted.length > 1 ? { also: posted.slice(1) } : {}),
    ...(removed.length > 0 ? { removed } : {}),
  };
}
