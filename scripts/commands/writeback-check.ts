/**
 * `pswb writeback check`: reconciliation from the command line: reads back from PowerSchool what
 * was written over a date range and lists what is missing or changed; --resend-missing writes
 * the missing ones again (connector/writeback/reconcile.ts). Wiring only.
 */
import type { ReconcileItem } from '../../connector/index.ts';
import { UsageError, type CliIO, type Command } from '../cli/command.ts';
import { parseOptions } from '../cli/parse-options.ts';
import {
  COMMON_HELP,
  COMMON_OPTIONS,
  actorOption,
  dateOption,
  numberListOption,
  toJson,
  withWorkspace,
} from './connector-options.ts';

const OPTIONS = {
  ...COMMON_OPTIONS,
  from: { type: 'string' },
  to: { type: 'string' },
  school: { type: 'string' },
  'resend-missing': { type: 'boolean' },
} as const;

function line(item: ReconcileItem): string {
  const what =
    item.state === 'changed'
      ? (item.changes ?? [])
          .map(
            (change) => `${change.field} written ${change.written}, now ${change.now || '(none)'}`,
          )
          .join('; ')
      : 'not in PowerSchool';
  return `  ${item.id}  ${item.studentName} (${item.studentPsId})  ${item.localDate} ${item.localTime}  school ${item.schoolNumber}, ${item.mode}: ${what}`;
}

async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, OPTIONS);
  if (values.from === undefined || values.to === undefined) {
    throw new UsageError('give the range to check: --from YYYY-MM-DD --to YYYY-MM-DD.');
  }
  dateOption('from', values.from);
  dateOption('to', values.to);
  if (values.from > values.to) throw new UsageError('--from must be on or before --to.');
  const actor = actorOption(values.as);
  const schools =
    values.school === undefined ? undefined : numberListOption('school', values.school);
  return withWorkspace(values['data-dir'], async (workspace) => {
    const connector = workspace.connector();
    const report = await connector.reconcile(actor, {
      from: values.from!,
      to: values.to!,
      ...(schools ? { school: schools } : {}),
    });
    const resent =
      values['resend-missing'] && report.missing.length > 0
        ? await connector.resendMissing(
            actor,
            report.missing.map((item) => item.id),
          )
        : [];
    if (resent.length > 0) await connector.resume();
    if (values.json) {
      io.stdout(toJson({ ...report, resent }));
    } else {
      io.stdout(
        `Checked ${report.checked} record(s) written ${report.from}..${report.to}: ${report.present} as written, ${report.superseded} replaced by a later writeback, ${report.missing.length} missing, ${report.changed.length} changed.`,
      );
      if (report.missing.length > 0)
        io.stdout(['Missing:', ...report.missing.map(line)].join('\n'));
      if (report.changed.length > 0)
        io.stdout(['Changed:', ...report.changed.map(line)].join('\n'));
      if (resent.length > 0) io.stdout(`Sent again: ${resent.join(', ')}.`);
      else if (report.missing.length > 0)
        io.stdout('Add --resend-missing to write the missing ones again.');
    }
    const left = report.missing.length - resent.length + report.changed.length;
    return left > 0 ? 1 : 0;
  });
}

/** `pswb writeback check`. */
export const writebackCheckCommand: Command = {
  name: 'writeback check',
  help: `Usage: pswb writeback check --from YYYY-MM-DD --to YYYY-MM-DD [--school N[,N]] [--resend-missing] [options]

Reconciliation: reads back from PowerSchool the records pswb wrote for the successful events of
the range (one call per student and day) and lists each one missing (deleted since, or never
kept) or changed by someone else (another attendance code, other minutes). A record replaced by
a later writeback of the same student, day and period is counted, not listed. Exit code 1 when
anything is missing or changed (and not sent again).

Options:
  --from, --to DATE  The district-local dates to check, inclusive (required)
  --school LIST      Only these school numbers (default: every school you may see)
  --resend-missing   Write the missing records again (each is read back once more first)
${COMMON_HELP}

Example:
  pswb writeback check --from 2026-10-12 --to 2026-10-16 --resend-missing
`,
  run,
};
