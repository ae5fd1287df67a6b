/**
 * Checks the resilience proof's outcome against its plan: each event Successful or Failed as
 * planned (failures with their messages), and PowerSchool's attendance table holding exactly one
 * row per successful event, on the right student, date, mode and period, and nothing else.
 */
import { DISTRICT_ADMIN, type Connector, type WritebackRecord } from '../../connector/index.ts';
import type { District } from '../../simulator/index.ts';
import { messageInBody } from '../verdict.ts';
import { proofComment, type PlannedEvent } from './plan-events.ts';

/** What the proof found. */
export interface ProofTally {
  successful: number;
  failed: number;
  notAttempted: number;
  /** Events not finished (pending or sending): should be none. */
  unfinished: number;
  /** Successful events with exactly one row, the right one, in PowerSchool. */
  writtenOnce: number;
  /** Events built to fail that failed with their planned message. */
  failedAsPlanned: number;
  attendanceRows: number;
  /** Every discrepancy (the report shows the first few). */
  problems: string[];
}

/** Compares every planned event with the log and PowerSchool's attendance table. */
export function tallyProof(
  connector: Connector,
  district: District,
  plan: readonly PlannedEvent[],
): ProofTally {
  const rowsByComment = new Map<string, ReturnType<District['attendanceOn']>[number][]>();
  const rows = district.table('attendance').all();
  for (const row of rows) {
    const list = rowsByComment.get(row.att_comment) ?? [];
    list.push(row);
    rowsByComment.set(row.att_comment, list);
  }
  const tally: ProofTally = {
    successful: 0,
    failed: 0,
    notAttempted: 0,
    unfinished: 0,
    writtenOnce: 0,
    failedAsPlanned: 0,
    attendanceRows: rows.length,
    problems: [],
  };
  for (const planned of plan) {
    const id = String(planned.event.id);
    const record = connector.record(DISTRICT_ADMIN, id);
    if (!record) {
      tally.problems.push(`${id}: not in the writeback log`);
      continue;
    }
    count(tally, record);
    const written = rowsByComment.get(proofComment(id)) ?? [];
    tally.problems.push(...checkEvent(tally, planned, record, written));
  }
  const expectedRows = plan.filter((item) => item.expected.outcome === 'successful').length;
  if (rows.length !== expectedRows) {
    tally.problems.push(
      `PowerSchool holds ${rows.length} attendance rows; ${expectedRows} successful events should have written one each`,
    );
  }
  return tally;
}

function count(tally: ProofTally, record: WritebackRecord): void {
  if (record.status === 'successful') tally.successful += 1;
  else if (record.status === 'failed') tally.failed += 1;
  else if (record.status === 'not_attempted') tally.notAttempted += 1;
  else tally.unfinished += 1;
}

function checkEvent(
  tally: ProofTally,
  planned: PlannedEvent,
  record: WritebackRecord,
  written: readonly {
    studentid: number;
    att_date: string;
    att_mode_code: string;
    periodid: number;
  }[],
): string[] {
  const { expected } = planned;
  const id = record.id;
  if (expected.outcome === 'successful') {
    if (record.status !== 'successful') {
      return [
        `${id}: expected Successful, got ${record.statusLabel}: ${record.error?.message ?? ''}`,
      ];
    }
    if (written.length !== 1)
      return [`${id}: ${written.length} attendance rows, expected exactly 1`];
    const row = written[0]!;
    const right =
      row.studentid === expected.studentId &&
      row.att_date === expected.date &&
      row.att_mode_code === expected.mode &&
      row.periodid === expected.periodId;
    if (!right) {
      return [
        `${id}: written as student ${row.studentid} ${row.att_date} ${row.att_mode_code} period ${row.periodid}, expected ${expected.studentId} ${expected.date} ${expected.mode} period ${expected.periodId}`,
      ];
    }
    tally.writtenOnce += 1;
    return [];
  }
  if (record.status !== 'failed' || !record.error) {
    return [`${id}: expected Failed (${expected.kind}), got ${record.statusLabel}`];
  }
  if (written.length > 0) return [`${id}: failed but wrote ${written.length} attendance rows`];
  const texts = [record.error.message, messageInBody(record.error.body)].filter(
    (text): text is string => text !== undefined,
  );
  const matches = texts.some((text) =>
    typeof expected.message === 'string' ? text === expected.message : expected.message.test(text),
  );
  if (!matches || (expected.status !== undefined && record.error.status !== expected.status)) {
    return [`${id}: expected ${String(expected.message)}, got "${record.error.message}"`];
  }
  tally.failedAsPlanned += 1;
  return [];
}
