import { parseIntegerOption, parseOptions } from '../cli/parse-options.ts';
import { UsageError, type CliIO, type Command } from '../cli/command.ts';
import { reasonsAuditView, schoolYearLabel } from '../../connector/index.ts';
import {
  COMMON_HELP,
  COMMON_OPTIONS,
  actorOption,
  auditCliChange,
  dateOption,
  numberListOption,
  toJson,
  withWorkspace,
} from './connector-options.ts';

const OPTIONS = {
  ...COMMON_OPTIONS,
  school: { type: 'string' },
  late: { type: 'string' },
  early: { type: 'string' },
  date: { type: 'string' },
  yearid: { type: 'string' },
} as const;

const codeList = (value: string | undefined): string[] | undefined =>
  value === undefined
    ? undefined
    : value
        .split(',')
        .map((code) => code.trim())
        .filter(Boolean);

async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, OPTIONS);
  const actor = actorOption(values.as);
  if (values.school === undefined) throw new UsageError('--school is required, e.g. --school 101.');
  const schools = numberListOption('school', values.school);
  dateOption('date', values.date);
  const yearid =
    values.yearid === undefined
      ? undefined
      : parseIntegerOption('yearid', values.yearid, 0, { min: 1, max: 200 });
  const late = codeList(values.late);
  const early = codeList(values.early);
  return withWorkspace(values['data-dir'], async (workspace) => {
    const connector = workspace.connector();
    const results = [];
    for (const schoolNumber of schools) {
      const before = workspace.settings.get().reasons[String(schoolNumber)];
      results.push(
        await connector.importAttendanceCodes(actor, {
          schoolNumber,
          ...(values.date !== undefined ? { date: values.date } : {}),
          ...(yearid !== undefined ? { yearid } : {}),
          ...(late ? { late } : {}),
          ...(early ? { early } : {}),
        }),
      );
      auditCliChange(workspace.store(), {
        action: 'reasons.import',
        target: `school ${schoolNumber}`,
        before: before ? reasonsAuditView(before) : null,
        after: reasonsAuditView(workspace.settings.get().reasons[String(schoolNumber)]!),
      });
    }
    const warnings = await connector.checkReasonYears(actor);
    if (values.json) {
      io.stdout(toJson({ imports: results, warnings }));
      return 0;
    }
    for (const result of results) {
      io.stdout(
        `School ${result.schoolNumber}: ${result.codes.length} code(s) for ${schoolYearLabel(result.yearid)} (yearid ${result.yearid})`,
      );
      for (const code of result.codes)
        io.stdout(`  ${code.attCode.padEnd(6)} ${code.description.padEnd(28)} id ${code.id}`);
      io.stdout(`  Late Check-in reasons:   ${result.lateCheckin.join(', ') || '(none)'}`);
      io.stdout(`  Early Check-out reasons: ${result.earlyCheckout.join(', ') || '(none)'}`);
      for (const warning of result.warnings) io.stderr(`warning: ${warning}`);
    }
    for (const warning of warnings) io.stderr(`warning: ${warning.message}`);
    return 0;
  });
}

/** `pswb codes import`: import a school's attendance codes and map them as reasons. */
export const codesImportCommand: Command = {
  name: 'codes import',
  help: `Usage: pswb codes import --school N[,N...] [--late CODES] [--early CODES] [options]

Imports each school's attendance codes for the current school year (the year term containing
today, in the district's time zone) and maps them as Late Check-in and Early Check-out reasons.
Run it again at the start of every school year: codes from another year make PowerSchool refuse
records with "doesn't match the term's year value". Warns when mapped codes are from another
year than the current term.

Options:
  --school LIST      School numbers separated by commas (required)
  --late CODES       att_codes to map as Late Check-in reasons, e.g. T,TE
                     (default: the earlier mapping, else every code)
  --early CODES      att_codes to map as Early Check-out reasons, e.g. ED,EDE (default: same rule)
  --date YYYY-MM-DD  Import the year containing this date instead of today's
  --yearid N         Import this yearid (e.g. 36 for 2026-2027) instead of today's
${COMMON_HELP}

Example:
  pswb codes import --school 101 --late T,TE --early ED,EDE
`,
  run,
};
