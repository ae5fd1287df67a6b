/**
 * Existing attendance (a school setting): before posting, read the student's records of the day
 * from PowerSchool and leave alone a mark pswb did not write, a teacher's, when the school keeps
 * them, or when its code is not one the school lets pswb overwrite. Without the setting nothing is
 * read and PowerSchool's create-or-update overwrites, as the guide does.
 *
 * A record is pswb's own when one of the student's successful events of the day wrote a record of
 * the same kind (the day's Daily record, the same period, a Time record) with the same code: a
 * re-send overwrites what pswb wrote before. Anything else on that day or period is someone else's.
 */
import { ConnectorError, type ExistingPolicy } from '../domain/index.ts';
import {
  attendanceOnDay,
  type AttendanceFields,
  type AttendanceOnDay,
} from '../powerschool/index.ts';
import type { ConnectorSettings } from '../setup/index.ts';
import type { EventRow } from '../store/index.ts';
import type { EventContext } from './context.ts';
import { postedRecords, type HeldRecord, type WrittenRecord } from './written.ts';

/** The kind of record a posted one creates or updates: the day, a period, or a Time record. */
export function slotOf(fields: { att_mode_code?: unknown; periodid?: unknown }): string {
  if (fields.att_mode_code === 'ATT_ModeTime') return 'time';
  const period = Number(fields.periodid ?? 0);
  return period > 0 ? `period:${period}` : `day:${String(fields.att_mode_code)}`;
}

export function slotOfRow(row: AttendanceOnDay): string {
  return slotOf({ att_mode_code: row.attModeCode, periodid: row.periodId });
}

/** "slot|codeid" of every record the student's successful events of the day posted. */
function ownRecords(events: readonly EventRow[]): Set<string> {
  const own = new Set<string>();
  for (const event of events) {
    if (event.state !== 'successful' || !event.result) continue;
    const written = JSON.parse(event.result) as WrittenRecord;
    for (const fields of postedRecords(written)) {
      own.add(`${slotOf(fields)}|${Number(fields.attendance_codeid)}`);
    }
  }
  return own;
}

/** The att_code of a code id at the school, or "code N" when the imported codes do not have it. */
export function attCodeOf(settings: ConnectorSettings, school: number, codeId: number | undefined) {
  const code = settings.reasons[String(school)]?.codes.find((c) => c.id === codeId);
  return code?.attCode ?? `code ${codeId ?? '?'}`;
}

export interface ExistingRule {
  policy: ExistingPolicy;
  /** att_codes the school lets pswb overwrite (policy overwrite_listed). */
  overwritable: readonly string[];
}

/** A posted record and what PowerSchool holds in its place. */
interface Clash {
  fields: AttendanceFields;
  held: AttendanceOnDay;
}

/**
 * The records to post after the school's rule: the clashing records kept are taken out (and
 * listed); throws kept_existing_record when every record is kept, so nothing is posted.
 */
export async function applyExistingRule(
  context: EventContext,
  written: WrittenRecord,
  rule: ExistingRule,
  facts: {
    studentId: number;
    date: string;
    school: number;
    describe: (f: AttendanceFields) => string;
  },
): Promise<WrittenRecord> {
  const { run, call } = context;
  const settings = run.settings();
  const held = await attendanceOnDay(run.client, facts.studentId, facts.date, call);
  const own = ownRecords(await run.outbox.studentDay(facts.date, { psId: facts.studentId }));
  const overwritable = new Set(rule.overwritable.map((code) => code.toLowerCase()));
  const kept: Clash[] = [];
  const posted: AttendanceFields[] = [];
  for (const fields of postedRecords(written)) {
    const slot = slotOf(fields);
    const theirs = held.find(
      (row) => slotOfRow(row) === slot && !own.has(`${slot}|${row.attendanceCodeId ?? ''}`),
    );
    const code = attCodeOf(settings, facts.school, theirs?.attendanceCodeId).toLowerCase();
    const keep = theirs && (rule.policy === 'keep' || !overwritable.has(code));
    if (keep) kept.push({ fields, held: theirs });
    else posted.push(fields);
  }
  if (kept.length === 0) return written;
  const keptRecords: HeldRecord[] = kept.map(({ fields, held: row }) => ({
    psId: row.id,
    ...(row.periodId ? { periodId: row.periodId } : {}),
    what: `${facts.describe(fields)}: ${attCodeOf(settings, facts.school, row.attendanceCodeId)}`,
  }));
  if (posted.length === 0) {
    throw new ConnectorError(
      'kept_existing_record',
      `Kept existing record: PowerSchool already holds ${keptRecords.map((r) => r.what).join('; ')} for this student on ${facts.date}, entered by someone other than pswb, and school ${facts.school} keeps existing marks${rule.policy === 'overwrite_listed' ? ` unless their code is one of ${rule.overwritable.join(', ')}` : ''}. Nothing was written.`,
    );
  }
  const { also: _also, ...rest } = written;
  return {
    ...rest,
    fields: posted[0]!,
    ...(posted.length > 1 ? { also: posted.slice(1) } : {}),
    kept: keptRecords,
  };
}
