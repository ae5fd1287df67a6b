/**
 * School behaviours beyond the guide (School Building Setup's Beyond the guide), as support meets
 * them: a teacher's mark kept by Existing attendance, and a return to school after an early
 * check-out that leaves the student absent for the periods she was back in class.
 */
import { DISTRICT_ADMIN } from '../../connector/index.ts';
import { DEMO_FACTS } from '../../simulator/index.ts';
import { checkIn, clockTime, fullName } from '../check-ins.ts';
import type { ReproContext } from '../context.ts';
import { markAttendanceAsTeacher } from '../powerschool-edits.ts';
import type { Observation, Scenario } from '../scenario.ts';
import { connectAndSetUp, observe, replayFailed, sendAndObserve } from '../scenario-steps.ts';

const { students, dates, meetingBell, schools } = DEMO_FACTS;
const lincoln = schools.meeting;
const school = `${lincoln.name} (${lincoln.schoolNumber}, Meeting mode)`;
const sofia = students.meeting;
const day = dates.inSession;
const P = meetingBell.periods;

/** Sofia's records of the day as PowerSchool holds them: PERIOD.ID -> att_code. */
export function heldCodes(ctx: ReproContext): Record<number, string> {
  const district = ctx.sim.district;
  const codes = new Map(
    district
      .table('attendance_code')
      .all()
      .map((code) => [code.id, code.att_code]),
  );
  return Object.fromEntries(
    district
      .attendanceOn(sofia.id, day)
      .map((row) => [
        row.periodid,
        codes.get(row.attendance_codeid) ?? `code ${row.attendance_codeid}`,
      ]),
  );
}

/** Problems unless PowerSchool holds exactly these records (PERIOD.ID -> att_code). */
function expectHeld(ctx: ReproContext, expected: Record<number, string>, when: string): string[] {
  const held = heldCodes(ctx);
  const show = (codes: Record<number, string>): string =>
    Object.entries(codes)
      .map(([period, code]) => `period ID ${period}: ${code}`)
      .join(', ') || 'nothing';
  return show(held) === show(expected)
    ? []
    : [
        `${when}, PowerSchool should hold ${show(expected)} for ${fullName(sofia)}; it holds ${show(held)}`,
      ];
}

/** The log's record of an event, read again (a later event may have linked it). */
function recordOf(ctx: ReproContext, id: string) {
  return ctx.connector().record(DISTRICT_ADMIN, id);
}

// --- teacher-mark-kept -------------------------------------------------------------------------

const lateInPeriod2 = P[2].start + 10 * 60;
const TEACHER_COMMENT = 'Note from home';

