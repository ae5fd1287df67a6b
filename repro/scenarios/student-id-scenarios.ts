/**
 * Wrong student IDs from the SIS sync: STUDENTS.ID sent where the connector expects a DCID
 * ("Could not find student's PowerSchool id.", fixed by the guide's Configuration Request), and
 * the guide's silent danger, Student Number mapped where the DCID belongs: one check-in lands on
 * another student, another matches nobody.
 */
import { DEMO_FACTS } from '../../simulator/index.ts';
import { checkIn, clockTime, fullName } from '../check-ins.ts';
import type { Observation, Scenario } from '../scenario.ts';
import { connectAndSetUp, expectRow, sendAndObserve } from '../scenario-steps.ts';

const { students, dates, schools } = DEMO_FACTS;
const ID_NOT_FOUND = "Could not find student's PowerSchool id.";

const liam = students.time;
const liamCheckIn = {
  id: 'vm-liam-students-id',
  student: liam,
  date: dates.inSession,
  seconds: 9 * 3600 + 5 * 60,
};

/** STUDENTS.ID in the DCID field; fixed with the student ID source (Configuration Request). */
export const studentIdNotFoundScenario: Scenario = {
  name: 'student-id-not-found',
  title:
    "Could not find student's PowerSchool id: the SIS shares STUDENTS.ID, the connector expects DCIDs",
  guideError: ID_NOT_FOUND,
  troubleshootingId: 'student_id_not_found',
  situation: `${schools.time.name} (${schools.time.schoolNumber}, Time mode): the district cannot share DCIDs, so its SIS sync shares STUDENTS.ID (${fullName(liam)}: ${liam.id}) as the guide allows, but no Configuration Request was made: the connector still converts DCIDs, and no student has DCID ${liam.id}. ${fullName(liam)} is checked in late on ${dates.inSession} at ${clockTime(liamCheckIn.seconds)}.`,
  setup: connectAndSetUp,
  act: (ctx) =>
    sendAndObserve(ctx, `Sent ${fullName(liam)}'s late check-in carrying ${liam.id} as the DCID.`, [
      checkIn({ ...liamCheckIn, dcid: liam.id }),
    ]),
  expectFailure: { message: ID_NOT_FOUND },
  describeFix:
    'If the DCID cannot be shared, the ID field of the STUDENTS table is mapped in its place and a Configuration Request is submitted (the guide). In pswb the Configuration Request is the student ID source: pswb connect --id-source id. Check-ins then carry STUDENTS.ID, used as is.',
  resolve: async (ctx) => {
    const saved = await ctx.saveConnection({ studentIdSource: 'id' });
    if (!saved.saved) throw new Error(`Save and Apply failed: ${saved.report?.problem?.message}`);
    return [
      'Saved the connection with Student ID source STUDENTS.ID (pswb connect --id-source id); Save and Apply passed every check.',
      'The stored event carries the value in its DCID field, so the check-in is sent again as the sync now delivers it: with STUDENTS.ID.',
    ];
  },
  replay: (ctx) =>
    sendAndObserve(
      ctx,
      `Sent ${fullName(liam)}'s check-in again, carrying STUDENTS.ID ${liam.id}.`,
      [checkIn({ ...liamCheckIn, id: `${liamCheckIn.id}-after-fix`, studentId: liam.id })],
    ),
};

const ava = students.daily;
const harper = students.studentNumberIsAnotherDcid;
const harperCheckIn = {
  id: 'vm-harper-student-number',
  student: harper,
  date: dates.inSession,
  seconds: 8 * 3600 + 40 * 60,
};
const avaCheckIn = {
  id: 'vm-ava-student-number',
  student: ava,
  date: dates.inSessionBDay,
  seconds: 8 * 3600 + 50 * 60,
};

