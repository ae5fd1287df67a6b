import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  EVENT_TYPES,
  renderLogTable,
  type RunProgress,
  type WritebackRecord,
} from '../../connector/index.ts';
import { CliError, UsageError, type CliIO, type Command } from '../cli/command.ts';
import { parseOptions } from '../cli/parse-options.ts';
import {
  COMMON_HELP,
  COMMON_OPTIONS,
  choiceOption,
  toJson,
  withWorkspace,
} from './connector-options.ts';

const OPTIONS = {
  ...COMMON_OPTIONS,
  file: { type: 'string' },
  resume: { type: 'boolean' },
  id: { type: 'string' },
  type: { type: 'string' },
  dcid: { type: 'string' },
  'student-id': { type: 'string' },
  name: { type: 'string' },
  grade: { type: 'string' },
  school: { type: 'string' },
  at: { type: 'string' },
  reason: { type: 'string' },
  comment: { type: 'string' },
} as const;

type Values = ReturnType<typeof parseOptions<typeof OPTIONS>>['values'];

/** Reads a JSON array or JSON lines. */
export function parseEventFile(text: string, path: string): unknown[] {
  const trimmed = text.trim();
  try {
    if (trimmed.startsWith('[')) return JSON.parse(trimmed) as unknown[];
    return trimmed
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as unknown);
  } catch (error) {
    throw new CliError(
      `${path} is neither a JSON array of events nor JSON lines: ${(error as Error).message}`,
    );
  }
}

function eventFromFlags(values: Values): unknown {
  const missing = ['type', 'name', 'school', 'at', 'reason'].filter(
    (flag) => values[flag as keyof Values] === undefined,
  );
  if (values.dcid === undefined && values['student-id'] === undefined)
    missing.push('dcid or --student-id');
  if (missing.length > 0) {
    throw new UsageError(`missing --${missing.join(', --')} (or give --file with many events).`);
  }
  return {
    id: values.id ?? `cli-${randomUUID()}`,
    type: choiceOption('type', values.type!, EVENT_TYPES),
    student: {
      ...(values.dcid !== undefined ? { dcid: values.dcid } : {}),
      ...(values['student-id'] !== undefined ? { id: values['student-id'] } : {}),
      name: values.name,
      ...(values.grade !== undefined ? { grade: values.grade } : {}),
      schoolNumber: values.school,
    },
    occurredAt: values.at,
    reason: values.reason,
    ...(values.comment !== undefined ? { comment: values.comment } : {}),
  };
}

/** Prints "sent 40/200 (38 successful, 2 failed)" to stderr, at most every 5% on long runs. */
export function progressPrinter(io: CliIO, verb: string): (progress: RunProgress) => void {
  let lastShown = 0;
  return (progress) => {
    const step = Math.max(1, Math.floor(progress.total / 20));
    if (
      progress.total < 10 ||
      (progress.done - lastShown < step && progress.done !== progress.total)
    )
      return;
    lastShown = progress.done;
    io.stderr(
      `${verb} ${progress.done}/${progress.total} (${progress.successful} successful, ${progress.failed} failed, ${progress.notAttempted} not attempted)`,
    );
  };
}

async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, OPTIONS);
  const flagged = [
    'id',
    'type',
    'dcid',
    'student-id',
    'name',
    'grade',
    'school',
    'at',
    'reason',
    'comment',
  ].some((flag) => values[flag as keyof Values] !== undefined);
  if (values.file !== undefined && flagged)
    throw new UsageError('give either --file or the event flags, not both.');
  const inputs =
    values.file !== undefined
      ? parseEventFile(
          await readFile(values.file, 'utf8').catch((error: Error) => {
            throw new CliError(`Cannot read ${values.file}: ${error.message}`);
          }),
          values.file,
        )
      : flagged
        ? [eventFromFlags(values)]
        : [];
  if (inputs.length === 0 && !values.resume) {
    throw new UsageError('nothing to send: give the event flags, --file, or --resume.');
  }
  return withWorkspace(values['data-dir'], async (workspace) => {
    const connector = workspace.connector();
    const onProgress = progressPrinter(io, 'sent');
    let records: WritebackRecord[];
    if (inputs.length > 0) {
      records = await connector.send(inputs, { onProgress });
    } else {
      const progress = await connector.resume({ onProgress });
      io.stderr(`resumed ${progress.done} pending event(s)`);
      records = [];
    }
    if (values.json) io.stdout(toJson(records));
    else if (records.length > 0) {
      io.stdout(
        renderLogTable(
          { records, total: records.length, page: 1, pageSize: records.length, pages: 1 },
          { details: true },
        ),
      );
    }
    return records.some((record) => record.status === 'failed') ? 1 : 0;
  });
}

/** `pswb writeback send`: write late check-ins and early check-outs back to PowerSchool. */
export const writebackSendCommand: Command = {
  name: 'writeback send',
  summary: 'Send late check-ins / early check-outs to PowerSchool as attendance records',
  help: `Usage: pswb writeback send --type T --dcid N --name NAME --school N --at ISO --reason R [options]
       pswb writeback send --file events.json
       pswb writeback send --resume

Accepts each event into the outbox (committed before anything is sent), then writes it to
PowerSchool in the school's Attendance Mode. An event id that was already accepted is not sent
again. Events a killed run left behind are sent first. Exit code 1 when any event failed.

Options:
  --type T           ${EVENT_TYPES.join(' | ')} (required with flags)
  --dcid N           The student's STUDENTS.DCID (when the student ID source is dcid, the default)
  --student-id N     The student's STUDENTS.ID (when the student ID source is id)
  --name NAME        Student name as Visitor Management shows it (required)
  --grade G          Grade (default: none)
  --school N         School number (SCHOOLS.SCHOOL_NUMBER) (required)
  --at ISO           When it happened, ISO-8601 with offset, e.g. 2026-10-14T08:40:00-04:00
  --reason R         The reason: a mapped att_code (T) or its description (Tardy) (required)
  --comment TEXT     att_comment (default: "Late Check-in at 08:40" or "Early Check-out at ...")
  --id ID            Event id, for idempotency (default: a new random id)
  --file PATH        Many events: a JSON array, or one JSON event per line, each
                     {id, type, student: {dcid|id, name, grade, schoolNumber}, occurredAt, reason, comment?}
  --resume           Send only what is pending (e.g. after a killed run)
${COMMON_HELP}

Progress goes to stderr on runs of 10 events or more.

Example:
  pswb writeback send --type late_checkin --dcid 5001 --name "Ava Thompson" --grade 3 \\
    --school 101 --at 2026-10-14T08:40:00-04:00 --reason T --id vm-123
`,
  run,
};
