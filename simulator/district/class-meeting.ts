/**
 * Whether one class enrollment meets in one period on a date: the question every meeting write
 * asks. The resolution is meetingsOfEnrollment's (student-schedule.ts, reference section 5:
 * in-session calendar day -> its bell schedule's items -> the period -> the section's meetings
 * on that cycle day), asked for a single period with nothing built on the way: listing the
 * meetings to test one of them allocated about a kilobyte per write (docs/benchmarks.md,
 * figure 1). test/simulator/district-class-meeting.test.ts holds the two to the same answers.
 */
import type { District } from './district.ts';
import type { CcRow } from './schema.ts';

/** True when the enrollment's section meets in `periodid` on `date` (activity is not checked). */
export function meetsInPeriod(
  district: District,
  cc: CcRow,
  date: string,
  periodid: number,
): boolean {
  const section = district.table('sections').get(cc.sectionid);
  const calendarDay = district.calendarDay(cc.schoolid, date);
  if (!section || !calendarDay || calendarDay.insession !== 1) return false;
  const cycleDay = district.table('cycle_day').get(calendarDay.cycle_day_id);
  const period = district.table('period').get(periodid);
  if (!cycleDay || !period) return false;
  if (!bellScheduleHasPeriod(district, calendarDay.bell_schedule_id, periodid)) return false;
  for (const meeting of district.table('section_meeting').lookup('sectionid', section.id)) {
    if (
      meeting.period_number === period.period_number &&
      meeting.cycle_day_letter === cycleDay.letter
    ) {
      return true;
    }
  }
  return false;
}

function bellScheduleHasPeriod(
  district: District,
  bellScheduleId: number,
  periodid: number,
): boolean {
  const items = district.table('bell_schedule_items').lookup('bell_schedule_id', bellScheduleId);
  for (const item of items) if (item.period_id === periodid) return true;
  return false;
}
