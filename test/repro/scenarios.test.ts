import { describe, expect, it } from 'vitest';
import { DISTRICT_ADMIN, TROUBLESHOOTING } from '../../connector/index.ts';
import { DEMO_FACTS } from '../../simulator/index.ts';
import { SCENARIOS, findScenario, runScenario, type ReproReport } from '../../repro/index.ts';
import { staleCodeYearScenario } from '../../repro/scenarios/record-scenarios.ts';

const { students, codes, meetingBell } = DEMO_FACTS;
const P = meetingBell.periods;
const TOKEN_401 =
  /^Client error: `POST http:\/\/127\.0\.0\.1:\d+\/oauth\/access_token` resulted in a `401 Unauthorized` response/;

/**
 * What each scenario must show, written from the guide and the demo district independently of
 * the scenarios' own expectations: the catalogue entry, the message as the log shows it, and
 * PowerSchool's own text when it answered with one (and the log status when it is not Failed);
 * or, for a behaviour whose events all succeed, the problem PowerSchool's rows show.
 */
type Expected =
  | {
      entry: string;
      message: string | RegExp;
      powerSchool?: string;
      status?: number;
      logStatus?: 'not_attempted';
    }
  | { problem: RegExp };

const EXPECTED: Record<string, Expected> = {
  'missing-period': {
    entry: 'student_period_not_found',
    message: "Could not find student's period.",
  },
  'missing-period-dropped-class': {
    entry: 'student_period_not_found',
    message: "Could not find student's period.",
  },
  'student-id-not-found': {
    entry: 'student_id_not_found',
    message: "Could not find student's PowerSchool id.",
  },
  'student-number-as-dcid': {
    entry: 'student_id_not_found',
    message: "Could not find student's PowerSchool id.",
  },
  'stale-code-year': {
    entry: 'code_year_mismatch',
    message: /resulted in a `400 Bad Request` response: /,
    powerSchool: "Record Not Saved. : 35 doesn't match the term's year value: 36.",
    status: 400,
  },
  'not-enrolled': {
    entry: 'student_not_enrolled',
    message: /resulted in a `400 Bad Request` response: /,
    powerSchool: "Record Not Saved. : The student Noah Bennett isn't enrolled on 10/5/2026.",
    status: 400,
  },
  'mode-mismatch': {
    entry: 'attendance_mode_mismatch',
    message: /resulted in a `400 Bad Request` response: /,
    powerSchool:
      'You have ATT_ModeTime set as the method to use for recording attendance at this school; this record uses ATT_ModeDaily.',
    status: 400,
  },
  'wrong-credentials': { entry: 'unauthorized', message: TOKEN_401, status: 401 },
  'plugin-disabled': { entry: 'unauthorized', message: TOKEN_401, status: 401 },
  'v1-access-level': {
    entry: 'unauthorized',
    message:
      /^Client error: `GET http:\/\/127\.0\.0\.1:\d+\/ws\/v1\/district\/school\?page=1&pagesize=100` resulted in a `401 Unauthorized` response/,
    powerSchool: 'Plugin is missing required accessLevelV1Api READ permission',
    status: 401,
  },
  'teacher-mark-kept': {
    entry: 'kept_existing_record',
    message:
      /^Kept existing record: PowerSchool already holds Period 2: TE for this student on 2026-10-14, /,
    logStatus: 'not_attempted',
  },
  'return-to-school': { problem: /absent \(A\) in periods 5-7, although she was back at 11:00/ },
};

/** The guide's errors ("Troubleshoot VM Transaction Errors"), each needing a scenario. */
const GUIDE_ERRORS = [
  "Could not find student's period.",
  "Could not find student's PowerSchool id.",
  "Record Not Saved. : [Number] doesn't match the term's year value: [Number].",
  "Record Not Saved. : The student [Student Name] isn't enrolled on [Date].",
  'You have ATT_Mode[Meeting/Daily/Time] set as the method to use...',
  '`401 Unauthorized` response',
];

