/**
 * Named facts about the demo district, for tests, the connector's scenarios and support
 * reproductions. Stable: test/simulator/district-demo-seed.test.ts proves every value against the
 * built data, so a change to the demo that moves an id fails there first.
 *
 * Times are seconds since midnight in the district's zone (America/New_York).
 */
export const DEMO_FACTS = {
  timezone: 'America/New_York',
  years: {
    /** 2026-27: the year the dates below fall in. */
    current: { yearid: 36, yearTermId: 3600, firstday: '2026-08-17', lastday: '2027-06-11' },
    /** 2025-26: its codes still exist (the stale-code error needs them). */
    last: { yearid: 35, yearTermId: 3500, firstday: '2025-08-18', lastday: '2026-06-12' },
  },
  dates: {
    /** A Wednesday in session at every school; an A day. */
    inSession: '2026-10-14',
    /** The next school day; a B day. */
    inSessionBDay: '2026-10-15',
    /** A weekday holiday (Indigenous Peoples' Day): calendar_day insession = 0, no bell schedule. */
    holiday: '2026-10-12',
    /** A Saturday. */
    weekend: '2026-10-17',
    /** In session last school year (yearid 35). */
    lastYearInSession: '2026-03-11',
    /** Between the two school years: no year term contains it. */
    summer: '2026-07-15',
  },
  schools: {
    daily: {
      schoolNumber: 101,
      dcid: 1001,
      name: 'Maple Grove Elementary School',
      mode: 'ATT_ModeDaily',
      modeLastYear: 'ATT_ModeDaily',
    },
    time: {
      schoolNumber: 102,
      dcid: 1002,
      name: 'Riverside Middle School',
      mode: 'ATT_ModeTime',
      modeLastYear: 'ATT_ModeDaily',
    },
    meeting: {
      schoolNumber: 103,
      dcid: 1003,
      name: 'Lincoln High School',
      mode: 'ATT_ModeMeeting',
      modeLastYear: 'ATT_ModeMeeting',
    },
  },
  students: {
    /** Enrolled all year at the Daily school. */
    daily: {
      id: 1001,
      dcid: 5001,
      studentNumber: 260001,
      firstName: 'Ava',
      lastName: 'Thompson',
      schoolNumber: 101,
      gradeLevel: 3,
    },
    /** Enrolled all year at the Time school. */
    time: {
      id: 1002,
      dcid: 5002,
      studentNumber: 260002,
      firstName: 'Liam',
      lastName: 'Carter',
      schoolNumber: 102,
      gradeLevel: 7,
    },
    /** Enrolled all year at the Meeting school, in a class every period but lunch. */
    meeting: {
      id: 1003,
      dcid: 5003,
      studentNumber: 260003,
      firstName: 'Sofia',
      lastName: 'Ramirez',
      schoolNumber: 103,
      gradeLevel: 10,
    },
    /** Left the Daily school: exitdate 2026-10-03 (last day attended 10/2/2026); enroll_status 2. */
    exited: {
      id: 1004,
      dcid: 5004,
      studentNumber: 260004,
      firstName: 'Noah',
      lastName: 'Bennett',
      schoolNumber: 101,
      exitdate: '2026-10-03',
      lastEnrolledDate: '2026-10-02',
      firstNotEnrolledSchoolDay: '2026-10-05',
    },
    /** New to the Meeting school on 2026-11-02 (no earlier stint). */
    midYearEntry: {
      id: 1005,
      dcid: 5005,
      studentNumber: 260005,
      firstName: 'Mia',
      lastName: 'Patel',
      schoolNumber: 103,
      entrydate: '2026-11-02',
    },
    /** At the Meeting school this year; last year at the Time school (a REENROLLMENTS row). */
    movedUp: {
      id: 1006,
      dcid: 5006,
      studentNumber: 260006,
      firstName: 'Ethan',
      lastName: 'Brooks',
      schoolNumber: 103,
      lastYearSchoolNumber: 102,
    },
    /** Time school; last year left on 2026-02-14 and came back on 2026-03-02 (two stints). */
    returned: {
      id: 1007,
      dcid: 5007,
      studentNumber: 260007,
      firstName: 'Chloe',
      lastName: 'Nguyen',
      schoolNumber: 102,
      notEnrolledLastYear: '2026-02-20',
    },
    /** Meeting school; dropped World History (period 4) on 2026-09-01: no class 10:50-11:45. */
    freePeriod: {
      id: 1008,
      dcid: 5008,
      studentNumber: 260008,
      firstName: 'Lucas',
      lastName: 'Kim',
      schoolNumber: 103,
      droppedCcId: 70086,
      freeTime: 39_000,
    },
    /**
     * Daily school; her Student Number (5001) is Ava Thompson's DCID. A SIS sync that maps
     * Student Number where the DCID belongs sends 5001 for Harper: the write lands on Ava.
     */
    studentNumberIsAnotherDcid: {
      id: 1011,
      dcid: 5011,
      studentNumber: 5001,
      firstName: 'Harper',
      lastName: 'Wilson',
      schoolNumber: 101,
      gradeLevel: 2,
    },
  },
  /** A DCID no student has ("Could not find student's PowerSchool id."). */
  unknownDcid: 999_999,
  /** A STUDENTS.ID no student has. */
  unknownStudentId: 999_999,
  /** Attendance code ids per school and year (the same att_code has a new id every year). */
  codes: {
    101: {
      current: { tardy: 7, earlyDismissal: 9, absent: 11 },
      last: { tardy: 1, earlyDismissal: 3 },
    },
    102: {
      current: { tardy: 19, earlyDismissal: 21, absent: 23 },
      last: { tardy: 13, earlyDismissal: 15 },
    },
    103: {
      current: { tardy: 31, earlyDismissal: 33, absent: 35 },
      last: { tardy: 25, earlyDismissal: 27 },
    },
  },
  /** The Meeting school's bell schedule this year (period ids are yearid 36's). */
  meetingBell: {
    bellScheduleId: 6,
    periods: {
      1: { periodId: 29, start: 28_500, end: 31_500 },
      2: { periodId: 30, start: 31_800, end: 35_100 },
      3: { periodId: 31, start: 35_400, end: 38_700 },
      4: { periodId: 32, start: 39_000, end: 42_300 },
      lunch: { periodId: 33, periodNumber: 9, start: 42_300, end: 44_400 },
      5: { periodId: 34, start: 44_700, end: 48_000 },
      6: { periodId: 35, start: 48_300, end: 51_600 },
      7: { periodId: 36, start: 51_900, end: 55_200 },
    },
    /** 9:47, inside the passing time between period 2 (ends 9:45) and period 3 (starts 9:50). */
    passingTime: 35_220,
    /** 12:00, during lunch (no class meets). */
    lunchTime: 43_200,
  },
  /** A meeting record that succeeds: Sofia, period 2 (Algebra), on dates.inSession. */
  meetingRecord: {
    studentId: 1003,
    ccid: 70018,
    sectionId: 37,
    periodId: 30,
    calendarDayId: 1554,
    start: 31_800,
    end: 35_100,
  },
} as const;

export type DemoFacts = typeof DEMO_FACTS;
