/**
 * One school year of a school, built from the templates: year term and semesters, bell schedule
 * and periods, the calendar (weekends and holidays out of session, A/B days alternating),
 * attendance codes with new ids, and the recording method (Attendance Preferences).
 */
import { addDays, dayOfWeek, secondsOfDay } from '../district/dates.ts';
import type { AttendanceCodeRow, PeriodRow, SchoolRow, TermRow } from '../district/schema.ts';
import type { RowSink } from './row-sink.ts';
import {
  CODE_TEMPLATES,
  CYCLE_LETTERS,
  type SchoolKind,
  type YearTemplate,
} from './school-templates.ts';

/** What the builder made for one school in one year. */
export interface BuiltSchoolYear {
  year: YearTemplate;
  yearTerm: TermRow;
  semesters: { s1: TermRow; s2: TermRow };
  periods: Map<number, PeriodRow>;
  codes: Map<string, AttendanceCodeRow>;
}

/** A school and its years. */
export interface BuiltSchool {
  row: SchoolRow;
  kind: SchoolKind;
  years: Map<number, BuiltSchoolYear>;
}

/** Adds one year of a school: terms, bell schedule, periods, calendar, codes, recording method. */
export function addSchoolYear(
  sink: RowSink,
  school: BuiltSchool,
  year: YearTemplate,
): BuiltSchoolYear {
  const schoolid = school.row.school_number;
  const { yearTerm, s1, s2 } = addTerms(sink, schoolid, year);
  const periods = addBellSchedule(sink, school, year);
  addCalendar(sink, school, year, periods.bellScheduleId);
  const codes = addCodes(sink, schoolid, year);
  sink.data.attendance_preferences.push({
    id: sink.keys('attendance_preferences').id,
    schoolid,
    yearid: year.yearid,
    att_mode: school.kind.modeByYear[year.yearid] ?? 'ATT_ModeDaily',
  });
  return { year, yearTerm, semesters: { s1, s2 }, periods: periods.byNumber, codes };
}

/** The year term (id = yearid * 100, reference 5) and two semesters. */
function addTerms(
  sink: RowSink,
  schoolid: number,
  year: YearTemplate,
): { yearTerm: TermRow; s1: TermRow; s2: TermRow } {
  const term = (
    id: number,
    firstday: string,
    lastday: string,
    name: string,
    abbreviation: string,
    portion: number,
  ): TermRow => {
    const row: TermRow = {
      id,
      dcid: sink.keys('terms').dcid,
      schoolid,
      yearid: year.yearid,
      firstday,
      lastday,
      isyearrec: id % 100 === 0 ? 1 : 0,
      name,
      abbreviation,
      portion,
    };
    sink.data.terms.push(row);
    return row;
  };
  const label = `${year.startYear}-${String(year.startYear + 1).slice(2)}`;
  return {
    yearTerm: term(year.yearid * 100, year.firstday, year.lastday, label, label, 1),
    s1: term(year.yearid * 100 + 1, year.firstday, year.s1LastDay, 'Semester 1', 'S1', 2),
    s2: term(year.yearid * 100 + 2, year.s2FirstDay, year.lastday, 'Semester 2', 'S2', 2),
  };
}

/** The year's attendance codes: new ids every year (reference 5). */
function addCodes(
  sink: RowSink,
  schoolid: number,
  year: YearTemplate,
): Map<string, AttendanceCodeRow> {
  const codes = new Map<string, AttendanceCodeRow>();
  CODE_TEMPLATES.forEach((template, index) => {
    const code: AttendanceCodeRow = {
      ...sink.keys('attendance_code'),
      schoolid,
      yearid: year.yearid,
      att_code: template.att_code,
      description: template.description,
      presence_status_cd: template.presence_status_cd,
      course_credit_points: template.points,
      sortorder: index + 1,
    };
    sink.data.attendance_code.push(code);
    codes.set(code.att_code, code);
  });
  return codes;
}

function addBellSchedule(
  sink: RowSink,
  school: BuiltSchool,
  year: YearTemplate,
): { bellScheduleId: number; byNumber: Map<number, PeriodRow> } {
  const schoolid = school.row.school_number;
  const bellSchedule = {
    ...sink.keys('bell_schedule'),
    schoolid,
    year_id: year.yearid,
    name: school.kind.bellScheduleName,
  };
  sink.data.bell_schedule.push(bellSchedule);
  const byNumber = new Map<number, PeriodRow>();
  school.kind.periods.forEach((template, index) => {
    const period: PeriodRow = {
      ...sink.keys('period'),
      schoolid,
      year_id: year.yearid,
      period_number: template.number,
      name: template.name,
      abbreviation: template.abbreviation,
      sort_order: index + 1,
    };
    sink.data.period.push(period);
    byNumber.set(template.number, period);
    sink.data.bell_schedule_items.push({
      ...sink.keys('bell_schedule_items'),
      bell_schedule_id: bellSchedule.id,
      period_id: period.id,
      start_time: secondsOfDay(template.start),
      end_time: secondsOfDay(template.end),
      daily_attendance_code: template.abbreviation === 'LUN' ? 0 : 1,
    });
  });
  return { bellScheduleId: bellSchedule.id, byNumber };
}

/** Every date of the year: weekends and holidays out of session; A/B days alternate. */
function addCalendar(
  sink: RowSink,
  school: BuiltSchool,
  year: YearTemplate,
  bellScheduleId: number,
): void {
  const schoolid = school.row.school_number;
  const cycleDays = CYCLE_LETTERS.map((letter, index) => {
    const row = {
      ...sink.keys('cycle_day'),
      schoolid,
      year_id: year.yearid,
      letter,
      day_number: index + 1,
      abbreviation: `${letter} Day`,
    };
    sink.data.cycle_day.push(row);
    return row;
  });
  let sessionDay = 0;
  for (let date = year.firstday; date <= year.lastday; date = addDays(date, 1)) {
    const weekday = dayOfWeek(date);
    const holiday = year.holidays[date];
    const inSession = weekday !== 0 && weekday !== 6 && holiday === undefined;
    const cycleDay = inSession ? cycleDays[sessionDay++ % cycleDays.length] : undefined;
    const { id, dcid } = sink.keys('calendar_day');
    sink.data.calendar_day.push({
      id,
      dcid,
      schoolid,
      date_value: date,
      insession: inSession ? 1 : 0,
      bell_schedule_id: inSession ? bellScheduleId : 0,
      cycle_day_id: cycleDay?.id ?? 0,
      note: holiday ?? '',
    });
  }
}
