/**
 * Correct and re-send, or cancel, a stored event (an admin's fix for an event entered for the
 * wrong student, at the wrong time, with the wrong reason or type). What the event wrote is taken
 * out of PowerSchool first, then the event is replaced by its correction (back in the outbox, to
 * be written again) or marked cancelled; the version before is kept (store event_versions) and the
 * caller audits the change. Nothing changes when PowerSchool refuses a removal.
 *
 * Removing from PowerSchool, per mode: a Daily or Meeting record by DELETE
 * /ws/schema/table/attendance/{id} (inferred: no public source says PowerSchool allows it on
 * ATTENDANCE; a refusal is reported as remove_refused); a Time record is voided by 0 minutes under
 * its DCID (PSDOCS time-attendance: Time entries "cannot be deleted but ... can be given a zero
 * minute amount"). A record no longer found as written (removed or changed by someone since) is
 * left as it is and not listed.
 */
import {
  ConnectorError,
  formatClockTime,
  parseWritebackEvent,
  readStoredEvent,
  toDistrictLocalTime,
  type EventType,
  type WritebackEvent,
} from '../domain/index.ts';
import { PowerSchoolError } from '../http/index.ts';
import { attendanceOnDay, postAttendance, removeAttendance } from '../powerschool/index.ts';
import { canSeeSchool, describeActor, type Actor } from '../setup/index.ts';
import type { EventRow, LocalStamp, WritebackStore } from '../store/index.ts';
import { eventContext, type LogRunContext } from './context.ts';
import { attCodeOf, slotOf, slotOfRow } from './existing-attendance.ts';
import { describeRecord, postedRecords, type HeldRecord, type WrittenRecord } from './written.ts';

/** What a correction may change; a field left out stays as it was. */
export interface EventCorrection {
  type?: EventType;
  occurredAt?: string;
  reason?: string;
  comment?: string;
  student?: {
    dcid?: number;
    id?: number;
    name?: string;
    grade?: string;
    schoolNumber?: number;
  };
}

/**
 * Where a correction reads the event and records its revision: the connector's SQLite log
 * (storeRevisions), or a PostgreSQL district's (PgOutbox.revise, service/pg-events.ts).
 */
export interface EventRevisions {
  get(id: string): Promise<EventRow | undefined>;
  /**
   * Replaces or cancels the event unless it changed since `expected` (its updated_at): the
   * event as revised (a worker may take a corrected one at once), or undefined when it changed.
   */
  revise(
    id: string,
    expected: string,
    revision:
      | { change: 'corrected'; event: WritebackEvent; stamp: LocalStamp }
      | { change: 'cancelled'; message: string },
    by: { at: string; by: string; removed: unknown },
  ): Promise<EventRow | undefined>;
}

/** The connector's own log as EventRevisions. */
export function storeRevisions(store: WritebackStore): EventRevisions {
  return {
    async get(id) {
      return store.get(id);
    },
    async revise(id, expected, revision, by) {
      return store.revise(id, expected, revision, by) ? store.get(id) : undefined;
    },
  };
}

/** The stored event an actor may change now, or the reason it may not. */
async function changeableRow(
  revisions: EventRevisions,
  actor: Actor,
  id: string,
): Promise<EventRow> {
  const row = await revisions.get(id);
  if (!row || !canSeeSchool(actor, row.school_number)) {
    throw new ConnectorError('event_not_found', `No event with id "${id}" in the log.`);
  }
  if (row.state === 'sending') {
    throw new ConnectorError(
      'event_busy',
      `Event "${id}" is being written right now; correct or cancel it once it has a final status.`,
    );
  }
  return row;
}

/** Takes out of PowerSchool what a successful event wrote; the records removed. */
export async function removeWritten(run: LogRunContext, row: EventRow): Promise<HeldRecord[]> {
  if (row.state !== 'successful' || !row.result || row.student_ps_id === null) return [];
  const written = JSON.parse(row.result) as WrittenRecord;
  const records = postedRecords(written);
  if (records.length === 0) return [];
  // Journaled under the event, as its writes were: the log shows what the removal sent.
  const { call } = eventContext(run, row);
  const time = written.mode === 'time';
  const held = await attendanceOnDay(run.client, row.student_ps_id, row.local_date, {
    ...call,
    withDcid: time,
  });
  const removed: HeldRecord[] = [];
  const taken = new Set<number>();
  for (const [index, fields] of records.entries()) {
    const match = held.find(
      (item) =>
        !taken.has(item.id) &&
        slotOfRow(item) === slotOf(fields) &&
        item.attendanceCodeId === Number(fields.attendance_codeid) &&
        (!time || item.totalMinutes === Number(fields.total_minutes)),
    );
    if (!match) continue;
    taken.add(match.id);
    // The words the log used when it was written ("Period 4: T"), posted records first.
    const what =
      written.lines?.[index]?.what ??
      describeRecord(
        fields,
        attCodeOf(run.settings(), row.school_number, Number(fields.attendance_codeid)),
      );
    if (time) {
      // PSDOCS: a Time entry is voided with 0 minutes (named by its DCID), not deleted.
      const voided = { ...fields, dcid: String(match.dcid), total_minutes: '0' };
      await postAttendance(run.client, 'daily_time', [voided], call);
    } else {
      try {
        await removeAttendance(run.client, match.id, call);
      } catch (error) {
        if (!(error instanceof PowerSchoolError) || (error.status ?? 500) >= 500) throw error;
        throw new ConnectorError(
          'remove_refused',
          `PowerSchool refused to remove attendance record ${match.id} (${what}): HTTP ${error.status}; nothing was changed in pswb. ${error.message}`,
        );
      }
    }
    removed.push({ psId: match.id, ...(match.periodId ? { periodId: match.periodId } : {}), what });
  }
  return removed;
}

