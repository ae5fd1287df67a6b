/**
 * The shape of a support reproduction: a district whose DATA causes one of the guide's errors
 * (or a case of a school behaviour beyond the guide), the writeback that shows it, the fix, and
 * the replay that proves the fix. Scenarios are plain objects; the runner (run-scenario.ts)
 * drives them and judges both halves.
 */
import type { ConnectionReport, WritebackRecord } from '../connector/index.ts';
import type { AttendanceView } from './attendance-view.ts';
import type { ReproContext } from './context.ts';

export type { AttendanceView } from './attendance-view.ts';

/** What one half of a scenario produced: the log rows, a connection check, PowerSchool's rows. */
export interface Observation {
  /** What was done, in one line ("Sent Ava Thompson's late check-in at 08:40"). */
  action: string;
  /** The writeback log's records of the events sent, in order. */
  records: WritebackRecord[];
  /** The "Save and Apply to All Schools" check, when the half saved the connection. */
  connection?: ConnectionReport;
  /** PowerSchool's attendance rows for the students and dates involved. */
  attendance: AttendanceView[];
}

/** The error the first half must end with. */
export interface ExpectedFailure {
  /**
   * PowerSchool's text or the log message: a string must equal one of them exactly, a pattern
   * must match one of them.
   */
  message: string | RegExp;
  /**
   * The log status of the event that carries it: failed (default, the guide's errors), or
   * not_attempted when a school's behaviour chose not to write (a kept teacher's mark).
   */
  status?: 'failed' | 'not_attempted';
}

/**
 * What the first half must show when nothing fails: a school's behaviour did what it is set to,
 * every event is Successful, and the case is in what PowerSchool holds.
 */
export interface ExpectedProblem {
  /** The problem in one line, for the story and for a verdict that did not find it. */
  summary: string;
  /** What is wrong in the observation, one line each; none means the problem did not show. */
  find(ctx: ReproContext, observed: Observation): string[];
}

/** One of the guide's errors: the first half fails with it, explained by its catalogue entry. */
interface GuideErrorCase {
  /** The guide's heading for the error, word for word. */
  guideError: string;
  /** The troubleshooting catalogue entry (connector/troubleshooting/) that must explain it. */
  troubleshootingId: string;
  expectFailure: ExpectedFailure;
  beyondGuide?: never;
  expectProblem?: never;
}

/**
 * A school behaviour beyond the guide: the first half ends with the outcome the log shows
 * (expectFailure, e.g. Kept existing record, explained by troubleshootingId), or, when every
 * event succeeds, shows the case in PowerSchool's rows (expectProblem, judged first when both
 * are given). One of the two is needed; the verdict says so when neither is.
 */
interface BehaviourCase {
  /** The School Building Setup behaviour in words ("Existing attendance: keep"). */
  beyondGuide: string;
  /** The catalogue entry that must explain expectFailure's outcome, when the log shows one. */
  troubleshootingId?: string;
  expectFailure?: ExpectedFailure;
  expectProblem?: ExpectedProblem;
  guideError?: never;
}

/** What every scenario has, whatever it reproduces. */
interface ScenarioBase {
  /** kebab-case, what `pswb repro <name>` takes. */
  name: string;
  /** One line for `pswb repro list`. */
  title: string;
  /** The PowerSchool version the simulator runs as (default: the newest profile). */
  psVersion?: string;
  /**
   * false: the simulator starts without our plugin and setup installs one itself (default:
   * installed and enabled, as an admin would).
   */
  installPlugin?: boolean;
  /** The situation in one line, for the story's first line. */
  situation: string;
  /** Builds the district's state and the connector's settings that cause the error. */
  setup(ctx: ReproContext): Promise<void>;
  /** Performs the writeback (or the Save and Apply) that shows the error. */
  act(ctx: ReproContext): Promise<Observation>;
  /** Problems with the first half beyond the message (e.g. a write on the wrong student). */
  checkFailure?(ctx: ReproContext, observed: Observation): string[];
  /** What the support engineer should notice in the first half, beyond the message. */
  notes?(ctx: ReproContext, observed: Observation): string[];
  /** The guide's resolution for this case, in one or two sentences. */
  describeFix: string;
  /** Applies the fix; returns one line per thing done. */
  resolve(ctx: ReproContext, failed: Observation): Promise<string[]>;
  /** Sends again what failed (a replay, or the corrected event); must end Successful. */
  replay(ctx: ReproContext, failed: Observation): Promise<Observation>;
  /** Problems with the second half beyond "every record Successful and in PowerSchool". */
  checkReplay?(ctx: ReproContext, observed: Observation): string[];
  /** What support still has to do by hand after the replay, if anything. */
  followUp?: string;
}

/**
 * A reproduction of one error from the guide's "Troubleshoot VM Transaction Errors" (guideError,
 * expectFailure), or of a school behaviour beyond the guide (beyondGuide), whose first half ends
 * with a logged outcome (expectFailure, e.g. Kept existing record) or shows the case in
 * PowerSchool's rows while every event is Successful (expectProblem).
 */
export type Scenario = ScenarioBase & (GuideErrorCase | BehaviourCase);

/** True when `name` is kebab-case (lower-case words joined by single dashes). */
export function isScenarioName(name: string): boolean {
  return /^[a-z0-9]+(-[a-z0-9]+)*$/.test(name);
}
