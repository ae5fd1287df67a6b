import {
  ATTENDANCE_MODES,
  schoolAuditView,
  type SchoolChange,
  type SchoolView,
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

function renderSchools(schools: SchoolView[], prevent: boolean): string {
  const rows = schools.map((school) =>
    [
      String(school.schoolNumber).padEnd(7),
      school.name.slice(0, 34).padEnd(34),
      (school.enabled ? 'Enabled' : 'Disabled').padEnd(9),
      (school.mode ? school.mode[0]!.toUpperCase() + school.mode.slice(1) : '(not set)').padEnd(10),
      school.editable ? 'yes' : 'no',
    ].join('  '),
  );
  return [
    `Prevent School Overrides: ${prevent ? 'on' : 'off'}`,
    '',
    ['School ', 'Name'.padEnd(34), 'Status   ', 'Mode      ', 'Editable'].join('  '),
    ...rows,
    '',
  ].join('\n');
}

const LIST_OPTIONS = { ...COMMON_OPTIONS, offline: { type: 'boolean' } } as const;

async function runList(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, LIST_OPTIONS);
  const actor = actorOption(values.as);
  return withWorkspace(values['data-dir'], async (workspace) => {
    const connector = workspace.connector();
    const schools = await connector.listSchools(actor, { refresh: !values.offline });
    const warnings = values.offline ? [] : await connector.checkReasonYears(actor);
    const prevent = workspace.settings.get().preventSchoolOverrides;
    if (values.json) {
      io.stdout(toJson({ preventSchoolOverrides: prevent, schools, warnings }));
      return 0;
    }
    io.stdout(renderSchools(schools, prevent));
    for (const warning of warnings) io.stderr(`warning: ${warning.message}`);
    return 0;
  });
}

/** `pswb schools`: School Building Setup as a list. */
export const schoolsCommand: Command = {
  name: 'schools',
  help: `Usage: pswb schools [options]

Lists the schools from PowerSchool with their writeback Status (enabled by default), Attendance
Mode and whether you may edit them, plus Prevent School Overrides. Warns when a school's mapped
reasons are attendance codes of another year than the current term.

Options:
  --offline          Do not ask PowerSchool; show the saved setup only (default: off)
${COMMON_HELP}

Example:
  pswb schools --as building:101

See also: pswb schools set, to change a school's status, mode or Prevent School Overrides;
pswb schools behaviours, for a school's behaviours beyond the guide (missed periods, teachers'
marks, returns to school).
`,
  run: runList,
};

const SET_OPTIONS = {
  ...COMMON_OPTIONS,
  school: { type: 'string' },
  status: { type: 'string' },
  mode: { type: 'string' },
  'prevent-overrides': { type: 'string' },
} as const;

async function runSet(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, SET_OPTIONS);
  const actor = actorOption(values.as);
  const prevent = values['prevent-overrides'];
  if (values.school === undefined && prevent === undefined) {
    throw new UsageError(
      'Give --school with --status and/or --mode, or --prevent-overrides on|off.',
    );
  }
  if (values.school !== undefined && values.status === undefined && values.mode === undefined) {
    throw new UsageError(
      '--school needs --status enabled|disabled and/or --mode daily|time|meeting|none.',
    );
  }
  const status =
    values.status === undefined
      ? undefined
      : choiceOption('status', values.status, ['enabled', 'disabled'] as const);
  const mode =
    values.mode === undefined
      ? undefined
      : choiceOption('mode', values.mode, [...ATTENDANCE_MODES, 'none'] as const);
  const preventValue =
    prevent === undefined
      ? undefined
      : choiceOption('prevent-overrides', prevent, ['on', 'off'] as const);
  return withWorkspace(values['data-dir'], async (workspace) => {
    const connector = workspace.connector();
    const before = workspace.settings.get();
    const audit = (action: string, target: string, from: unknown, to: unknown): void => {
      auditCliChange(workspace.store(), {
        action,
        target,
        before: from,
        after: to,
      });
    };
    if (preventValue !== undefined) {
      await connector.setPreventSchoolOverrides(actor, preventValue === 'on');
      audit(
        'settings.prevent_school_overrides',
        'settings',
        { preventSchoolOverrides: before.preventSchoolOverrides },
        { preventSchoolOverrides: preventValue === 'on' },
      );
    }
    let schools: SchoolView[] = [];
    if (values.school !== undefined) {
      const numbers =
        values.school === 'all'
          ? (await connector.listSchools(actor)).map((school) => school.schoolNumber)
          : numberListOption('school', values.school);
      const changes: SchoolChange[] = numbers.map((schoolNumber) => ({
        schoolNumber,
        ...(status !== undefined ? { enabled: status === 'enabled' } : {}),
        ...(mode !== undefined ? { mode: mode === 'none' ? null : mode } : {}),
      }));
      schools = await connector.updateSchools(actor, changes);
      const changed = new Set(numbers);
      audit(
        'school.update',
        `schools ${numbers.join(', ')}`,
        Object.values(before.schools)
          .filter((school) => changed.has(school.schoolNumber))
          .map(schoolAuditView),
        schools.filter((school) => changed.has(school.schoolNumber)).map(schoolAuditView),
      );
    } else {
      schools = await connector.listSchools(actor, { refresh: false });
    }
    const preventNow = workspace.settings.get().preventSchoolOverrides;
    if (values.json) io.stdout(toJson({ preventSchoolOverrides: preventNow, schools }));
    else io.stdout(`Saved.\n${renderSchools(schools, preventNow)}`);
    return 0;
  });
}

/** `pswb schools set`: change School Building Setup. */
export const schoolsSetCommand: Command = {
  name: 'schools set',
  help: `Usage: pswb schools set --school N[,N...|all] [--status enabled|disabled] [--mode M] [options]
       pswb schools set --prevent-overrides on|off

Saves School Building Setup. An enabled school needs an Attendance Mode that matches the
school's attendance method in PowerSchool. Building admins may change only their own schools,
and only while Prevent School Overrides is off; district admins may change every school and
Prevent School Overrides. All listed schools change together or none does.

Options:
  --school LIST               School numbers separated by commas, or "all" (required unless
                              only --prevent-overrides is given)
  --status S                  enabled | disabled (default: unchanged)
  --mode M                    ${ATTENDANCE_MODES.join(' | ')} | none (default: unchanged;
                              none only for a disabled school)
  --prevent-overrides on|off  District admins only (default: unchanged)
${COMMON_HELP}

Examples:
  pswb schools set --school 101 --mode daily
  pswb schools set --school all --status enabled --mode meeting
  pswb schools set --school 102 --status disabled --as building:102
`,
  run: runSet,
};
