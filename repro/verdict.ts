/**
 * Judging a scenario's two halves: did the writeback fail with the guide's message, explained by
 * the right troubleshooting entry (or, for a school behaviour beyond the guide, end with its
 * logged outcome or show its case in PowerSchool's rows); and after the fix, is every event
 * Successful with its record in PowerSchool's attendance table. Each check returns the problems
 * it found (none = as documented).
 */
import { explainFailure, troubleshootingEntry, type WritebackRecord } from '../connector/index.ts';
import type { ReproContext } from './context.ts';
import type { ExpectedProblem, Observation, Scenario } from './scenario.ts';

/** The failure a support engineer reads: a failed log row, or a failed Save and Apply step. */
export interface FailureSubject {
  where: 'writeback' | 'connection';
  /** The failed log row (writeback failures). */
  record?: WritebackRecord;
  /** The Save and Apply step that failed (connection failures). */
  step?: string;
  /** The message as the log shows it. */
  message: string;
  status?: number;
  /** PowerSchool's own message, read from its answer's body. */
  powerSchoolMessage?: string;
  troubleshooting: {
    id: string;
    title: string;
    meaning: string;
    causes: readonly string[];
    resolution: readonly string[];
  };
}

/** What a scenario's first half showed in PowerSchool's rows when nothing failed. */
export interface ProblemShown {
  /** The problem in one line (the scenario's expectProblem.summary). */
  summary: string;
  /** What is wrong, one line each, as the scenario found it. */
  details: string[];
}

/**
 * The first failure the observation shows, explained from the troubleshooting catalogue: a
 * failed Save and Apply step, else the first event with this log status (default failed;
 * not_attempted for an event a school's behaviour chose not to write) that carries an error.
 */
export function findFailure(
  observed: Observation,
  status: 'failed' | 'not_attempted' = 'failed',
): FailureSubject | undefined {
  const failedStep = observed.connection?.steps.find((step) => !step.ok);
  if (failedStep) {
    const entry = explainFailure({ message: failedStep.detail });
    const powerSchoolMessage = messageInBody(bodyOfSummary(failedStep.detail));
    return {
      where: 'connection',
      step: failedStep.name,
      message: failedStep.detail,
      ...statusOf(failedStep.detail),
      ...(powerSchoolMessage !== undefined ? { powerSchoolMessage } : {}),
      troubleshooting: {
        id: entry.id,
        title: entry.title,
        meaning: entry.meaning,
        causes: entry.causes,
        resolution: entry.resolution,
      },
    };
  }
  const record = observed.records.find((candidate) => candidate.status === status);
  if (!record?.error) return undefined;
  const { error } = record;
  const powerSchoolMessage = messageInBody(error.body);
  return {
    where: 'writeback',
    record,
    message: error.message,
    ...(error.status !== undefined ? { status: error.status } : {}),
    ...(powerSchoolMessage !== undefined ? { powerSchoolMessage } : {}),
    troubleshooting: {
      id: error.troubleshootingId,
      title: troubleshootingEntry(error.troubleshootingId).title,
      meaning: error.meaning,
      causes: error.causes,
      resolution: error.resolution,
    },
  };
}

/** What the first half showed and what was not as documented. */
export interface FirstHalfJudgement {
  subject?: FailureSubject;
  shown?: ProblemShown;
  problems: string[];
}

/**
 * Problems with the first half: no failure, another message, another catalogue entry; or, for a
 * scenario that expects a problem in PowerSchool's rows, an event that did not succeed or rows
 * that do not show the problem.
 */
export function judgeFailure(
  scenario: Scenario,
  ctx: ReproContext,
  observed: Observation,
): FirstHalfJudgement {
  if (scenario.expectProblem !== undefined) {
    return judgeProblem(scenario.expectProblem, scenario, ctx, observed);
  }
  const expectedFailure = scenario.expectFailure;
  if (expectedFailure === undefined) {
    return {
      problems: ['the scenario names no outcome to expect (expectFailure or expectProblem)'],
    };
  }
  const status = expectedFailure.status ?? 'failed';
  const subject = findFailure(observed, status);
  if (!subject) {
    const outcome = status === 'failed' ? 'a failure' : 'an event not attempted';
    return {
      problems: [
        `expected ${outcome} with ${describeExpected(expectedFailure.message)}, but ${status === 'failed' ? 'nothing failed' : 'there was none'}`,
      ],
    };
  }
  const problems: string[] = [];
  const texts = [subject.message, subject.powerSchoolMessage].filter(
    (text): text is string => text !== undefined,
  );
  const expected = expectedFailure.message;
  const matched = texts.some((text) =>
    typeof expected === 'string' ? text === expected : expected.test(text),
  );
  if (!matched) {
    problems.push(`expected ${describeExpected(expected)}, got "${subject.message}"`);
  }
  if (
    scenario.troubleshootingId !== undefined &&
    subject.troubleshooting.id !== scenario.troubleshootingId
  ) {
    problems.push(
      `expected the troubleshooting entry "${scenario.troubleshootingId}", got "${subject.troubleshooting.id}"`,
    );
  }
  problems.push(...(scenario.checkFailure?.(ctx, observed) ?? []));
  return { subject, problems };
}

