import { randomUUID } from 'node:crypto';
import {
  ConnectorError,
  EVENT_TYPES,
  formatClockTime,
  parseEvents,
  postedRecords,
  renderLogTable,
  parseSettingsDocument,
  toDistrictLocalTime,
  toWritebackRecord as toRecord,
  type Connector,
  type EventInputs,
  type EventState,
  type RunProgress,
  type WritebackPreview,
  type WritebackRecord,
} from '../../connector/index.ts';
import { UsageError, type CliIO, type Command } from '../cli/command.ts';
import { readEventFile } from '../cli/event-file.ts';
import { choiceOption, parseOptions } from '../cli/parse-options.ts';
import { progressReporter } from '../cli/progress.ts';
import { EXIT_CODES } from '../cli/report-error.ts';
import { stopOnSignals } from '../cli/stop-signal.ts';
import {
  PgDistricts,
  PgOutbox,
  checkDistrictId,
  redactDatabaseUrl,
} from '../../connector/store/pg/index.ts';
import {
  COMMON_HELP,
  COMMON_OPTIONS,
  toCliError,
  toJson,
  withWorkspace,
} from './connector-options.ts';
import { databaseUrl, withDatabase } from './db.ts';

/** The flags of an event's fields (also what `pswb writeback correct` changes). */
export const EVENT_FIELD_OPTIONS = {
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

const OPTIONS = {
  ...COMMON_OPTIONS,
  file: { type: 'string' },
  resume: { type: 'boolean' },
  id: { type: 'string' },
  ...EVENT_FIELD_OPTIONS,
  details: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  database: { type: 'string' },
  district: { type: 'string' },
} as const;

/** The flags that describe one event on the command line. */
const EVENT_FLAGS = [
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
] as const;

type Values = ReturnType<typeof parseOptions<typeof OPTIONS>>['values'];

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

function readInputs(values: Values): EventInputs {
  const flagged = EVENT_FLAGS.some((flag) => values[flag] !== undefined);
  if (values.file !== undefined && flagged)
    throw new UsageError('give either --file or the event flags, not both.');
  if (values.file !== undefined) return readEventFile(values.file);
  return flagged ? [eventFromFlags(values)] : [];
}

async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, OPTIONS);
  const inputs = readInputs(values);
  if (Array.isArray(inputs) && inputs.length === 0 && !values.resume) {
    throw new UsageError('nothing to send: give the event flags, --file, or --resume.');
  }
  if (values.database !== undefined || values.district !== undefined) {
    if (values.resume || values['dry-run'] || values.details) {
      throw new UsageError(
        '--database only hands events to the PostgreSQL outbox (pswb worker writes them): no --resume, --dry-run or --details with it.',
      );
    }
    if (values.district === undefined) {
      throw new UsageError(
        'give the district the events belong to: --district ID (pswb districts lists them).',
      );
    }
    return acceptIntoPostgres(
      io,
      databaseUrl(values.database),
      checkDistrictId(values.district),
      inputs,
      values.json === true,
    ).catch((error: unknown) => {
      throw toCliError(error);
    });
  }
  if (values['dry-run']) {
    if (values.resume)
      throw new UsageError('--dry-run previews given events; it does not take --resume.');
    return withWorkspace(values['data-dir'], (workspace) =>
      dryRun(io, workspace.connector(), inputs, values.json === true),
    );
  }
  return withWorkspace(values['data-dir'], async (workspace) => {
    const connector = workspace.connector();
    // Only the ids outlive the accept: the events themselves are read again by the run.
    const { ids, created } = accept(connector, inputs);
    const progress = progressReporter(io, 'sent');
    const stop = stopOnSignals(
      (name) => new ConnectorError('interrupted', `Stopped by ${name} before it was written.`),
    );
    let run: RunProgress;
    try {
      run = await connector.resume({ onProgress: progress.update, signal: stop.signal });
    } finally {
      progress.end();
      stop.dispose();
    }
    const states = connector.store.countStates(ids);
    const signal = stop.received();
    if (signal) {
      const left = connector.store.counts().pending;
      io.stderr(
        `Stopped by ${signal}: ${run.done} event(s) finished (${run.successful} successful, ${run.failed} failed, ${run.notAttempted} not attempted); ${left} left in the outbox, none claimed. Run pswb writeback send --resume to send them.`,
      );
    }
    if (values.json) printJson(io, connector, ids);
    else {
      io.stdout(summaryLine(ids.length, created, states, values.resume === true ? run : undefined));
      if (values.details) printDetails(io, connector, ids);
      else if (states.failed > 0) {
        io.stderr(
          'Failed events: add --details, or run pswb writeback logs --status failed --details.',
        );
      }
    }
    if (signal) return EXIT_CODES.interrupted;
    return states.failed > 0 || run.failed > 0 ? EXIT_CODES.failures : EXIT_CODES.ok;
  });
}

