/**
 * PowerSchool refusing the record itself (400, the guide's technical messages): an attendance
 * code from last school year, a student not enrolled on the date, and an Attendance Mode that
 * is not the school's recording method.
 */
import { DISTRICT_ADMIN, schoolYearLabel } from '../../connector/index.ts';
import { DEMO_FACTS } from '../../simulator/index.ts';
import { checkIn, clockTime, fullName } from '../check-ins.ts';
import { correctExitDate, dayAfter } from '../powerschool-edits.ts';
import type { Scenario } from '../scenario.ts';
import { connectAndSetUp, expectRow, replayFailed, sendAndObserve } from '../scenario-steps.ts';

const { students, dates, schools, years, codes } = DEMO_FACTS;

const ava = students.daily;
const avaCheckIn = {
  id: 'vm-ava-stale-code',
  student: ava,
  date: dates.inSession,
  seconds: 8 * 3600 + 40 * 60,
};
const daily = schools.daily;

/** Reasons still mapped to last year's codes. */
export const staleCodeYearScenario: Scenario = {
  name: 'stale-code-year',
  title: "Record Not Saved: the attendance code is last school year's",
  guideError: "Record Not Saved. : [Number] doesn't match the term's year value: [Number].",
  troubleshootingId: 'code_year_mismatch',
  situation: `${daily.name} (${daily.schoolNumber}, Daily mode) still maps its Late Check-in reasons to the attendance codes imported for ${schoolYearLabel(years.last.yearid)} (yearid ${years.last.yearid}); PowerSchool's current year is ${schoolYearLabel(years.current.yearid)} (yearid ${years.current.yearid}). ${fullName(ava)} is checked in late on ${avaCheckIn.date} at ${clockTime(avaCheckIn.seconds)}.`,
  setup: async (ctx) => {
    await connectAndSetUp(ctx);
    await ctx.connector().importAttendanceCodes(DISTRICT_ADMIN, {
      schoolNumber: daily.schoolNumber,
      date: dates.lastYearInSession,
      late: ['T', 'TE'],
      early: ['ED', 'EDE'],
    });
  },
  act: (ctx) =>
    sendAndObserve(
      ctx,
      `Sent ${fullName(ava)}'s late check-in at ${clockTime(avaCheckIn.seconds)}.`,
      [checkIn(avaCheckIn)],
    ),
  expectFailure: {
    message: `Record Not Saved. : ${years.last.yearid} doesn't match the term's year value: ${years.current.yearid}.`,
  },
  describeFix: `Import the latest attendance codes from PowerSchool (the guide: Admin → Student Tracking; pswb codes import --school ${daily.schoolNumber}), then replay the failed event (pswb writeback replay --school ${daily.schoolNumber}).`,
  resolve: async (ctx) => {
    const imported = await ctx
      .connector()
      .importAttendanceCodes(DISTRICT_ADMIN, { schoolNumber: daily.schoolNumber });
    return [
      `Imported ${imported.codes.length} attendance codes for ${schoolYearLabel(imported.yearid)} (yearid ${imported.yearid}) at school ${imported.schoolNumber}; Late Check-in reasons ${imported.lateCheckin.join(', ')}, Early Check-out reasons ${imported.earlyCheckout.join(', ')}.`,
    ];
  },
  replay: (ctx, failed) =>
    replayFailed(
      ctx,
      failed,
      `Replayed the failed event (pswb writeback replay --school ${daily.schoolNumber}).`,
    ),
  checkReplay: (_ctx, observed) =>
    expectRow(
      observed,
      {
        studentId: ava.id,
        date: avaCheckIn.date,
        label: `with this year's tardy code ${codes[101].current.tardy}`,
      },
      (row) => row.codeId === codes[101].current.tardy,
    ),
};

const noah = students.exited;
/** The day he really left: he attended through Friday 2026-10-09. */
const noahLastDay = '2026-10-09';
const noahCheckIn = {
  id: 'vm-noah-not-enrolled',
  student: noah,
  date: noah.firstNotEnrolledSchoolDay,
  seconds: 8 * 3600 + 35 * 60,
};

