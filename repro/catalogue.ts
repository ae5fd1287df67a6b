/**
 * The scenario catalogue: at least one reproduction for every error in the guide's
 * "Troubleshoot VM Transaction Errors", plus its silent danger (Student Number mapped where the
 * DCID belongs), then cases of the school behaviours beyond the guide (a teacher's mark kept, a
 * return to school). `pswb repro list` shows them in this order.
 */
import type { Scenario } from './scenario.ts';
import { isScenarioName } from './scenario.ts';
import {
  pluginDisabledScenario,
  v1AccessLevelScenario,
  wrongCredentialsScenario,
} from './scenarios/access-scenarios.ts';
import {
  returnToSchoolScenario,
  teacherMarkKeptScenario,
} from './scenarios/behaviour-scenarios.ts';
import { droppedClassScenario, missingPeriodScenario } from './scenarios/period-scenarios.ts';
import {
  modeMismatchScenario,
  notEnrolledScenario,
  staleCodeYearScenario,
} from './scenarios/record-scenarios.ts';
import {
  studentIdNotFoundScenario,
  studentNumberAsDcidScenario,
} from './scenarios/student-id-scenarios.ts';

/** Every scenario, in the guide's order, then the school behaviours beyond the guide. */
export const SCENARIOS: readonly Scenario[] = [
  missingPeriodScenario,
  droppedClassScenario,
  studentIdNotFoundScenario,
  studentNumberAsDcidScenario,
  staleCodeYearScenario,
  notEnrolledScenario,
  modeMismatchScenario,
  wrongCredentialsScenario,
  pluginDisabledScenario,
  v1AccessLevelScenario,
  teacherMarkKeptScenario,
  returnToSchoolScenario,
];

/** The scenario names, in catalogue order. */
export function scenarioNames(): string[] {
  return SCENARIOS.map((scenario) => scenario.name);
}

/** Thrown for a name the catalogue does not have; the message lists the valid names. */
export class UnknownScenarioError extends Error {
  override name = 'UnknownScenarioError';
}

/** The scenario with this name; throws UnknownScenarioError listing the valid names. */
export function findScenario(name: string): Scenario {
  const found = SCENARIOS.find((scenario) => scenario.name === name);
  if (found) return found;
  const hint = isScenarioName(name) ? '' : ' (names are lower-case words joined by dashes)';
  throw new UnknownScenarioError(
    `No repro scenario named "${name}"${hint}. Valid: ${scenarioNames().join(', ')}. Run pswb repro list to see what each one shows.`,
  );
}
