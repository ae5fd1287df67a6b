/**
 * "Could not find student's period." in Meeting mode: a check-in in the passing time between
 * two periods, and a check-in during a class PowerSchool shows as dropped.
 */
import { DEMO_FACTS, scheduledMeetings } from '../../simulator/index.ts';
import { checkIn, clockTime, fullName } from '../check-ins.ts';
import type { ReproContext } from '../context.ts';
import { reEnrollDroppedClass } from '../powerschool-edits.ts';
import type { Scenario } from '../scenario.ts';
import { connectAndSetUp, expectRow, replayFailed, sendAndObserve } from '../scenario-steps.ts';

const { students, dates, meetingBell, schools } = DEMO_FACTS;
const PERIOD_NOT_FOUND = "Could not find student's period.";
const school = `${schools.meeting.name} (${schools.meeting.schoolNumber}, Meeting mode)`;

const sofia = students.meeting;
const passingEvent = { id: 'vm-sofia-passing-time', student: sofia, date: dates.inSession };
const period3 = meetingBell.periods[3];

/** The student's classes that end just before and start just after a time, from PowerSchool. */
function classesAround(ctx: ReproContext, studentId: number, date: string, seconds: number) {
  const meetings = scheduledMeetings(ctx.sim.district, studentId, date);
  const before = meetings.filter((m) => m.item.end_time <= seconds).at(-1);
  const after = meetings.find((m) => m.item.start_time > seconds);
  const describe = (meeting: (typeof meetings)[number] | undefined): string =>
    meeting
      ? `${meeting.period.name} ${meeting.section.course_number} ${clockTime(meeting.item.start_time)}-${clockTime(meeting.item.end_time)}`
      : 'none';
  return { before: describe(before), after: describe(after) };
}

/** A late check-in at 09:47, between period 2 and period 3. */
export const missingPeriodScenario: Scenario = {
  name: 'missing-period',
  title: "Could not find student's period: a check-in in the passing time between two periods",
  guideError: PERIOD_NOT_FOUND,
  troubleshootingId: 'student_period_not_found',
  situation: `${school}: ${fullName(sofia)} is checked in late on ${dates.inSession} at ${clockTime(meetingBell.passingTime)}, in the passing time between period 2 (ends ${clockTime(meetingBell.periods[2].end)}) and period 3 (starts ${clockTime(period3.start)}).`,
  setup: connectAndSetUp,
  act: (ctx) =>
    sendAndObserve(
      ctx,
      `Sent ${fullName(sofia)}'s late check-in at ${clockTime(meetingBell.passingTime)}.`,
      [checkIn({ ...passingEvent, seconds: meetingBell.passingTime })],
    ),
  expectFailure: { message: PERIOD_NOT_FOUND },
  describeFix: `Confirm that the student had an active class/period at the time of the check-in (the guide). At ${clockTime(meetingBell.passingTime)} she had none: she walked into period 3, so the check-in is corrected to the start of period 3 and sent again.`,
  resolve: async (ctx) => {
    const around = classesAround(ctx, sofia.id, dates.inSession, meetingBell.passingTime);
    return [
      `Checked ${fullName(sofia)}'s classes in PowerSchool on ${dates.inSession}: the last before ${clockTime(meetingBell.passingTime)} is ${around.before}; the next is ${around.after}.`,
      `Corrected the check-in time to ${clockTime(period3.start)}, when period 3 starts. (Replaying the stored event would fail again: it still says ${clockTime(meetingBell.passingTime)}.)`,
    ];
  },
  replay: (ctx) =>
    sendAndObserve(ctx, `Sent the corrected check-in at ${clockTime(period3.start)}.`, [
      checkIn({ ...passingEvent, id: `${passingEvent.id}-corrected`, seconds: period3.start }),
    ]),
  checkReplay: (_ctx, observed) =>
    expectRow(
      observed,
      { studentId: sofia.id, date: dates.inSession, label: `in period 3 for ${fullName(sofia)}` },
      (row) => row.periodId === period3.periodId,
    ),
};

const lucas = students.freePeriod;
const period4 = meetingBell.periods[4];
const droppedCheckInAt = lucas.freeTime + 10 * 60;

/** A late check-in during period 4, whose class PowerSchool shows as dropped. */
export const droppedClassScenario: Scenario = {
  name: 'missing-period-dropped-class',
  title: "Could not find student's period: a check-in during a class PowerSchool shows as dropped",
  guideError: PERIOD_NOT_FOUND,
  troubleshootingId: 'student_period_not_found',
  situation: `${school}: ${fullName(lucas)} is checked in late on ${dates.inSession} at ${clockTime(droppedCheckInAt)}, during period 4 (${clockTime(period4.start)}-${clockTime(period4.end)}), but PowerSchool shows his period 4 class as dropped on 2026-09-01.`,
  setup: connectAndSetUp,
  act: (ctx) =>
    sendAndObserve(
      ctx,
      `Sent ${fullName(lucas)}'s late check-in at ${clockTime(droppedCheckInAt)}.`,
      [
        checkIn({
          id: 'vm-lucas-period-4',
          student: lucas,
          date: dates.inSession,
          seconds: droppedCheckInAt,
        }),
      ],
    ),
  expectFailure: { message: PERIOD_NOT_FOUND },
  describeFix:
    'Confirm that the student had an active class/period at the time of the check-in (the guide). He did: the drop was entered in error, so the scheduler enrolls him in the class again in PowerSchool, and the failed event is replayed (pswb writeback replay --search "Lucas Kim").',
  resolve: async (ctx) => [reEnrollDroppedClass(ctx.sim.district, lucas.droppedCcId)],
  replay: (ctx, failed) =>
    replayFailed(
      ctx,
      failed,
      'Replayed the failed event (pswb writeback replay --search "Lucas Kim").',
    ),
  checkReplay: (_ctx, observed) =>
    expectRow(
      observed,
      { studentId: lucas.id, date: dates.inSession, label: `in period 4 for ${fullName(lucas)}` },
      (row) => row.periodId === period4.periodId,
    ),
};
