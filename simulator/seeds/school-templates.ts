/**
 * The shapes the demo and large districts are built from: two school years, three kinds of school
 * (one per attendance recording method) with real-looking bell schedules (passing time between
 * periods, a lunch), attendance codes, and the courses each kind of school offers.
 */
import type { AttMode } from '../district/schema.ts';

/** A school year: yearid = first calendar year - 1990 (reference 5); year term id = yearid * 100. */
export interface YearTemplate {
  yearid: number;
  /** Start year, e.g. 2026 for 2026-27. */
  startYear: number;
  firstday: string;
  lastday: string;
  /** Last day of semester 1 and first day of semester 2. */
  s1LastDay: string;
  s2FirstDay: string;
  /** Weekday non-session days (session 0) with their calendar note. */
  holidays: Record<string, string>;
}

/** Expands a date range into holiday entries with one note. */
function holidayRange(first: string, last: string, note: string): Record<string, string> {
  const days: Record<string, string> = {};
  for (let day = first; day <= last;) {
    days[day] = note;
    const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000);
    day = next.toISOString().slice(0, 10);
  }
  return days;
}

/** 2025-26 (yearid 35) and 2026-27 (yearid 36). */
export const YEARS: readonly YearTemplate[] = [
  {
    yearid: 35,
    startYear: 2025,
    firstday: '2025-08-18',
    lastday: '2026-06-12',
    s1LastDay: '2026-01-16',
    s2FirstDay: '2026-01-20',
    holidays: {
      '2025-09-01': 'Labor Day',
      '2025-10-13': "Indigenous Peoples' Day",
      ...holidayRange('2025-11-26', '2025-11-28', 'Thanksgiving Break'),
      ...holidayRange('2025-12-22', '2026-01-02', 'Winter Break'),
      '2026-01-19': 'Martin Luther King Jr. Day',
      '2026-02-16': "Presidents' Day",
      ...holidayRange('2026-04-06', '2026-04-10', 'Spring Break'),
      '2026-05-25': 'Memorial Day',
    },
  },
  {
    yearid: 36,
    startYear: 2026,
    firstday: '2026-08-17',
    lastday: '2027-06-11',
    s1LastDay: '2027-01-15',
    s2FirstDay: '2027-01-19',
    holidays: {
      '2026-09-07': 'Labor Day',
      '2026-10-12': "Indigenous Peoples' Day",
      '2026-11-03': 'Election Day - Professional Development',
      ...holidayRange('2026-11-25', '2026-11-27', 'Thanksgiving Break'),
      ...holidayRange('2026-12-21', '2027-01-01', 'Winter Break'),
      '2027-01-18': 'Martin Luther King Jr. Day',
      '2027-02-15': "Presidents' Day",
      ...holidayRange('2027-03-29', '2027-04-02', 'Spring Break'),
      '2027-05-31': 'Memorial Day',
    },
  },
];

/** One bell schedule item and the period it belongs to. */
export interface PeriodTemplate {
  number: number;
  name: string;
  abbreviation: string;
  start: string;
  end: string;
}

/** A course the school schedules: its number and the section expression it meets in. */
export interface CourseTemplate {
  course_number: string;
  expression: string;
  /** Which term the section runs in. */
  term: 'year' | 's1' | 's2';
}

/** A kind of school: grades, recording method per year, bell schedule and course plan. */
export interface SchoolKind {
  kind: 'elementary' | 'middle' | 'high';
  low_grade: number;
  high_grade: number;
  modeByYear: Record<number, AttMode>;
  bellScheduleName: string;
  periods: readonly PeriodTemplate[];
  courses: readonly CourseTemplate[];
}

const LUNCH_PERIOD = 9;

/** Elementary: Daily attendance; a morning and an afternoon block around lunch. */
export const ELEMENTARY: SchoolKind = {
  kind: 'elementary',
  low_grade: 0,
  high_grade: 5,
  modeByYear: { 35: 'ATT_ModeDaily', 36: 'ATT_ModeDaily' },
  bellScheduleName: 'Elementary Day',
  periods: [
    { number: 1, name: 'Morning', abbreviation: 'AM', start: '08:00', end: '11:30' },
    { number: LUNCH_PERIOD, name: 'Lunch', abbreviation: 'LUN', start: '11:30', end: '12:10' },
    { number: 2, name: 'Afternoon', abbreviation: 'PM', start: '12:10', end: '15:00' },
  ],
  courses: [{ course_number: 'HR', expression: '1-2(A-B)', term: 'year' }],
};

/**
 * Middle: Time attendance this year, Daily last year (the recording method is per school AND
 * year); six periods with five-minute passing times and a lunch.
 */
