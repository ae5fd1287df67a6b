/**
 * Seed files are checked before the simulator serves them: first the shape of every value (zod),
 * then referential integrity (a CC whose section does not exist, a code of a school that does not
 * exist...). A bad seed is refused with the JSON path of each bad value and what is valid.
 */
import type { z } from 'zod';
import { SimulatorError } from '../simulator-error.ts';
import { findIntegrityProblems } from './referential-integrity.ts';
import { districtDataSchema, type DistrictData } from './schema.ts';
import type { SeedProblem } from './seed-problem.ts';

export type { SeedProblem };

const SHOWN_PROBLEMS = 20;

/** Thrown for a seed that does not describe a valid district; lists every problem found. */
export class SeedValidationError extends SimulatorError {
  override name = 'SeedValidationError';
  constructor(
    readonly problems: SeedProblem[],
    source = 'seed',
  ) {
    const shown = problems.slice(0, SHOWN_PROBLEMS).map((p) => `  ${p.path}: ${p.message}`);
    const more =
      problems.length > SHOWN_PROBLEMS
        ? [`  ... and ${problems.length - SHOWN_PROBLEMS} more`]
        : [];
    super(
      'seed_invalid',
      `${source} is not a valid district (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        [...shown, ...more].join('\n'),
      { fix: 'Fix these values (see docs/simulator.md, "Seed files") and start again.' },
    );
  }
}

/** Renders a zod path the way JavaScript would write it: students[3].entrydate. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text ? `.${String(part)}` : String(part);
  }
  return text || '(root)';
}

function zodProblems(error: z.ZodError): SeedProblem[] {
  return error.issues.map((issue) => ({
    path: formatPath(issue.path),
    message:
      issue.code === 'unrecognized_keys'
        ? `unknown name(s) ${issue.keys.join(', ')}: use the table and column names of docs/simulator.md`
        : issue.message,
  }));
}

/**
 * Validates a parsed seed (or data file) and returns the district; throws SeedValidationError
 * listing every bad value with its path.
 */
export function validateSeed(input: unknown, source = 'seed'): DistrictData {
  const parsed = districtDataSchema.safeParse(input);
  if (!parsed.success) throw new SeedValidationError(zodProblems(parsed.error), source);
  const data = parsed.data as DistrictData;
  const problems = findIntegrityProblems(data);
  if (problems.length) throw new SeedValidationError(problems, source);
  return data;
}