/** A check-in after the exit date PowerSchool has. */
export const notEnrolledScenario: Scenario = {
  name: 'not-enrolled',
  title: "Record Not Saved: the student isn't enrolled on the date",
  guideError: "Record Not Saved. : The student [Student Name] isn't enrolled on [Date].",
  troubleshootingId: 'student_not_enrolled',
  situation: `${daily.name} (${daily.schoolNumber}, Daily mode): PowerSchool shows ${fullName(noah)} transferred out with exit date ${noah.exitdate} (last day attended ${noah.lastEnrolledDate}), yet he is checked in late on ${noahCheckIn.date} at ${clockTime(noahCheckIn.seconds)}.`,
  setup: connectAndSetUp,
  act: (ctx) =>
    sendAndObserve(
      ctx,
      `Sent ${fullName(noah)}'s late check-in at ${clockTime(noahCheckIn.seconds)}.`,
      [checkIn(noahCheckIn)],
    ),
  expectFailure: {
    message: new RegExp(
      `^Record Not Saved\\. : The student ${fullName(noah)} isn't enrolled on \\S+\\.$`,
    ),
  },
  describeFix: `Confirm the student's enrollment status in PowerSchool for the date (the guide). Here the transfer was entered a week early: he attended through ${noahLastDay}, so the registrar moves the exit date to ${dayAfter(noahLastDay)} (the day after the last day attended), and the failed event is replayed.`,
  resolve: async (ctx) => [correctExitDate(ctx.sim.district, noah.id, dayAfter(noahLastDay))],
  replay: (ctx, failed) =>
    replayFailed(
      ctx,
      failed,
      `Replayed the failed event (pswb writeback replay --search "${fullName(noah)}").`,
    ),
};

const liam = students.time;
const middle = schools.time;
const liamCheckIn = {
  id: 'vm-liam-mode-mismatch',
  student: liam,
  date: dates.inSession,
  seconds: 9 * 3600 + 10 * 60,
};

/** Daily in the connector, Time in PowerSchool. */
export const modeMismatchScenario: Scenario = {
  name: 'mode-mismatch',
  title:
    'You have ATT_Mode... set as the method to use: the Attendance Mode differs from PowerSchool',
  guideError: 'You have ATT_Mode[Meeting/Daily/Time] set as the method to use...',
  troubleshootingId: 'attendance_mode_mismatch',
  situation: `${middle.name} (${middle.schoolNumber}) records attendance by Time in PowerSchool's Attendance Preferences, but the connector's School Building Setup says Daily. ${fullName(liam)} is checked in late on ${liamCheckIn.date} at ${clockTime(liamCheckIn.seconds)}.`,
  setup: async (ctx) => {
    await connectAndSetUp(ctx);
    await ctx
      .connector()
      .updateSchools(DISTRICT_ADMIN, [{ schoolNumber: middle.schoolNumber, mode: 'daily' }]);
  },
  act: (ctx) =>
    sendAndObserve(
      ctx,
      `Sent ${fullName(liam)}'s late check-in at ${clockTime(liamCheckIn.seconds)}.`,
      [checkIn(liamCheckIn)],
    ),
  expectFailure: { message: /^You have ATT_ModeTime set as the method to use/ },
  describeFix: `Update the building's Attendance Mode to match PowerSchool (the guide: Admin → PowerSchool Setup → School Building Setup; pswb schools set --school ${middle.schoolNumber} --mode time), then replay the failed event.`,
  resolve: async (ctx) => {
    await ctx
      .connector()
      .updateSchools(DISTRICT_ADMIN, [{ schoolNumber: middle.schoolNumber, mode: 'time' }]);
    return [
      `Set school ${middle.schoolNumber}'s Attendance Mode to Time in School Building Setup.`,
    ];
  },
  replay: (ctx, failed) =>
    replayFailed(
      ctx,
      failed,
      `Replayed the failed event (pswb writeback replay --school ${middle.schoolNumber}).`,
    ),
  checkReplay: (_ctx, observed) =>
    expectRow(
      observed,
      { studentId: liam.id, date: liamCheckIn.date, label: 'in Time mode' },
      (row) => row.mode === 'ATT_ModeTime',
    ),
};