export const MIDDLE: SchoolKind = {
  kind: 'middle',
  low_grade: 6,
  high_grade: 8,
  modeByYear: { 35: 'ATT_ModeDaily', 36: 'ATT_ModeTime' },
  bellScheduleName: 'Middle School Day',
  periods: [
    { number: 1, name: 'Period 1', abbreviation: 'P1', start: '08:00', end: '08:50' },
    { number: 2, name: 'Period 2', abbreviation: 'P2', start: '08:55', end: '09:45' },
    { number: 3, name: 'Period 3', abbreviation: 'P3', start: '09:50', end: '10:40' },
    { number: 4, name: 'Period 4', abbreviation: 'P4', start: '10:45', end: '11:35' },
    { number: LUNCH_PERIOD, name: 'Lunch', abbreviation: 'LUN', start: '11:35', end: '12:10' },
    { number: 5, name: 'Period 5', abbreviation: 'P5', start: '12:15', end: '13:05' },
    { number: 6, name: 'Period 6', abbreviation: 'P6', start: '13:10', end: '14:00' },
  ],
  courses: [
    { course_number: 'ELA', expression: '1(A-B)', term: 'year' },
    { course_number: 'MATH', expression: '2(A-B)', term: 'year' },
    { course_number: 'SCI', expression: '3(A-B)', term: 'year' },
    { course_number: 'SOC', expression: '4(A-B)', term: 'year' },
    { course_number: 'PE', expression: '5(A)', term: 'year' },
    { course_number: 'ART', expression: '5(B)', term: 'year' },
    { course_number: 'MUS', expression: '6(A-B)', term: 'year' },
  ],
};

/**
 * High: Meeting (period) attendance; seven periods with passing times (09:45-09:50 lies between
 * periods 2 and 3), a lunch, A/B-day electives in period 6 and semester courses in period 7.
 */
export const HIGH: SchoolKind = {
  kind: 'high',
  low_grade: 9,
  high_grade: 12,
  modeByYear: { 35: 'ATT_ModeMeeting', 36: 'ATT_ModeMeeting' },
  bellScheduleName: 'High School Day',
  periods: [
    { number: 1, name: 'Period 1', abbreviation: 'P1', start: '07:55', end: '08:45' },
    { number: 2, name: 'Period 2', abbreviation: 'P2', start: '08:50', end: '09:45' },
    { number: 3, name: 'Period 3', abbreviation: 'P3', start: '09:50', end: '10:45' },
    { number: 4, name: 'Period 4', abbreviation: 'P4', start: '10:50', end: '11:45' },
    { number: LUNCH_PERIOD, name: 'Lunch', abbreviation: 'LUN', start: '11:45', end: '12:20' },
    { number: 5, name: 'Period 5', abbreviation: 'P5', start: '12:25', end: '13:20' },
    { number: 6, name: 'Period 6', abbreviation: 'P6', start: '13:25', end: '14:20' },
    { number: 7, name: 'Period 7', abbreviation: 'P7', start: '14:25', end: '15:20' },
  ],
  courses: [
    { course_number: 'ENG', expression: '1(A-B)', term: 'year' },
    { course_number: 'ALG', expression: '2(A-B)', term: 'year' },
    { course_number: 'BIO', expression: '3(A-B)', term: 'year' },
    { course_number: 'HIST', expression: '4(A-B)', term: 'year' },
    { course_number: 'SPAN', expression: '5(A-B)', term: 'year' },
    { course_number: 'ART', expression: '6(A)', term: 'year' },
    { course_number: 'PE', expression: '6(B)', term: 'year' },
    { course_number: 'HLTH', expression: '7(A-B)', term: 's1' },
    { course_number: 'MUS', expression: '7(A-B)', term: 's2' },
  ],
};

/** The cycle days of every school: A and B days alternate over in-session days. */
export const CYCLE_LETTERS = ['A', 'B'] as const;

/** Attendance codes each school has in each year (new ids every year). */
export const CODE_TEMPLATES = [
  { att_code: 'T', description: 'Tardy', presence_status_cd: 'Present', points: 1 },
  { att_code: 'TE', description: 'Tardy Excused', presence_status_cd: 'Present', points: 1 },
  { att_code: 'ED', description: 'Early Dismissal', presence_status_cd: 'Present', points: 1 },
  {
    att_code: 'EDE',
    description: 'Early Dismissal Excused',
    presence_status_cd: 'Present',
    points: 1,
  },
  { att_code: 'A', description: 'Absent', presence_status_cd: 'Absent', points: 0 },
  { att_code: 'AE', description: 'Absent Excused', presence_status_cd: 'Absent', points: 0 },
] as const;
