/**
 * Steps most scenarios share: connect and set up the demo district as its admin would, send
 * check-ins and observe the log and PowerSchool's rows, replay what failed.
 */
import type { WritebackRecord } from '../connector/index.ts';
import type { ReproContext } from './context.ts';
import type { AttendanceView, Observation } from './scenario.ts';

/** Save and Apply (checked), then School Building Setup and this year's codes, as an admin does. */
export async function connectAndSetUp(ctx: ReproContext): Promise<void> {
  const saved = await ctx.saveConnection();
  if (!saved.saved) {
    const problem = saved.report?.problem?.message ?? 'the connection check failed';
    throw new Error(`Save and Apply to All Schools failed during setup: ${problem}`);
  }
  await ctx.setUpSchools();
}

/** A student and date whose attendance rows the story shows. */
export interface StudentDay {
  studentId: number;
  date: string;
}

/**
 * What the log and PowerSchool show after sending: the records, and the attendance rows of
 * every student and date they name (plus `alsoShow`), each row once.
 */
export function observe(
  ctx: ReproContext,
  action: string,
  records: WritebackRecord[],
  alsoShow: readonly StudentDay[] = [],
): Observation {
  const days: StudentDay[] = [
    ...records
      .filter((record) => record.studentPsId !== null)
      .map((record) => ({ studentId: record.studentPsId!, date: record.localDate })),
    ...alsoShow,
  ];
  const seen = new Set<string>();
  const attendance: AttendanceView[] = [];
  for (const day of days) {
    const key = `${day.studentId}|${day.date}`;
    if (seen.has(key)) continue;
    seen.add(key);
    attendance.push(...ctx.attendance(day.studentId, day.date));
  }
  return { action, records, attendance };
}

/** Sends check-ins and observes the outcome. */
export async function sendAndObserve(
  ctx: ReproContext,
  action: string,
  events: readonly Record<string, unknown>[],
  alsoShow: readonly StudentDay[] = [],
): Promise<Observation> {
  return observe(ctx, action, await ctx.send(events), alsoShow);
}

/**
 * Replays the events that failed in the first half (pswb writeback replay), or those not
 * attempted (--status not_attempted), and observes them.
 */
export async function replayFailed(
  ctx: ReproContext,
  failed: Observation,
  action: string,
  status: 'failed' | 'not_attempted' = 'failed',
): Promise<Observation> {
  const ids = failed.records.filter((record) => record.status === status).map((r) => r.id);
  if (ids.length === 0) {
    const what = status === 'failed' ? 'Nothing failed' : 'Nothing was left not attempted';
    throw new Error(`${what} in the first half, so nothing to replay.`);
  }
  return observe(ctx, action, await ctx.replay(ids, status));
}

/** Problems unless some row of the observation has this student, date and predicate. */
export function expectRow(
  observed: Observation,
  where: StudentDay & { label: string },
  predicate: (row: AttendanceView) => boolean = () => true,
): string[] {
  const found = observed.attendance.some(
    (row) => row.studentId === where.studentId && row.date === where.date && predicate(row),
  );
  return found ? [] : [`PowerSchool has no attendance row ${where.label}`];
}
