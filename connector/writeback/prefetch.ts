/**
 * The runner's batched lookups: one students_by_dcid call per 100 of a chunk's uncached DCIDs
 * and one student_periods call per date (and 100 students) for its Meeting events, instead of one
 * per event (docs/benchmarks.md, figure 3). Each call's attempts are journaled under the events
 * it served. A failed prefetch is not fatal: each event then looks its data up itself.
 */
import { toDistrictLocalTime } from '../domain/index.ts';
import type { StudentDate } from '../powerschool/index.ts';
import type { EventRow } from '../store/index.ts';
import { sharedCall, type RunContext } from './context.ts';
import { planEvent } from './decide.ts';

/** The chunk's rows whose events will be written, with their plan. */
function writableRows(run: RunContext, claimed: readonly EventRow[]) {
  const settings = run.settings();
  return claimed.flatMap((row) => {
    const plan = planEvent(settings, row.school_number);
    return plan.kind === 'write' ? [{ row, plan }] : [];
  });
}

/** Looks up the chunk's uncached DCIDs in as few calls as the page size allows. */
export async function prefetchStudents(run: RunContext, claimed: EventRow[]): Promise<void> {
  const asking = writableRows(run, claimed)
    .filter(({ row, plan }) => plan.studentIdSource === 'dcid' && row.student_dcid !== null)
    .map(({ row }) => row);
  if (asking.length < 2) return;
  const byDcid = groupBy(asking, (row) => String(row.student_dcid));
  const journalFor = (dcids: readonly number[]) =>
    sharedCall(
      run,
      dcids.flatMap((dcid) => byDcid.get(String(dcid)) ?? []),
    );
  const dcids = asking.map((row) => row.student_dcid!);
  await run.lookups.prefetchStudents(dcids, journalFor).catch(() => undefined);
}

/** Looks up the periods of the chunk's Meeting students whose id is known, per date. */
export async function prefetchPeriods(run: RunContext, claimed: EventRow[]): Promise<void> {
  const meeting = writableRows(run, claimed).filter(({ plan }) => plan.mode === 'meeting');
  if (meeting.length < 2) return;
  try {
    const rows = meeting.map(({ row }) => row);
    const { districtTimezone } = await run.lookups.metadata(sharedCall(run, rows));
    const asking: { row: EventRow; wanted: StudentDate }[] = [];
    for (const { row, plan } of meeting) {
      const studentId =
        plan.studentIdSource === 'dcid'
          ? await run.lookups.knownStudentId(row.student_dcid)
          : (row.student_ps_id ?? undefined);
      if (studentId === undefined) continue;
      const { date } = toDistrictLocalTime(new Date(row.occurred_at), districtTimezone);
      asking.push({ row, wanted: { studentId, date } });
    }
    if (asking.length < 2) return;
    const keyOf = ({ studentId, date }: StudentDate): string => `${studentId}|${date}`;
    const byKey = groupBy(asking, (item) => keyOf(item.wanted));
    const journalFor = (asked: readonly StudentDate[]) =>
      sharedCall(
        run,
        asked.flatMap((wanted) => (byKey.get(keyOf(wanted)) ?? []).map((item) => item.row)),
      );
    await run.lookups.prefetchPeriods(
      asking.map((item) => item.wanted),
      journalFor,
    );
  } catch {
    // Not fatal: each event then looks its periods up and logs why not.
  }
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