/**
 * --database: the events into a district's PostgreSQL outbox, all or none, stamped in the
 * district's zone; `pswb worker` writes them (and NOTIFY wakes it at once).
 */
async function acceptIntoPostgres(
  io: CliIO,
  url: string,
  district: string,
  inputs: EventInputs,
  json: boolean,
): Promise<number> {
  const all = typeof inputs === 'function' ? Array.from(inputs()) : inputs;
  return withDatabase(
    url,
    async (pool) => {
      const row = await new PgDistricts(pool).get(district);
      if (!row) {
        throw new ConnectorError('district_not_found', `There is no district "${district}".`);
      }
      // The zone and the student ID source only: no secret is opened.
      const settings = parseSettingsDocument(row.settings, `the settings of district ${row.id}`);
      const events = parseEvents(all, settings.connection?.studentIdSource ?? 'dcid');
      const zone = settings.districtTimezone ?? 'UTC';
      const items = events.map((event) => {
        const local = toDistrictLocalTime(new Date(event.occurredAt), zone);
        return {
          event,
          stamp: { date: local.date, time: formatClockTime(local.secondsSinceMidnight) },
        };
      });
      const results = await new PgOutbox(pool).accept(district, items, new Date().toISOString());
      const created = results.filter((result) => result.created).length;
      const database = redactDatabaseUrl(url);
      if (json) io.stdout(toJson({ database, district, accepted: results.length, created }));
      else {
        io.stdout(
          `${results.length} event(s) handed to ${database} for district ${district} (${created} new): pswb worker writes them.`,
        );
      }
      return 0;
    },
    { checked: true },
  );
}

/** --dry-run: what each event would do now, nothing posted or stored. */
async function dryRun(
  io: CliIO,
  connector: Connector,
  inputs: EventInputs,
  json: boolean,
): Promise<number> {
  const events = typeof inputs === 'function' ? Array.from(inputs()) : inputs;
  const stop = stopOnSignals((name) => new ConnectorError('interrupted', `Stopped by ${name}.`));
  let previews: WritebackPreview[];
  try {
    previews = await connector.preview(events, { signal: stop.signal });
  } finally {
    stop.dispose();
  }
  const failing = previews.filter((preview) => preview.outcome === 'failed').length;
  if (json) {
    io.stdout(toJson(previews));
    return failing > 0 ? EXIT_CODES.failures : EXIT_CODES.ok;
  }
  const writing = previews.filter((preview) => preview.outcome === 'would_write').length;
  const skipped = previews.length - writing - failing;
  io.stdout(
    `Dry run: nothing was posted to PowerSchool or stored. ${previews.length} event(s): ${writing} would be written, ${failing} would fail, ${skipped} would not be attempted.`,
  );
  for (const preview of previews) {
    if (preview.outcome === 'would_write') {
      const record = preview.record!;
      const posted = postedRecords(record);
      const body = JSON.stringify(posted.length === 1 ? posted[0] : posted);
      io.stdout(
        posted.length > 0
          ? `  ${preview.id}: would POST /ws/attendance/${record.endpoint} (${record.mode} mode): ${body}`
          : `  ${preview.id}: would post nothing (${record.mode} mode)`,
      );
      for (const held of record.removed ?? []) io.stdout(`    would remove: ${held.what}`);
      for (const held of record.kept ?? []) io.stdout(`    would keep: ${held.what}`);
      continue;
    }
    const verdict = preview.outcome === 'failed' ? 'would fail' : 'would not be attempted';
    io.stdout(`  ${preview.id}: ${verdict}: ${preview.error?.message ?? ''}`);
    if (preview.error) {
      io.stdout(`      Meaning: ${preview.error.meaning}`);
      for (const step of preview.error.resolution) io.stdout(`      Fix: ${step}`);
    }
  }
  io.stdout(
    "PowerSchool's own checks of a record (enrollment on the date, the code's year, the school's attendance method) run only when it is posted.",
  );
  return failing > 0 ? EXIT_CODES.failures : EXIT_CODES.ok;
}

