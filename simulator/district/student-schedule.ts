/**
 * A student's class meetings on a date, resolved the way reference section 5 describes: the
 * school's in-session calendar day -> its bell schedule's items -> each item's period -> the
 * student's class enrollments (CC) active that day whose section meets in that period on that
 * cycle day. Every step is an index lookup; nothing scans a whole table.
 */
import type { District } from './district.ts';
import type {
  BellScheduleItemRow,
  CalendarDayRow,
  CcRow,
  CycleDayRow,
  PeriodRow,
  SectionRow,
} from './schema.ts';

/** One scheduled class meeting of a student. */
export interface ScheduledMeeting {
  cc: CcRow;
  section: SectionRow;
  period: PeriodRow;
  item: BellScheduleItemRow;
  calendarDay: CalendarDayRow;
  cycleDay: CycleDayRow;
}

/** Active on the date: enrolled on or before it, left after it, not dropped (negative ids). */
export function isActiveEnrollment(cc: CcRow, date: string): boolean {
  return cc.sectionid > 0 && cc.dateenrolled <= date && date < cc.dateleft;
}

/** Every class meeting of the student on the date, ordered by start time then CC id. */
export function scheduledMeetings(
  district: District,
  studentid: number,
  date: string,
): ScheduledMeeting[] {
  const meetings: ScheduledMeeting[] = [];
  for (const cc of district.table('cc').lookup('studentid', studentid)) {
    if (!isActiveEnrollment(cc, date)) continue;
    meetings.push(...meetingsOfEnrollment(district, cc, date));
  }
  return meetings.sort((a, b) => a.item.start_time - b.item.start_time || a.cc.id - b.cc.id);
}

/** The meetings of one class enrollment on the date (whether it is active is not checked). */
export function meetingsOfEnrollment(
  district: District,
  cc: CcRow,
  date: string,
): ScheduledMeeting[] {
  const day = enrollmentDay(district, cc, date);
  if (!day) return [];
  const found: ScheduledMeeting[] = [];
  const items = district
    .table('bell_schedule_items')
    .lookup('bell_schedule_id', day.calendarDay.bell_schedule_id);
  for (const item of items) {
    const period = district.table('period').get(item.period_id);
    if (period && sectionMeets(district, day, period)) found.push({ cc, ...day, period, item });
  }
  return found;
}

/**
 * True when the enrollment's section meets in `periodid` on `date` (activity is not checked):
 * meetingsOfEnrollment's rule asked for one period, with nothing built on the way. Listing the
 * meetings to test one of them allocated about a kilobyte per write (docs/benchmarks.md,
 * figure 1).
 */
export function meetsInPeriod(
  district: District,
  cc: CcRow,
  date: string,
  periodid: number,
): boolean {
  const day = enrollmentDay(district, cc, date);
  const period = district.table('period').get(periodid);
  if (!day || !period) return false;
  const items = district
    .table('bell_schedule_items')
    .lookup('bell_schedule_id', day.calendarDay.bell_schedule_id);
  return items.some((item) => item.period_id === periodid) && sectionMeets(district, day, period);
}

/** The enrollment's section and in-session calendar and cycle day on a date, if it has them. */
function enrollmentDay(
  district: District,
  cc: CcRow,
  date: string,
): { section: SectionRow; calendarDay: CalendarDayRow; cycleDay: CycleDayRow } | undefined {
  const section = district.table('sections').get(cc.sectionid);
  const calendarDay = district.calendarDay(cc.schoolid, date);
  if (!section || !calendarDay || calendarDay.insession !== 1) return undefined;
  const cycleDay = district.table('cycle_day').get(calendarDay.cycle_day_id);
  return cycleDay ? { section, calendarDay, cycleDay } : undefined;
}

/** The section meets in the period on the day's cycle letter (its SECTION_MEETING rows). */
function sectionMeets(
  district: District,
  day: { section: SectionRow; cycleDay: CycleDayRow },
  period: PeriodRow,
): boolean {
  for (const meeting of district.table('section_meeting').lookup('sectionid', day.section.id)) {
    if (
      meeting.period_number === period.period_number &&
      meeting.cycle_day_letter === day.cycleDay.letter
    ) {
      return true;
    }
  }
  return false;
}
