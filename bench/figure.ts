/**
 * What every benchmark figure reports: rows of measure, goal, verdict and ratio (the headline),
 * detail tables and notes for docs/benchmarks.md.
 */

/** How a measure compares with its goal. */
export const VERDICTS = ['met', 'missed', 'reported', 'not measured', 'error'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** True for a known verdict. */
export function isVerdict(value: unknown): value is Verdict {
  return typeof value === 'string' && (VERDICTS as readonly string[]).includes(value);
}

/** One headline row. */
export interface FigureRow {
  /** What was measured, with its size: "meeting_interval write, 100,000 students". */
  measure: string;
  /** The figure as measured: "7,412 req/s (p50 1.9 ms, p99 5.3 ms)". */
  measured: string;
  /** The goal in words: ">= 60% of the bare route"; "-" when none is set. */
  goal: string;
  /** The ratio the goal is stated in, when it is one: "18% of the bare route". */
  ratio?: string;
  verdict: Verdict;
}

/** A small table for the detail section of a figure. */
export interface DetailTable {
  caption: string;
  header: string[];
  rows: string[][];
}

/** What a figure measured: its headline rows, detail tables and notes. */
export interface FigureResult {
  rows: FigureRow[];
  details: DetailTable[];
  /** How it was measured, what limits it. */
  notes: string[];
}

/** One figure's report: its result with the figure's id, title and command. */
export interface FigureReport extends FigureResult {
  /** "1" to "5", or "R" for the resilience proof. */
  id: string;
  title: string;
  /** The command that runs this figure alone. */
  command: string;
}

/** The verdict of a goal check: met, or missed. */
export function verdictOf(met: boolean): Verdict {
  return met ? 'met' : 'missed';
}