function accept(connector: Connector, inputs: EventInputs): { ids: string[]; created: number } {
  const { events, created } = connector.enqueue(inputs);
  return { ids: events.map((event) => event.id), created };
}

/** "6 event(s): 4 successful, 2 failed, 0 not attempted (6 new)". */
function summaryLine(
  given: number,
  created: number,
  states: Record<EventState, number>,
  resumed: RunProgress | undefined,
): string {
  const left = states.pending + states.sending;
  const parts = [
    `${states.successful} successful`,
    `${states.failed} failed`,
    `${states.not_attempted} not attempted`,
    ...(left > 0 ? [`${left} still in the outbox`] : []),
  ];
  const head =
    given > 0
      ? `${given} event(s): ${parts.join(', ')} (${created} new, ${given - created} accepted before).`
      : '';
  const tail = resumed
    ? `Resumed ${resumed.done} pending event(s): ${resumed.successful} successful, ${resumed.failed} failed, ${resumed.notAttempted} not attempted.`
    : '';
  return [head, tail].filter(Boolean).join('\n');
}

const PAGE = 1000;

/** The events' records, a page at a time (a 200,000-event file is never held at once). */
function* recordPages(connector: Connector, ids: readonly string[]): Generator<WritebackRecord[]> {
  for (let start = 0; start < ids.length; start += PAGE) {
    const rows = connector.store.getMany(ids.slice(start, start + PAGE));
    yield rows.flatMap((row) => (row ? [toRecord(row)] : []));
  }
}

function printDetails(io: CliIO, connector: Connector, ids: readonly string[]): void {
  for (const records of recordPages(connector, ids)) {
    const page = { records, total: records.length, page: 1, pageSize: records.length, pages: 1 };
    io.stdout(renderLogTable(page, { details: true, paging: false }));
  }
}

function printJson(io: CliIO, connector: Connector, ids: readonly string[]): void {
  io.stdout('[');
  let first = true;
  for (const records of recordPages(connector, ids)) {
    for (const record of records) {
      io.stdout(`${first ? '' : ','}${JSON.stringify(record)}`);
      first = false;
    }
  }
  io.stdout(']');
}

/** `pswb writeback send`: write late check-ins and early check-outs back to PowerSchool. */
export const writebackSendCommand: Command = {
  name: 'writeback send',
  help: `Usage: pswb writeback send --type T --dcid N --name NAME --school N --at ISO --reason R [options]
       pswb writeback send --file events.json
       pswb writeback send --resume

Accepts the events into the outbox (all or none, committed before anything is sent), then writes
each to PowerSchool in its school's Attendance Mode, and prints one summary line (counts by
status). An event id already accepted with the same contents is not sent again; with other
contents it is refused. Events a killed run left behind are sent too. Ctrl-C stops the run:
what finished is kept, the rest stays in the outbox (--resume sends it). Exit code 1 when any
event failed, 130 when stopped.

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
  --resume           Send only what is pending (e.g. after a killed run or Ctrl-C)
  --details          Also print the Writeback Logs table of these events, with each failure's
                     message, meaning and how to resolve it
  --dry-run          Post and store nothing: do every lookup and check against PowerSchool and
                     print the record each event would be posted as, or why it would fail
                     (exit code 1 when any would fail)
  --database URL     Hand the events to this PostgreSQL outbox instead, for pswb worker to write
                     (all or none; nothing is sent from here; default $PSWB_DATABASE_URL with
                     --district); see pswb worker
  --district ID      The district of the database the events belong to (pswb districts)
${COMMON_HELP}

Progress goes to stderr: a bar on a terminal, a line every 5% otherwise (runs of 10+ events).

Example:
  pswb writeback send --type late_checkin --dcid 5001 --name "Ava Thompson" --grade 3 \\
    --school 101 --at 2026-10-14T08:40:00-04:00 --reason T --id vm-123
`,
  run,
};
