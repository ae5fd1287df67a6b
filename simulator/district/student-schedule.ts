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
  const section = district.table('sections').get(cc.sectionid);
  const calendarDay = district.calendarDay(cc.schoolid, date);
  if (!section || !calendarDay || calendarDay.insession !== 1) return [];
  const cycleDay = district.table('cycle_day').get(calendarDay.cycle_day_id);
  if (!cycleDay) return [];
  const sectionMeetings = district.table('section_meeting').lookup('sectionid', section.id);
  const found: ScheduledMeeting[] = [];
  const items = district
    .table('bell_schedule_items')
    .lookup('bell_schedule_id', calendarDay.bell_schedule_id);
  for (const item of items) {
    const period = district.table('period').get(item.period_id);
    if (!period) continue;
    const meets = sectionMeetings.some(
      (meeting) =>
        meeting.period_number === period.period_number &&
        meeting.cycle_day_letter === cycleDay.letter,
    );
    if (meets) found.push({ cc, section, period, item, calendarDay, cycleDay });
  }
  return found;
}