/** A teacher's TE in period 2 is kept; the office wants the check-in's T instead. */
export const teacherMarkKeptScenario: Scenario = {
  name: 'teacher-mark-kept',
  title:
    "Kept existing record: a teacher's TE in period 2 stops the late check-in from being written",
  beyondGuide: "Existing attendance: keep (a teacher's mark is kept)",
  troubleshootingId: 'kept_existing_record',
  situation: `${school}: the period 2 teacher already marked ${fullName(sofia)} TE (tardy, excused) on ${day} in PowerSchool; the school's Existing attendance is keep. At ${clockTime(lateInPeriod2)} the office checks her in late with the reason T.`,
  setup: async (ctx) => {
    await connectAndSetUp(ctx);
    markAttendanceAsTeacher(ctx.sim.district, {
      studentId: sofia.id,
      date: day,
      periodId: P[2].periodId,
      attCode: 'TE',
      comment: TEACHER_COMMENT,
    });
    await ctx.connector().setSchoolBehaviours(DISTRICT_ADMIN, lincoln.schoolNumber, {
      existing: 'keep',
    });
  },
  act: (ctx) =>
    sendAndObserve(
      ctx,
      `Sent ${fullName(sofia)}'s late check-in at ${clockTime(lateInPeriod2)} (period 2).`,
      [checkIn({ id: 'vm-sofia-period-2', student: sofia, date: day, seconds: lateInPeriod2 })],
    ),
  expectFailure: {
    status: 'not_attempted',
    message: new RegExp(
      `^Kept existing record: PowerSchool already holds Period 2: TE for this student on ${day}`,
    ),
  },
  checkFailure: (ctx, observed) => [
    ...expectHeld(
      ctx,
      { [P[2].periodId]: 'TE' },
      "After the check-in, with the teacher's mark kept",
    ),
    ...observed.records
      .filter((record) => record.written !== undefined)
      .map((record) => `event ${record.id} wrote something although the teacher's mark was kept`),
    ...(observed.attendance.some((row) => row.comment === TEACHER_COMMENT)
      ? []
      : ["the teacher's record (its comment) is gone from PowerSchool"]),
  ],
  notes: () => [
    `This is not a failure: the log shows the event as "Kept existing record" (Not attempted in the status filter), because the school keeps teachers' marks. PowerSchool still holds the teacher's TE with her comment "${TEACHER_COMMENT}".`,
  ],
  describeFix: `The office decides which mark is right. Here it confirms the check-in replaces the teacher's mark (she was tardy, not excused), so Lincoln High's Existing attendance becomes "overwrite only listed codes" with TE, and the event not written is replayed (pswb writeback replay --status not_attempted --search "${fullName(sofia)}").`,
  resolve: async (ctx) => {
    await ctx.connector().setSchoolBehaviours(DISTRICT_ADMIN, lincoln.schoolNumber, {
      existing: 'overwrite_listed',
      overwritable: ['TE'],
    });
    return [
      `The office confirmed ${fullName(sofia)} was tardy, not excused: the check-in's T replaces the teacher's TE.`,
      `Set Existing attendance at ${lincoln.name} (${lincoln.schoolNumber}) to overwrite only listed codes: TE (pswb schools behaviours --school ${lincoln.schoolNumber} --existing overwrite_listed --overwritable TE). A teacher's mark with any other code is still kept.`,
    ];
  },
  replay: (ctx, failed) =>
    replayFailed(
      ctx,
      failed,
      `Replayed the event not written (pswb writeback replay --status not_attempted --search "${fullName(sofia)}").`,
      'not_attempted',
    ),
  checkReplay: (ctx) =>
    expectHeld(ctx, { [P[2].periodId]: 'T' }, "After the replay, the teacher's TE overwritten"),
};

// --- return-to-school --------------------------------------------------------------------------

const leftAt = P[2].start + 10 * 60;
const backAt = P[4].start + 10 * 60;
const OUT_ID = 'vm-sofia-out';
const BACK_ID = 'vm-sofia-back';
const RESENT_ID = 'vm-sofia-back-resent';
const LATER = [P[5], P[6], P[7]] as const;
const periodName = (periodId: number): string =>
  `Period ${Object.entries(P).find(([, p]) => p.periodId === periodId)?.[0] ?? '?'}`;
const backCheckIn = (id: string) => checkIn({ id, student: sofia, date: day, seconds: backAt });

/** Sent in the first half: the early check-out, then the check-in when she comes back. */
async function leaveAndComeBack(ctx: ReproContext): Promise<Observation> {
  const out = await ctx.send([
    checkIn({ id: OUT_ID, type: 'early_checkout', student: sofia, date: day, seconds: leftAt }),
  ]);
  const back = await ctx.send([backCheckIn(BACK_ID)]);
  // The check-out's record read again: a return would have linked it (returnedBy).
  const outNow = recordOf(ctx, OUT_ID) ?? out[0]!;
  return observe(
    ctx,
    `Sent ${fullName(sofia)}'s early check-out at ${clockTime(leftAt)} (period 2) and, when she came back at ${clockTime(backAt)} (period 4), her late check-in.`,
    [outNow, ...back],
  );
}