/** The first half's extra proof: Harper's check-in was written onto Ava, none onto Harper. */
function wrongStudentProblems(observed: Observation): string[] {
  const harperRecord = observed.records.find((record) => record.id === harperCheckIn.id);
  const problems: string[] = [];
  if (harperRecord?.status !== 'successful' || harperRecord.studentPsId !== ava.id) {
    problems.push(
      `expected ${fullName(harper)}'s check-in to be written on ${fullName(ava)} (ID ${ava.id}), got ${harperRecord?.statusLabel ?? 'no record'} with PS ID ${harperRecord?.studentPsId ?? 'none'}`,
    );
  }
  problems.push(
    ...expectRow(
      observed,
      {
        studentId: ava.id,
        date: harperCheckIn.date,
        label: `on ${fullName(ava)} from ${fullName(harper)}'s check-in`,
      },
      (row) => row.comment.startsWith('Late Check-in at 08:40'),
    ),
  );
  if (observed.attendance.some((row) => row.studentId === harper.id)) {
    problems.push(`expected no record on ${fullName(harper)} herself`);
  }
  return problems;
}

/** Student Number where the DCID belongs: both outcomes, then the remap. */
export const studentNumberAsDcidScenario: Scenario = {
  name: 'student-number-as-dcid',
  title: 'The silent danger: a SIS sync that maps Student Number where the DCID belongs',
  guideError: ID_NOT_FOUND,
  troubleshootingId: 'student_id_not_found',
  situation: `${schools.daily.name} (${schools.daily.schoolNumber}, Daily mode): the Clever sync maps PowerSchool's Student Number to Clever's Student ID, where the Student DCID belongs. ${fullName(harper)}'s Student Number ${harper.studentNumber} is ${fullName(ava)}'s DCID; ${fullName(ava)}'s Student Number ${ava.studentNumber} is no student's DCID.`,
  setup: connectAndSetUp,
  act: (ctx) =>
    sendAndObserve(
      ctx,
      `Sent ${fullName(harper)}'s late check-in (${harperCheckIn.date} ${clockTime(harperCheckIn.seconds)}) and ${fullName(ava)}'s (${avaCheckIn.date} ${clockTime(avaCheckIn.seconds)}), each carrying the student's Student Number as the DCID.`,
      [
        checkIn({ ...harperCheckIn, dcid: harper.studentNumber }),
        checkIn({ ...avaCheckIn, dcid: ava.studentNumber }),
      ],
      [{ studentId: harper.id, date: harperCheckIn.date }],
    ),
  expectFailure: { message: ID_NOT_FOUND },
  checkFailure: (_ctx, observed) => wrongStudentProblems(observed),
  notes: () => [
    `${fullName(harper)}'s check-in shows Successful, but its Student PS ID ${ava.id} is ${fullName(ava)}'s: the record was written on ${fullName(ava)} (PowerSchool's attendance table above) and ${fullName(harper)} has none. Nothing in the log flags it.`,
    `${fullName(ava)}'s own check-in failed: her Student Number ${ava.studentNumber} is no student's DCID.`,
  ],
  describeFix:
    "Map PowerSchool's Student DCID to Clever's Student ID (ClassLink: Sourced ID), and the preferred Student Number to Clever's Student Number (ClassLink: Identifier), as the guide's SIS Sync Setup says. After the next sync, check-ins carry DCIDs; the two check-ins are sent again with them.",
  resolve: async () => [
    `Remapped the SIS sync: Clever's Student ID now carries the Student DCID (${fullName(harper)} ${harper.dcid}, ${fullName(ava)} ${ava.dcid}).`,
    'The stored events carry the Student Numbers, so both check-ins are sent again as the corrected sync delivers them.',
  ],
  replay: (ctx) =>
    sendAndObserve(
      ctx,
      'Sent both check-ins again, carrying the DCIDs.',
      [
        checkIn({ ...harperCheckIn, id: `${harperCheckIn.id}-after-fix` }),
        checkIn({ ...avaCheckIn, id: `${avaCheckIn.id}-after-fix` }),
      ],
      [{ studentId: ava.id, date: harperCheckIn.date }],
    ),
  checkReplay: (_ctx, observed) =>
    expectRow(observed, {
      studentId: harper.id,
      date: harperCheckIn.date,
      label: `on ${fullName(harper)} herself`,
    }),
  followUp: `PowerSchool still holds the record written on ${fullName(ava)} for ${harperCheckIn.date} from ${fullName(harper)}'s check-in (shown above): delete it by hand in PowerSchool. The connector cannot tell it from ${fullName(ava)}'s own records, and any other check-in sent before the remap may have landed on the wrong student the same way: review them.`,
};