describe('the scenario catalogue', () => {
  it('has a scenario for every error in the guide, each explained by that catalogue entry', () => {
    for (const error of GUIDE_ERRORS) {
      const entry = TROUBLESHOOTING.find((candidate) => candidate.title === error);
      expect(entry, error).toBeDefined();
      expect(SCENARIOS.filter((scenario) => scenario.guideError === error).length).toBeGreaterThan(
        0,
      );
      expect(SCENARIOS.filter((s) => s.troubleshootingId === entry?.id).length).toBeGreaterThan(0);
    }
  });

  it("covers the 401's three causes: wrong credentials, a disabled plugin, the 25.2 v1 access level", () => {
    const unauthorized = SCENARIOS.filter((s) => s.troubleshootingId === 'unauthorized');
    expect(unauthorized.map((s) => s.name).sort()).toEqual([
      'plugin-disabled',
      'v1-access-level',
      'wrong-credentials',
    ]);
  });

  it('names every scenario in the expectations table, and nothing else', () => {
    expect(SCENARIOS.map((s) => s.name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('refuses an unknown name, listing the valid ones', () => {
    expect(() => findScenario('missing-periods')).toThrow(
      /No repro scenario named "missing-periods". Valid: missing-period, /,
    );
  });
});

const reports = new Map<string, ReproReport>();
async function reportOf(name: string): Promise<ReproReport> {
  let report = reports.get(name);
  if (!report) {
    report = await runScenario(findScenario(name));
    reports.set(name, report);
  }
  return report;
}

describe.each(SCENARIOS.map((scenario) => scenario.name))('pswb repro %s', (name) => {
  const expected = EXPECTED[name]!;

  it('fails first with the documented message, explained by the guide entry', async () => {
    const report = await reportOf(name);
    const subject = report.failure.subject;
    expect(report.failure.problems).toEqual([]);
    if ('problem' in expected) {
      // Nothing fails: every event is Successful and PowerSchool's rows show the problem.
      expect(subject).toBeUndefined();
      expect(report.failure.shown?.summary).toMatch(expected.problem);
      expect(report.failure.shown?.details.length).toBeGreaterThan(0);
      const records = report.failure.observed?.records ?? [];
      expect(records.map((record) => record.status)).toEqual(records.map(() => 'successful'));
      return;
    }
    expect(subject?.record?.status ?? 'failed').toBe(expected.logStatus ?? 'failed');
    expect(subject?.troubleshooting.id).toBe(expected.entry);
    if (typeof expected.message === 'string') expect(subject?.message).toBe(expected.message);
    else expect(subject?.message).toMatch(expected.message);
    if (expected.powerSchool !== undefined)
      expect(subject?.powerSchoolMessage).toBe(expected.powerSchool);
    if (expected.status !== undefined) expect(subject?.status).toBe(expected.status);
  });

  it('succeeds after the fix, with the record in PowerSchool', async () => {
    const report = await reportOf(name);
    expect(report.fix.applied.length).toBeGreaterThan(0);
    expect(report.replay.problems).toEqual([]);
    const records = report.replay.observed?.records ?? [];
    expect(records.length).toBeGreaterThan(0);
    expect(records.map((record) => record.status)).toEqual(records.map(() => 'successful'));
    for (const record of records) {
      expect(
        report.replay.observed?.attendance.some(
          (row) => row.studentId === record.studentPsId && row.date === record.localDate,
        ),
      ).toBe(true);
    }
    expect(report.ok).toBe(true);
    expect(report.verdict).toBe(`repro ${name}: reproduced and resolved`);
  });
});

describe('what the scenarios show beyond the message', () => {
  it("student-number-as-dcid: Harper's check-in lands on Ava; after the remap each lands on its own student", async () => {
    const report = await reportOf('student-number-as-dcid');
    const [harper, ava] = report.failure.observed!.records;
    expect(harper).toMatchObject({ status: 'successful', studentPsId: students.daily.id });
    expect(ava).toMatchObject({ status: 'failed', studentPsId: null });
    expect(report.failure.observed!.attendance.map((row) => row.studentId)).toEqual([
      students.daily.id,
    ]);
    expect(report.replay.observed!.records.map((record) => record.studentPsId)).toEqual([
      students.studentNumberIsAnotherDcid.id,
      students.daily.id,
    ]);
    expect(report.followUp).toContain('delete it by hand in PowerSchool');
  });

  it('missing-period: the corrected check-in is written in period 3', async () => {
    const report = await reportOf('missing-period');
    expect(report.replay.observed!.attendance).toEqual([
      expect.objectContaining({ periodId: DEMO_FACTS.meetingBell.periods[3].periodId }),
    ]);
  });

  it("stale-code-year: the replay writes this year's tardy code", async () => {
    const report = await reportOf('stale-code-year');
    expect(report.replay.observed!.attendance[0]?.codeId).toBe(DEMO_FACTS.codes[101].current.tardy);
    expect(report.replay.observed!.records[0]?.runs).toBe(2);
  });

  it('v1-access-level: Save and Apply stops at the v1 school list, then passes every check', async () => {
    const report = await reportOf('v1-access-level');
    expect(report.psVersion).toBe('25.2.0.0');
    expect(report.failure.observed!.connection?.steps.map((step) => step.ok)).toEqual([
      true,
      true,
      false,
    ]);
    expect(report.replay.observed!.connection?.ok).toBe(true);
  });
});

describe('the behaviours beyond the guide', () => {
  it("teacher-mark-kept: the teacher's TE is kept and nothing written; after the fix the check-in's T replaces it", async () => {
    const report = await reportOf('teacher-mark-kept');
    expect(report.beyondGuide).toMatch(/^Existing attendance: keep/);
    expect(report.guideError).toBeUndefined();
    const [kept] = report.failure.observed!.records;
    expect(kept).toMatchObject({
      id: 'vm-sofia-period-2',
      status: 'not_attempted',
      statusLabel: 'Kept existing record',
      error: { code: 'kept_existing_record' },
    });
    expect(kept!.written).toBeUndefined();
    // PowerSchool holds only the teacher's mark: TE (the demo seed's id 32 at 103), her comment.
    expect(report.failure.observed!.attendance).toEqual([
      expect.objectContaining({ periodId: P[2].periodId, codeId: 32, comment: 'Note from home' }),
    ]);
    const [replayed] = report.replay.observed!.records;
    expect(replayed).toMatchObject({ id: 'vm-sofia-period-2', status: 'successful', runs: 2 });
    expect(report.replay.observed!.attendance).toEqual([
      expect.objectContaining({
        periodId: P[2].periodId,
        codeId: codes[103].current.tardy,
        comment: 'Late Check-in at 09:00',
      }),
    ]);
  });

  it('return-to-school: absent in periods 5-7 after coming back; after the fix ED, A, T and nothing later, the check-in linked as the return', async () => {
    const report = await reportOf('return-to-school');
    expect(report.beyondGuide).toContain('Return to school: separate');
    const held = (rows: { periodId: number; codeId: number }[]) =>
      Object.fromEntries(rows.map((row) => [row.periodId, row.codeId]));
    const { tardy, earlyDismissal, absent } = codes[103].current;
    expect(report.failure.observed!.records.map((record) => record.id)).toEqual([
      'vm-sofia-out',
      'vm-sofia-back',
    ]);
    expect(held(report.failure.observed!.attendance)).toEqual({
      [P[2].periodId]: earlyDismissal,
      [P[3].periodId]: absent,
      [P[4].periodId]: tardy,
      [P[5].periodId]: absent,
      [P[6].periodId]: absent,
      [P[7].periodId]: absent,
    });
    expect(report.failure.shown!.details).toHaveLength(3);
    expect(
      (report.failure.observed!.records[1]!.written as { returnOf?: string }).returnOf,
    ).toBeUndefined();

    const [resent] = report.replay.observed!.records;
    expect(resent).toMatchObject({ id: 'vm-sofia-back-resent', status: 'successful' });
    expect((resent!.written as { returnOf?: string }).returnOf).toBe('vm-sofia-out');
    expect(held(report.replay.observed!.attendance)).toEqual({
      [P[2].periodId]: earlyDismissal,
      [P[3].periodId]: absent,
      [P[4].periodId]: tardy,
    });
    expect(report.followUp).toContain('re-send their check-ins');
  });

  it('return-to-school: the verdict says the problem was not reproduced when the school already removes', async () => {
    const scenario = findScenario('return-to-school');
    const report = await runScenario({
      ...scenario,
      name: 'return-to-school-already-removes',
      setup: async (ctx) => {
        await scenario.setup(ctx);
        await ctx.connector().setSchoolBehaviours(DISTRICT_ADMIN, 103, {
          returnToSchool: 'remove',
        });
      },
    });
    expect(report.ok).toBe(false);
    expect(report.verdict).toContain('the problem was not reproduced as documented');
    expect(report.failure.problems).toContainEqual(
      expect.stringMatching(
        /^PowerSchool's rows do not show the expected problem: PowerSchool still shows /,
      ),
    );
  });
});

describe('the verdict', () => {
  it('says NOT as documented, and why, when the first half shows another message', async () => {
    const report = await runScenario({
      ...staleCodeYearScenario,
      name: 'stale-code-year-wrong-expectation',
      expectFailure: { message: "Could not find student's period." },
    });
    expect(report.ok).toBe(false);
    expect(report.verdict).toBe(
      'repro stale-code-year-wrong-expectation: NOT as documented: the error was not reproduced as documented',
    );
    expect(report.failure.problems[0]).toContain(`expected "Could not find student's period."`);
  });

  it('says the fix did not lead to success when the fix changes nothing', async () => {
    const report = await runScenario({
      ...staleCodeYearScenario,
      name: 'stale-code-year-no-fix',
      resolve: async () => ['(nothing)'],
    });
    expect(report.ok).toBe(false);
    expect(report.verdict).toContain('the fix did not lead to success');
    expect(report.replay.problems[0]).toMatch(
      /is Failed after the fix: .*doesn't match the term's year value/,
    );
  });
});
