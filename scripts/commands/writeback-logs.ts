import {
  LOG_STATUS_FILTERS,
  renderLogTable,
  type LogFilter,
  writtenOf,
  type WritebackEvent,
} from '../../connector/index.ts';
import { CliError, type CliIO, type Command } from '../cli/command.ts';
import { parseIntegerOption, parseOptions } from '../cli/parse-options.ts';
import {
  COMMON_HELP,
  COMMON_OPTIONS,
  actorOption,
  choiceOption,
  dateOption,
  numberListOption,
  toJson,
  withWorkspace,
} from './connector-options.ts';

/** The filter flags shared by logs and replay. */
export const FILTER_OPTIONS = {
  status: { type: 'string' },
  search: { type: 'string' },
  school: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
} as const;

/** Help lines for FILTER_OPTIONS. */
export const FILTER_HELP = `  --search TEXT      Part of the student's name, any case (default: all students)
  --school LIST      Buildings, school numbers separated by commas (default: all you may see)
  --from YYYY-MM-DD  First district-local date (default: no limit)
  --to YYYY-MM-DD    Last district-local date, inclusive (default: no limit)`;

/** Turns the filter flags into a LogFilter. */
export function filterFromOptions(values: {
  search?: string;
  school?: string;
  from?: string;
  to?: string;
}): LogFilter {
  dateOption('from', values.from);
  dateOption('to', values.to);
  return {
    ...(values.search !== undefined ? { search: values.search } : {}),
    ...(values.school !== undefined ? { school: numberListOption('school', values.school) } : {}),
    ...(values.from !== undefined ? { from: values.from } : {}),
    ...(values.to !== undefined ? { to: values.to } : {}),
  };
}

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...FILTER_OPTIONS,
  page: { type: 'string' },
  'page-size': { type: 'string' },
  details: { type: 'boolean' },
  event: { type: 'string' },
} as const;

async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, OPTIONS);
  const actor = actorOption(values.as);
  const status = choiceOption('status', values.status ?? 'all', LOG_STATUS_FILTERS);
  const filter: LogFilter = {
    ...filterFromOptions(values),
    status,
    page: parseIntegerOption('page', values.page, 1, { min: 1, max: 1_000_000 }),
    pageSize: parseIntegerOption('page-size', values['page-size'], 50, { min: 1, max: 1000 }),
  };
  return withWorkspace(values['data-dir'], async (workspace) => {
    const connector = workspace.connector();
    if (values.event !== undefined) {
      const record = connector.record(actor, values.event);
      if (!record) throw new CliError(`No event with id "${values.event}" in the log.`);
      const attempts = connector.attempts(actor, values.event);
      const versions = connector.versions(actor, values.event);
      if (values.json) io.stdout(toJson({ record, attempts, versions }));
      else {
        io.stdout(
          renderLogTable(
            { records: [record], total: 1, page: 1, pageSize: 1, pages: 1 },
            { details: true },
          ),
        );
        for (const line of writtenOf(record).lines ?? [])
          io.stdout(`  ${line.action}: ${line.what}`);
        if (versions.length > 0) io.stdout(`Earlier versions (${versions.length}):`);
        for (const version of versions) {
          const event = JSON.parse(version.payload) as WritebackEvent;
          io.stdout(
            `  v${version.version}  ${event.student.name} (DCID ${event.student.dcid ?? '-'})  ${version.local_date} ${version.local_time}  ${event.reason}  ${version.state}  ${version.change} by ${version.changed_by} at ${version.changed_at}`,
          );
        }
        io.stdout(`Attempts (${attempts.length}):`);
        for (const attempt of attempts) {
          io.stdout(
            `  run ${attempt.run}  ${attempt.started_at}  ${attempt.method} ${attempt.url}  ${attempt.http_status ?? attempt.outcome}  ${attempt.duration_ms} ms`,
          );
        }
      }
      return 0;
    }
    const page = connector.logs(actor, filter);
    if (values.json) io.stdout(toJson(page));
    else io.stdout(renderLogTable(page, { details: values.details ?? false }));
    if (!values.json && !values.details && page.records.some((record) => record.error)) {
      io.stderr('Failed rows: add --details for the error, its meaning and how to resolve it.');
    }
    return 0;
  });
}

/** `pswb writeback logs`: the Writeback Logs tab. */
export const writebackLogsCommand: Command = {
  name: 'writeback logs',
  help: `Usage: pswb writeback logs [filters] [--details] [--json]
       pswb writeback logs --event ID

Shows the Writeback Events table: Type, Student Name, Student PS ID, Date/Time (district-local),
Grade, Reason, Status, newest first. Building admins see only their buildings.

Options:
  --status S         ${LOG_STATUS_FILTERS.join(' | ')} (default: all)
${FILTER_HELP}
  --page N           Page number (default: 1)
  --page-size N      Rows per page, 1-1000 (default: 50)
  --details          Under each failed row: the error, its meaning and how to resolve it
  --event ID         One event with its error and every attempt made for it
${COMMON_HELP}

Examples:
  pswb writeback logs --status failed --details
  pswb writeback logs --search thompson --school 101 --from 2026-10-01 --to 2026-10-31 --json
`,
  run,
};
