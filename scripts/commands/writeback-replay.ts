import { type ReplayFilter } from '../../connector/index.ts';
import type { CliIO, Command } from '../cli/command.ts';
import { choiceOption, parseOptions } from '../cli/parse-options.ts';
import {
  COMMON_HELP,
  COMMON_OPTIONS,
  actorOption,
  toJson,
  withWorkspace,
} from './connector-options.ts';
import { FILTER_HELP, FILTER_OPTIONS, filterFromOptions } from './writeback-logs.ts';
import { progressReporter } from '../cli/progress.ts';

const OPTIONS = { ...COMMON_OPTIONS, ...FILTER_OPTIONS } as const;

async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, OPTIONS);
  const actor = actorOption(values.as);
  const status = choiceOption('status', values.status ?? 'failed', [
    'failed',
    'not_attempted',
  ] as const);
  const filter: ReplayFilter = { ...filterFromOptions(values), status };
  return withWorkspace(values['data-dir'], async (workspace) => {
    const progress = progressReporter(io, 'replayed');
    const summary = await workspace
      .connector()
      .replay(actor, filter, { onProgress: progress.update })
      .finally(progress.end);
    if (values.json) io.stdout(toJson(summary));
    else {
      io.stdout(
        `Replayed ${summary.requeued} event(s): ${summary.successful} successful, ${summary.failed} failed, ${summary.notAttempted} not attempted.`,
      );
      if (summary.failed > 0)
        io.stdout('See pswb writeback logs --status failed --details for what is still wrong.');
    }
    return summary.failed > 0 ? 1 : 0;
  });
}

/** `pswb writeback replay`: re-send failed events after a fix. */
export const writebackReplayCommand: Command = {
  name: 'writeback replay',
  help: `Usage: pswb writeback replay [filters] [--json]

Re-sends the failed events that match the filters, after a fix such as importing this year's
attendance codes or correcting a school's Attendance Mode. Student ids, periods, school days and
reason codes are resolved again; each event's earlier attempts stay in its history. Progress goes
to stderr on long runs. Exit code 1 when any event still fails.

Options:
  --status S         failed | not_attempted (default: failed; not_attempted after enabling a school)
${FILTER_HELP}
${COMMON_HELP}

Example:
  pswb writeback replay --school 101 --from 2026-10-01
`,
  run,
};
