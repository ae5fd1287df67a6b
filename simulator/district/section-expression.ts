/**
 * A section's expression ("2(A-B)": period 2 on cycle days A and B; "1-2(A)": periods 1 and 2 on
 * day A; "1(A) 3(B)": several parts). Inferred: SECTION_MEETING stores the same facts one row per
 * period and cycle day; the seed derives those rows from the expression.
 */

/** One period on one cycle day. */
export interface ExpressionMeeting {
  periodNumber: number;
  cycleDayLetter: string;
}

const PART = /^(\d+)(?:-(\d+))?\(([A-Za-z])(?:-([A-Za-z]))?\)$/;

/** Thrown for an expression that does not have the P(D) form. */
export class SectionExpressionError extends Error {
  override name = 'SectionExpressionError';
}

/**
 * Expands an expression into meetings, using the school's cycle day letters in order (for ranges
 * such as A-C). Throws SectionExpressionError naming the valid form.
 */
export function expandExpression(
  expression: string,
  cycleLetters: readonly string[],
): ExpressionMeeting[] {
  const meetings: ExpressionMeeting[] = [];
  for (const part of expression.trim().split(/\s+/)) {
    const match = PART.exec(part);
    if (!match) {
      throw new SectionExpressionError(
        `"${expression}" is not a section expression: write period(day), e.g. 2(A-B), 1-2(A) or 1(A) 3(B).`,
      );
    }
    const firstPeriod = Number(match[1]);
    const lastPeriod = Number(match[2] ?? match[1]);
    const letters = letterRange(
      match[3]!.toUpperCase(),
      (match[4] ?? match[3]!).toUpperCase(),
      cycleLetters,
      expression,
    );
    for (let period = firstPeriod; period <= lastPeriod; period += 1) {
      for (const letter of letters) meetings.push({ periodNumber: period, cycleDayLetter: letter });
    }
  }
  return meetings;
}

function letterRange(
  from: string,
  to: string,
  cycleLetters: readonly string[],
  expression: string,
): string[] {
  const start = cycleLetters.indexOf(from);
  const end = cycleLetters.indexOf(to);
  if (start < 0 || end < start) {
    throw new SectionExpressionError(
      `"${expression}" names cycle days ${from}-${to}; this school's cycle days are ${cycleLetters.join(', ')}.`,
    );
  }
  return cycleLetters.slice(start, end + 1);
}