/** The first half of a behaviour whose case is in PowerSchool's rows: everything must succeed. */
function judgeProblem(
  expected: ExpectedProblem,
  scenario: Scenario,
  ctx: ReproContext,
  observed: Observation,
): FirstHalfJudgement {
  const problems: string[] = [];
  const failedStep = observed.connection?.steps.find((step) => !step.ok);
  if (failedStep)
    problems.push(`Save and Apply failed at ${failedStep.name}: ${failedStep.detail}`);
  for (const record of observed.records) {
    if (record.status === 'successful') continue;
    problems.push(
      `expected every event Successful, but event ${record.id} is ${record.statusLabel}${record.error ? `: ${record.error.message}` : ''}`,
    );
  }
  const details = expected.find(ctx, observed);
  if (details.length === 0) {
    problems.push(`PowerSchool's rows do not show the expected problem: ${expected.summary}`);
  }
  problems.push(...(scenario.checkFailure?.(ctx, observed) ?? []));
  return { shown: { summary: expected.summary, details }, problems };
}

/** Problems with the second half: a record not Successful, or missing from PowerSchool. */
export function judgeReplay(
  scenario: Scenario,
  ctx: ReproContext,
  observed: Observation,
): string[] {
  const problems: string[] = [];
  const failedStep = observed.connection?.steps.find((step) => !step.ok);
  if (failedStep)
    problems.push(`Save and Apply still fails at ${failedStep.name}: ${failedStep.detail}`);
  if (observed.records.length === 0) problems.push('nothing was sent after the fix');
  for (const record of observed.records) {
    if (record.status !== 'successful') {
      problems.push(
        `event ${record.id} is ${record.statusLabel} after the fix${record.error ? `: ${record.error.message}` : ''}`,
      );
      continue;
    }
    if (!isInPowerSchool(ctx, record)) {
      problems.push(
        `event ${record.id} is Successful but PowerSchool has no matching attendance row for student ${record.studentPsId} on ${record.localDate}`,
      );
    }
  }
  problems.push(...(scenario.checkReplay?.(ctx, observed) ?? []));
  return problems;
}

/** True when the simulator holds the record the event wrote (same student, date, mode, comment). */
export function isInPowerSchool(ctx: ReproContext, record: WritebackRecord): boolean {
  const fields = writtenFields(record);
  if (!fields || record.studentPsId === null) return false;
  return ctx
    .attendance(record.studentPsId, record.localDate)
    .some(
      (row) =>
        row.mode === fields.att_mode_code &&
        row.comment === fields.att_comment &&
        (fields.periodid === undefined || row.periodId === Number(fields.periodid)),
    );
}

/** The attendance fields a successful event posted. */
export function writtenFields(
  record: WritebackRecord,
): Record<string, string | number> | undefined {
  const written = record.written as { fields?: Record<string, string | number> } | undefined;
  return written?.fields;
}

function describeExpected(expected: string | RegExp): string {
  return typeof expected === 'string' ? `"${expected}"` : `a message matching ${String(expected)}`;
}

/** PowerSchool's message inside a JSON answer: message, errorMessage.message, or OAuth's text. */
export function messageInBody(body: string | undefined): string | undefined {
  if (body === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const answer = parsed as {
    message?: unknown;
    errorMessage?: { message?: unknown };
    error_description?: unknown;
  };
  const text = answer.message ?? answer.errorMessage?.message ?? answer.error_description;
  return typeof text === 'string' ? text : undefined;
}

/** The body in a one-line Guzzle-style summary ("... response: {..}"), when it is whole. */
function bodyOfSummary(message: string): string | undefined {
  const marker = '` response: ';
  const at = message.indexOf(marker);
  if (at < 0) return undefined;
  const rest = message.slice(at + marker.length).replace(/ \(after \d+ attempts\)$/, '');
  return rest.endsWith(' (truncated...)') ? undefined : rest;
}

function statusOf(message: string): { status?: number } {
  const found = /resulted in a `(\d{3}) /.exec(message);
  return found ? { status: Number(found[1]) } : {};
}
