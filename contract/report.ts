/** The suite's output: one line per interaction and a summary line. */
import type { InteractionResult, RunResult } from './result.ts';

/** At most this many problems are listed on one line; the rest are counted. */
const MAX_PROBLEMS_PER_LINE = 5;

function listProblems(problems: readonly string[]): string {
  const shown = problems.slice(0, MAX_PROBLEMS_PER_LINE).join('; ');
  const hidden = problems.length - MAX_PROBLEMS_PER_LINE;
  return hidden > 0 ? `${shown}; and ${hidden} more` : shown;
}

/**
 * `PASS  GET /ws/v1/metadata  200  12ms  metadata answers without a token`, or with FAIL the
 * title followed by `: problem; problem`; SKIP lines name the interaction and why it was skipped.
 */
export function formatResultLine(result: InteractionResult): string {
  if (result.outcome === 'skip') {
    return `SKIP  ${result.name}  ${result.title}: ${listProblems(result.problems)}`;
  }
  const verdict = result.outcome === 'pass' ? 'PASS' : 'FAIL';
  const status = result.status === undefined ? '---' : String(result.status);
  const head = `${verdict}  ${result.method} ${result.path ?? ''}  ${status}  ${result.durationMs ?? 0}ms  ${result.title}`;
  return result.problems.length ? `${head}: ${listProblems(result.problems)}` : head;
}

/** `contract: 14 passed, 0 failed` (with `, N skipped` when some were). */
export function formatSummary(run: Pick<RunResult, 'passed' | 'failed' | 'skipped'>): string {
  const skipped = run.skipped > 0 ? `, ${run.skipped} skipped` : '';
  return `contract: ${run.passed} passed, ${run.failed} failed${skipped}`;
}
