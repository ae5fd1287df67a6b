/**
 * What a writeback did in PowerSchool, as the log keeps it with a successful event: the records it
 * posted (one by the guide; several in Meeting mode when the school also covers missed periods or a
 * return to school changes the check-out's periods), the records it kept (a teacher's mark) and the
 * ones it removed (a return to school), each also in words for the Writeback Logs.
 */
import type { AttendanceMode } from '../domain/index.ts';
import type { WritebackRecord } from '../log/index.ts';
import type { AttendanceEndpoint, AttendanceFields } from '../powerschool/index.ts';

/** One record in words: "Period 3 (P3): A", "The day: T", "Time record: 35 minutes of T". */
export interface RecordLine {
  action: 'written' | 'kept' | 'removed';
  what: string;
}

/** A record PowerSchool held that a writeback removed or kept. */
export interface HeldRecord {
  /** ATTENDANCE.ID. */
  psId: number;
  periodId?: number;
  /** The record in words, with its code: "Period 2 (P2): T". */
  what: string;
}

/** What was written, kept with a successful event. */
export interface WrittenRecord {
  mode: AttendanceMode;
  endpoint: AttendanceEndpoint;
  /**
   * The record posted, the first when several are posted in one call. Absent only when a return
   * to school posts nothing (it removed the check-out's records, or had nothing to change).
   */
  fields?: AttendanceFields;
  /** The other records posted in the same call (Meeting mode: one student, one day). */
  also?: AttendanceFields[];
  /** Records PowerSchool already held that were left as they were (a teacher's mark). */
  kept?: HeldRecord[];
  /** Records removed before posting (a return to school). */
  removed?: HeldRecord[];
  /** The early check-out a return to school updated (the log links both events). */
  returnOf?: string;
  /** Every record in words, in the order posted, then kept, then removed. */
  lines?: RecordLine[];
}

/**
 * A record in words: "Period 3: A", "The day: T", "Time record: 35 minutes of T" (without the
 * code when `code` is omitted). `periodName` names a period by its PERIOD.ID.
 */
export function describeRecord(
  fields: AttendanceFields,
  code?: string,
  periodName: (periodId: number) => string = (periodId) => `Period ${periodId}`,
): string {
  const time = fields.att_mode_code === 'ATT_ModeTime';
  const period = Number(fields.periodid ?? 0);
  const what = time
    ? `Time record: ${fields.total_minutes} minutes`
    : period > 0
      ? periodName(period)
      : 'The day';
  if (code === undefined) return what;
  return time ? `${what} of ${code}` : `${what}: ${code}`;
}

/** What the log keeps of a writeback: its record, and on a check-out the return that updated it. */
export type StoredWritten = Partial<WrittenRecord> & { returnedBy?: string };

/** A log record's `written` as stored (empty before the event was written). */
export function writtenOf(record: WritebackRecord): StoredWritten {
  return (record.written ?? {}) as StoredWritten;
}

/** The records a writeback posts, in order. */
export function postedRecords(written: Pick<WrittenRecord, 'fields' | 'also'>): AttendanceFields[] {
  return [...(written.fields ? [written.fields] : []), ...(written.also ?? [])];
}

/** A Daily or Time record posted alone, with nothing removed first: the kind a batch can carry. */
export function isSingleRecord(written: WrittenRecord): boolean {
  return (
    written.fields !== undefined &&
    !written.also?.length &&
    !written.removed?.length &&
    !written.returnOf
  );
}
