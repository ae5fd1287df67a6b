/**
 * `pswb schools behaviours`: one school's writeback behaviours beyond the guide
 * (connector/setup/school-behaviours.ts): shows them, or changes the ones given. Each change is
 * written to the audit log. Wiring only.
 */
import {
  EXISTING_POLICIES,
  EXISTING_POLICY_LABELS,
  RETURN_POLICIES,
  RETURN_POLICY_LABELS,
  behavioursAuditView,
  effectiveBehaviours,
  setSchoolBehaviours,
  type BehavioursChange,
  type EffectiveBehaviours,
} from '../../connector/index.ts';
import { UsageError, type CliIO, type Command } from '../cli/command.ts';
import { parseOptions } from '../cli/parse-options.ts';
import {
  COMMON_HELP,
  COMMON_OPTIONS,
  actorOption,
  auditCliChange,
  choiceOption,
  numberListOption,
  toJson,
  withWorkspace,
} from './connector-options.ts';

const OPTIONS = {
  ...COMMON_OPTIONS,
  school: { type: 'string' },
  'missed-before': { type: 'string' },
  'missed-after': { type: 'string' },
  existing: { type: 'string' },
  overwritable: { type: 'string' },
  'return-to-school': { type: 'string' },
  'return-code': { type: 'string' },
} as const;

/** "none" (or "current" for the periods) clears a code. */
const codeOrNone = (value: string | undefined, none: string): string | null | undefined =>
  value === undefined ? undefined : value.trim().toLowerCase() === none ? null : value.trim();

function changeOf(values: Record<string, string | boolean | undefined>): BehavioursChange {
  const text = (name: string) => values[name] as string | undefined;
  const change: BehavioursChange = {};
  const before = codeOrNone(text('missed-before'), 'current');
  if (before !== undefined) change.missedBefore = before;
  const after = codeOrNone(text('missed-after'), 'current');
  if (after !== undefined) change.missedAfter = after;
  if (text('existing') !== undefined) {
    change.existing = choiceOption('existing', text('existing')!, EXISTING_POLICIES);
  }
  const overwritable = codeOrNone(text('overwritable'), 'none');
  if (overwritable !== undefined) change.overwritable = overwritable?.split(',') ?? null;
  if (text('return-to-school') !== undefined) {
    change.returnToSchool = choiceOption(
      'return-to-school',
      text('return-to-school')!,
      RETURN_POLICIES,
    );
  }
  const returnCode = codeOrNone(text('return-code'), 'none');
  if (returnCode !== undefined) change.returnCode = returnCode;
  return change;
}

function render(school: number, b: EffectiveBehaviours): string {
  return [
    `School ${school}`,
    `  Periods missed before a late check-in (Meeting): ${b.missedBefore ?? 'current period only (the guide)'}`,
    `  Periods missed after an early check-out (Meeting): ${b.missedAfter ?? 'current period only (the guide)'}`,
    `  Existing attendance: ${EXISTING_POLICY_LABELS[b.existing]}${b.existing === 'overwrite_listed' ? `: ${b.overwritable.join(', ')}` : ''}`,
    `  Return to school: ${RETURN_POLICY_LABELS[b.returnToSchool]}${b.returnToSchool === 'change' ? `: ${b.returnCode}` : ''}`,
    '',
  ].join('\n');
}

async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, OPTIONS);
  if (values.school === undefined) throw new UsageError('--school N is required.');
  const numbers = numberListOption('school', values.school);
  if (numbers.length !== 1) throw new UsageError('--school takes one school number.');
  const school = numbers[0]!;
  const actor = actorOption(values.as);
  const change = changeOf(values);
  return withWorkspace(values['data-dir'], async (workspace) => {
    const before = workspace.settings.get().schools[String(school)]?.behaviours;
    if (Object.keys(change).length > 0) {
      const after = await setSchoolBehaviours(workspace.settings, actor, school, change);
      auditCliChange(workspace.store(), {
        action: 'school.behaviours',
        target: `school ${school}`,
        before: behavioursAuditView(before),
        after: behavioursAuditView(after),
      });
    }
    const now = effectiveBehaviours(workspace.settings.get(), school);
    if (values.json) io.stdout(toJson({ schoolNumber: school, behaviours: now }));
    else io.stdout(render(school, now));
    return 0;
  });
}

export const schoolBehavioursCommand: Command = {
  name: 'schools behaviours',
  help: `Usage: pswb schools behaviours --school N [changes] [options]

Shows or changes one school's writeback behaviours beyond the guide. Each is off by default,
which is the guide's behaviour; only the options given change. Codes are the school's imported
PowerSchool attendance codes (pswb codes import). Building admins may change their own schools
while Prevent School Overrides is off. Every change is written to the audit log.

Changes:
  --missed-before CODE       Meeting mode: a late check-in also marks every earlier period of
                             the day with CODE ("current": the current period only)
  --missed-after CODE        Meeting mode: an early check-out also marks every later period
                             with CODE ("current": the current period only)
  --existing P               A record PowerSchool already holds that pswb did not write (a
                             teacher's mark): ${EXISTING_POLICIES.join(' | ')}
                             (default overwrite; kept marks are logged "Kept existing record")
  --overwritable LIST        With overwrite_listed: the codes pswb may overwrite, e.g. A,U
                             ("none" clears)
  --return-to-school P       A check-in after the student's early check-out that day:
                             ${RETURN_POLICIES.join(' | ')} (default separate: its own late record;
                             remove or change update the check-out's records; Time mode
                             recomputes the check-out's minutes with either)
  --return-code CODE         With change: the code the check-out's records get ("none" clears)
${COMMON_HELP}

Examples:
  pswb schools behaviours --school 103 --missed-before A --missed-after A
  pswb schools behaviours --school 101 --existing keep
  pswb schools behaviours --school 103 --return-to-school change --return-code P
`,
  run,
};