/** The event after the correction, checked as accepting it would be. */
function correctedEvent(
  run: LogRunContext,
  row: EventRow,
  change: EventCorrection,
): WritebackEvent {
  const current = readStoredEvent(row.payload);
  const next = {
    ...current,
    ...(change.type !== undefined ? { type: change.type } : {}),
    ...(change.occurredAt !== undefined ? { occurredAt: change.occurredAt } : {}),
    ...(change.reason !== undefined ? { reason: change.reason } : {}),
    ...(change.comment !== undefined ? { comment: change.comment } : {}),
    student: { ...current.student, ...(change.student ?? {}) },
  };
  // A new DCID (or STUDENTS.ID) is another student: the other id, resolved for the old one, goes.
  if (change.student?.dcid !== undefined && change.student.id === undefined) delete next.student.id;
  if (change.student?.id !== undefined && change.student.dcid === undefined)
    delete next.student.dcid;
  const source = run.settings().connection?.studentIdSource ?? 'dcid';
  return parseWritebackEvent(next, source);
}

/**
 * Corrects a stored event: removes what it wrote (if it was successful), keeps the version
 * before, and puts the corrected event back in the outbox. Returns the event's id.
 */
export async function correctEvent(
  run: LogRunContext,
  actor: Actor,
  id: string,
  change: EventCorrection,
  by: string = describeActor(actor),
  revisions: EventRevisions = storeRevisions(run.store),
): Promise<{
  removed: HeldRecord[];
  before: WritebackEvent;
  after: WritebackEvent;
  row: EventRow;
}> {
  const row = await changeableRow(revisions, actor, id);
  const before = readStoredEvent(row.payload);
  const after = correctedEvent(run, row, change);
  if (!canSeeSchool(actor, after.student.schoolNumber)) {
    throw new ConnectorError(
      'permission_denied',
      `${describeActor(actor)} may not move an event to school ${after.student.schoolNumber}.`,
    );
  }
  if (JSON.stringify(after) === JSON.stringify(before)) {
    throw new ConnectorError(
      'invalid_event',
      `The correction changes nothing in event "${id}": give the student, time, reason or type to correct.`,
    );
  }
  const removed = await removeWritten(run, row);
  const zone = run.settings().districtTimezone ?? 'UTC';
  const local = toDistrictLocalTime(new Date(after.occurredAt), zone);
  const stamp = { date: local.date, time: formatClockTime(local.secondsSinceMidnight) };
  const at = run.clock.now().toISOString();
  const revised = await revisions.revise(
    id,
    row.updated_at,
    { change: 'corrected', event: after, stamp },
    { at, by, removed },
  );
  if (!revised) throw busy(id, removed);
  return { removed, before, after, row: revised };
}

/** Cancels a stored event: removes what it wrote (if anything), keeps it as it was, marks it. */
export async function cancelEvent(
  run: LogRunContext,
  actor: Actor,
  id: string,
  by: string = describeActor(actor),
  revisions: EventRevisions = storeRevisions(run.store),
): Promise<{ removed: HeldRecord[]; row: EventRow }> {
  const row = await changeableRow(revisions, actor, id);
  if (row.error_code === 'cancelled') {
    throw new ConnectorError('invalid_event', `Event "${id}" is already cancelled.`);
  }
  const removed = await removeWritten(run, row);
  const at = run.clock.now().toISOString();
  const message =
    removed.length > 0
      ? `Cancelled by ${by}; removed from PowerSchool: ${removed.map((held) => held.what).join('; ')}.`
      : `Cancelled by ${by}; nothing it wrote was in PowerSchool to remove.`;
  const revised = await revisions.revise(
    id,
    row.updated_at,
    { change: 'cancelled', message },
    { at, by, removed },
  );
  if (!revised) throw busy(id, removed);
  return { removed, row: revised };
}

function busy(id: string, removed: readonly HeldRecord[]): ConnectorError {
  const gone =
    removed.length > 0
      ? ` Its records were already removed from PowerSchool (${removed.map((held) => held.what).join('; ')}); re-send it to write them again.`
      : '';
  return new ConnectorError(
    'event_busy',
    `Event "${id}" changed while the correction was prepared (a worker took it, or someone re-sent it); it was left as it is.${gone}`,
  );
}
