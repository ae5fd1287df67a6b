/**
 * Period coverage in Meeting mode (a school setting): a late check-in also marks every period of
 * the day the student had before the one they arrived in, an early check-out every period after
 * the one they left in. The guide writes the current period only.
 */
import type { EventType } from '../domain/index.ts';
import type { PeriodRow } from '../powerschool/index.ts';

/**
 * The student's periods missed besides `current`: those ending by its start (late check-in) or
 * starting at or after its end (early check-out), in the order of the day, one per period.
 */
export function missedPeriods(
  periods: readonly PeriodRow[],
  current: PeriodRow,
  type: EventType,
): PeriodRow[] {
  const seen = new Set<number>([current.periodid]);
  return [...periods]
    .sort((a, b) => a.start_time - b.start_time)
    .filter((period) =>
      type === 'late_checkin'
        ? period.end_time <= current.start_time
        : period.start_time >= current.end_time,
    )
    .filter((period) => {
      if (seen.has(period.periodid)) return false;
      seen.add(period.periodid);
      return true;
    });
}