/** Back in period 4 after an early check-out: periods 5-7 stay absent until the return removes them. */
export const returnToSchoolScenario: Scenario = {
  name: 'return-to-school',
  title:
    'Return to school: back after an early check-out, the student still shows absent for the later periods',
  beyondGuide:
    'Periods missed after an early check-out: A; Return to school: separate (the default)',
  situation: `${school}, whose periods missed after an early check-out are marked A: ${fullName(sofia)} is checked out early on ${day} at ${clockTime(leftAt)} (period 2), and comes back at ${clockTime(backAt)} (period 4, ${clockTime(P[4].start)}-${clockTime(P[4].end)}). Return to school is left at the guide's default, separate.`,
  setup: async (ctx) => {
    await connectAndSetUp(ctx);
    await ctx.connector().setSchoolBehaviours(DISTRICT_ADMIN, lincoln.schoolNumber, {
      missedAfter: 'A',
    });
  },
  act: leaveAndComeBack,
  expectProblem: {
    summary: `PowerSchool still shows ${fullName(sofia)} absent (A) in periods 5-7, although she was back at ${clockTime(backAt)} and in class.`,
    find: (ctx) => {
      const held = heldCodes(ctx);
      return LATER.filter((period) => held[period.periodId] === 'A').map(
        (period) =>
          `${periodName(period.periodId)} (${clockTime(period.start)}-${clockTime(period.end)}): A, written by the early check-out ${OUT_ID}`,
      );
    },
  },
  checkFailure: (ctx, observed) => {
    const back = observed.records.find((record) => record.id === BACK_ID);
    const returnOf = (back?.written as { returnOf?: string } | undefined)?.returnOf;
    return [
      ...expectHeld(
        ctx,
        {
          [P[2].periodId]: 'ED',
          [P[3].periodId]: 'A',
          [P[4].periodId]: 'T',
          [P[5].periodId]: 'A',
          [P[6].periodId]: 'A',
          [P[7].periodId]: 'A',
        },
        'After the check-out and the separate check-in',
      ),
      ...(returnOf !== undefined
        ? [
            `the check-in was treated as a return (returnOf ${returnOf}) although the school writes it separately`,
          ]
        : []),
    ];
  },
  notes: () => [
    `Both events are Successful: the connector did what the school is set to do. Return to school "separate" (the guide's behaviour) writes the check-in as its own late check-in, in the period in progress (T on period 4), and leaves the check-out's A on periods 5-7. Nothing in the log is red; the school sees it in PowerSchool's attendance.`,
  ],
  describeFix: `Set Return to school to remove at ${lincoln.name}: a check-in after the student's early check-out that day then removes the check-out's records of the periods that start after she is back, and gives the period in progress the late code. Visitor Management's check-in is sent again (a re-send carries a new event id).`,
  resolve: async (ctx) => {
    await ctx.connector().setSchoolBehaviours(DISTRICT_ADMIN, lincoln.schoolNumber, {
      returnToSchool: 'remove',
    });
    return [
      `Set Return to school at ${lincoln.name} (${lincoln.schoolNumber}) to remove (pswb schools behaviours --school ${lincoln.schoolNumber} --return-to-school remove).`,
    ];
  },
  replay: (ctx) =>
    sendAndObserve(
      ctx,
      `Visitor Management sent ${fullName(sofia)}'s check-in at ${clockTime(backAt)} again, as event ${RESENT_ID}.`,
      [backCheckIn(RESENT_ID)],
    ),
  checkReplay: (ctx, observed) => {
    const resent = observed.records.find((record) => record.id === RESENT_ID);
    const returnOf = (resent?.written as { returnOf?: string } | undefined)?.returnOf;
    const returnedBy = (recordOf(ctx, OUT_ID)?.written as { returnedBy?: string } | undefined)
      ?.returnedBy;
    return [
      ...expectHeld(
        ctx,
        { [P[2].periodId]: 'ED', [P[3].periodId]: 'A', [P[4].periodId]: 'T' },
        'After the return',
      ),
      ...(returnOf === OUT_ID
        ? []
        : [
            `the re-sent check-in should be the return from ${OUT_ID}; its returnOf is ${String(returnOf)}`,
          ]),
      ...(returnedBy === RESENT_ID
        ? []
        : [
            `the check-out ${OUT_ID} should be returned from by ${RESENT_ID}; its returnedBy is ${String(returnedBy)}`,
          ]),
    ];
  },
  followUp: `Return to school applies to check-ins written after the change. Other students who came back before it still show the later periods absent: re-send their check-ins (as here), or correct those periods in PowerSchool.`,
};
