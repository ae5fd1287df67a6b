/**
 * `pswb writeback correct` and `pswb writeback cancel`: an admin's fix for a stored event
 * (connector/writeback/correct.ts). What the event wrote is removed from PowerSchool first; a
 * correction then sends the corrected event (unless --no-send, for a running service to pick up);
 * a cancellation marks it Cancelled. Both are audited. Wiring only.
 */
import { EVENT_TYPES, type CorrectionResult, type EventCorrection } from '../../connector/index.ts';
import { UsageError, type CliIO, type Command } from '../cli/command.ts';
import { choiceOption, parseOptions } from '../cli/parse-options.ts';
import {
  COMMON_HELP,
  COMMON_OPTIONS,
  actorOption,
  auditCliChange,
  cliActor,
  numberListOption,
  toJson,
  withWorkspace,
} from './connector-options.ts';
import { EVENT_FIELD_OPTIONS } from './writeback-send.ts';

const CORRECT_OPTIONS = {
  ...COMMON_OPTIONS,
  ...EVENT_FIELD_OPTIONS,
  'no-send': { type: 'boolean' },
} as const;

function oneNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const numbers = numberListOption(name, value);
  if (numbers.length !== 1) throw new UsageError(`--${name} takes one number.`);
  return numbers[0];
}

function correctionOf(values: Record<string, string | boolean | undefined>): EventCorrection {
  const text = (name: string) => values[name] as string | undefined;
  const student = {
    ...(oneNumber('dcid', text('dcid')) !== undefined
      ? { dcid: oneNumber('dcid', text('dcid'))! }
      : {}),
    ...(oneNumber('student-id', text('student-id')) !== undefined
      ? { id: oneNumber('student-id', text('student-id'))! }
      : {}),
    ...(text('name') !== undefined ? { name: text('name')! } : {}),
    ...(text('grade') !== undefined ? { grade: text('grade')! } : {}),
    ...(oneNumber('school', text('school')) !== undefined
      ? { schoolNumber: oneNumber('school', text('school'))! }
      : {}),
  };
  return {
    ...(Object.keys(student).length > 0 ? { student } : {}),
    ...(text('at') !== undefined ? { occurredAt: text('at')! } : {}),
    ...(text('reason') !== undefined ? { reason: text('reason')! } : {}),
    ...(text('type') !== undefined
      ? { type: choiceOption('type', text('type')!, EVENT_TYPES) }
      : {}),
    ...(text('comment') !== undefined ? { comment: text('comment')! } : {}),
  };
}

function removedText(done: CorrectionResult): string {
  return done.removed.length > 0
    ? `Removed from PowerSchool: ${done.removed.map((held) => held.what).join('; ')}.`
    : 'Nothing it wrote was in PowerSchool to remove.';
}

async function runCorrect(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseOptions(argv, CORRECT_OPTIONS, { maxPositionals: 1 });
  const id = positionals[0];
  if (id === undefined) throw new UsageError('give the event id: pswb writeback correct <id> ...');
  const change = correctionOf(values);
  if (Object.keys(change).length === 0) {
    throw new UsageError(
      'give what to correct: --dcid, --student-id, --name, --grade, --school, --at, --reason, --type or --comment.',
    );
  }
  const actor = actorOption(values.as);
  return withWorkspace(values['data-dir'], async (workspace) => {
    const connector = workspace.connector();
    const done = await connector.correct(actor, id, change, cliActor());
    auditCliChange(workspace.store(), {
      action: 'event.correct',
      target: `event ${id}`,
      before: done.before,
      after: done.after,
    });
    let record = done.record;
    if (!values['no-send']) {
      await connector.resume();
      record = connector.record(actor, id)!;
    }
    if (values.json) io.stdout(toJson({ event: record, removed: done.removed }));
    else {
      io.stdout(`Corrected event ${id}. ${removedText(done)}`);
      io.stdout(
        values['no-send']
          ? 'It is back in the outbox: a running pswb serve (or pswb writeback send --resume) writes it.'
          : `Sent again: ${record.statusLabel}${record.error ? `: ${record.error.message}` : ''}.`,
      );
    }
    return record.status === 'failed' ? 1 : 0;
  });
}

async function runCancel(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseOptions(argv, COMMON_OPTIONS, { maxPositionals: 1 });
  const id = positionals[0];
  if (id === undefined) throw new UsageError('give the event id: pswb writeback cancel <id>');
  const actor = actorOption(values.as);
  return withWorkspace(values['data-dir'], async (workspace) => {
    const done = await workspace.connector().cancel(actor, id, cliActor());
    auditCliChange(workspace.store(), {
      action: 'event.cancel',
      target: `event ${id}`,
      before: null,
      after: { removed: done.removed },
    });
    if (values.json) io.stdout(toJson({ event: done.record, removed: done.removed }));
    else io.stdout(`Cancelled event ${id}. ${removedText(done)}`);
    return 0;
  });
}

export const writebackCorrectCommand: Command = {
  name: 'writeback correct',
  help: `Usage: pswb writeback correct <id> [changes] [--no-send] [options]

Corrects a stored event entered for the wrong student, at the wrong time, with the wrong reason
or type, and sends it again. What it wrote is removed from PowerSchool first (a Daily or Meeting
record by DELETE, which PowerSchool may refuse: then nothing changes; a Time record is voided
with 0 minutes). The version before stays in the event's history (pswb writeback logs --event
<id>), and the change is written to the audit log. Exit code 1 when the corrected event fails.

Changes (any of them; the rest stays as it was):
  --dcid N           the right student's DCID (or --student-id N for STUDENTS.ID)
  --name TEXT        the student's name as Visitor Management shows it
  --grade G          the grade
  --school N         the school number
  --at ISO           when it happened, ISO-8601 with an offset, e.g. 2026-10-14T09:50:00-04:00
  --reason R         the reason (an att_code or its description)
  --type T           ${EVENT_TYPES.join(' | ')}
  --comment TEXT     the event's comment
  --no-send          leave it in the outbox for a running pswb serve (default: send it now)
${COMMON_HELP}

Example:
  pswb writeback correct vm-123 --dcid 5011 --name "Harper Wilson"
`,
  run: runCorrect,
};

export const writebackCancelCommand: Command = {
  name: 'writeback cancel',
  help: `Usage: pswb writeback cancel <id> [options]

Cancels a stored event (entered by mistake): what it wrote is removed from PowerSchool (a Daily
or Meeting record by DELETE, which PowerSchool may refuse: then nothing changes; a Time record is
voided with 0 minutes), and it is marked Cancelled (status Not attempted). The event as it was
stays in its history; the cancellation is written to the audit log.

${COMMON_HELP}

Example:
  pswb writeback cancel vm-123
`,
  run: runCancel,
};
