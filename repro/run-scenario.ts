/**
 * Runs one scenario end to end in its own simulator and data directory: setup, the writeback
 * that fails, the guide's fix, the replay, and the verdict on both halves. Cleans up whatever
 * happens. Nothing here prints: render-report.ts turns the report into text.
 */
import { DEFAULT_PS_VERSION } from '../plugin/index.ts';
import { createReproContext, type ReproContext } from './context.ts';
import type { Observation, Scenario } from './scenario.ts';
import { judgeFailure, judgeReplay, type FailureSubject, type ProblemShown } from './verdict.ts';

/** Everything a run found, for the text story and for --json. */
export interface ReproReport {
  name: string;
  title: string;
  /** The guide's error (a guide scenario). */
  guideError?: string;
  /** The school behaviour beyond the guide, in words (a behaviour scenario). */
  beyondGuide?: string;
  psVersion: string;
  situation: string;
  /**
   * The first half: what was done, what failed (or, for a behaviour whose events all succeed,
   * the problem PowerSchool's rows show), what to notice, what was not as documented.
   */
  failure: {
    observed?: Observation;
    subject?: FailureSubject;
    shown?: ProblemShown;
    notes: string[];
    problems: string[];
  };
  /** The guide's fix and what was applied. */
  fix: { description: string; applied: string[] };
  /** The second half: what was sent again and what was not as documented. */
  replay: { observed?: Observation; problems: string[] };
  followUp?: string;
  /** True when both halves behaved as documented. */
  ok: boolean;
  /** "repro <name>: reproduced and resolved", or what did not behave. */
  verdict: string;
}

/** Runs a scenario; resolves with its report (never rejects for a scenario's own failure). */
export async function runScenario(scenario: Scenario): Promise<ReproReport> {
  const report: ReproReport = {
    name: scenario.name,
    title: scenario.title,
    ...(scenario.guideError !== undefined ? { guideError: scenario.guideError } : {}),
    ...(scenario.beyondGuide !== undefined ? { beyondGuide: scenario.beyondGuide } : {}),
    psVersion: scenario.psVersion ?? DEFAULT_PS_VERSION,
    situation: scenario.situation,
    failure: { notes: [], problems: [] },
    fix: { description: scenario.describeFix, applied: [] },
    replay: { problems: [] },
    ...(scenario.followUp ? { followUp: scenario.followUp } : {}),
    ok: false,
    verdict: '',
  };
  const ctx = await createReproContext({
    psVersion: report.psVersion,
    installPlugin: scenario.installPlugin ?? true,
  });
  try {
    await runHalves(scenario, ctx, report);
  } finally {
    await ctx.close();
  }
  report.ok = report.failure.problems.length === 0 && report.replay.problems.length === 0;
  report.verdict = verdictLine(report);
  return report;
}

async function runHalves(
  scenario: Scenario,
  ctx: ReproContext,
  report: ReproReport,
): Promise<void> {
  let failed: Observation;
  try {
    await scenario.setup(ctx);
    failed = await scenario.act(ctx);
  } catch (error) {
    report.failure.problems.push(`could not reproduce: ${describeError(error)}`);
    report.replay.problems.push('not attempted: the first half did not run');
    return;
  }
  const judged = judgeFailure(scenario, ctx, failed);
  report.failure = {
    observed: failed,
    ...(judged.subject ? { subject: judged.subject } : {}),
    ...(judged.shown ? { shown: judged.shown } : {}),
    notes: scenario.notes?.(ctx, failed) ?? [],
    problems: judged.problems,
  };
  try {
    report.fix.applied = await scenario.resolve(ctx, failed);
    const replayed = await scenario.replay(ctx, failed);
    report.replay = { observed: replayed, problems: judgeReplay(scenario, ctx, replayed) };
  } catch (error) {
    report.replay.problems.push(`the fix or the replay stopped: ${describeError(error)}`);
  }
}

function verdictLine(report: ReproReport): string {
  if (report.ok) return `repro ${report.name}: reproduced and resolved`;
  const halves = [
    report.failure.problems.length > 0
      ? `the ${report.failure.shown ? 'problem' : 'error'} was not reproduced as documented`
      : '',
    report.replay.problems.length > 0 ? 'the fix did not lead to success' : '',
  ].filter(Boolean);
  return `repro ${report.name}: NOT as documented: ${halves.join('; ')}`;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
