/**
 * A student event from Visitor Management: a late check-in or an early check-out, validated
 * before it is accepted into the outbox.
 */
import { z } from 'zod';
import { ConnectorError } from './errors.ts';
import { EVENT_TYPES, listValues, type EventType, type StudentIdSource } from './vocabulary.ts';

/** The student as the event carries it: DCID or ID (per settings), name, grade, school. */
export interface EventStudent {
  dcid?: number;
  id?: number;
  name: string;
  grade?: string;
  schoolNumber: number;
}

/** A validated event. */
export interface WritebackEvent {
  id: string;
  type: EventType;
  student: EventStudent;
  /** ISO-8601 with an offset or Z, as received. */
  occurredAt: string;
  reason: string;
  comment?: string;
}

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Date.parse rolls 2026-02-31 over to March; a real date keeps its own day and hour. */
function isRealDateTime(text: string): boolean {
  const [year, month, day, hour, minute, second] = text.split(/[-T:.Z+]/).map(Number);
  const probe = new Date(Date.UTC(year!, month! - 1, day!));
  return (
    !Number.isNaN(Date.parse(text)) &&
    probe.getUTCMonth() === month! - 1 &&
    probe.getUTCDate() === day &&
    hour! < 24 &&
    minute! < 60 &&
    (second === undefined || Number.isNaN(second) || second < 60)
  );
}

const SAFE_ID_MESSAGE = `must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}`;

/**
 * A positive id as a number or a digit string. Ids past 2^53 - 1 are refused: a number that large
 * is stored rounded, and a rounded DCID names another student.
 */
const positiveId = z
  .unknown()
  .transform((value, context) => {
    const id =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && /^\s*\d+\s*$/.test(value)
          ? Number(value.trim())
          : Number.NaN;
    if (Number.isSafeInteger(id) && id > 0) return id;
    context.addIssue({ code: 'custom', message: SAFE_ID_MESSAGE });
    return z.NEVER;
  })
  .meta({
    // What an API reference shows (the transform above accepts both forms).
    anyOf: [
      { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
      { type: 'string', pattern: '^\\s*\\d+\\s*$' },
    ],
  });

/** The event as Visitor Management sends it (also the ingest API's documented body). */
export const EventSchema = z.object({
  id: z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters'),
  type: z.enum(EVENT_TYPES, { message: `must be one of: ${listValues(EVENT_TYPES)}` }),
  student: z.object({
    dcid: positiveId.optional(),
    id: positiveId.optional(),
    name: z.string().trim().min(1, 'is required'),
    grade: z
      .union([z.string(), z.number()])
      .transform((grade) => String(grade))
      .optional(),
    schoolNumber: positiveId,
  }),
  occurredAt: z
    .string()
    .regex(ISO_WITH_OFFSET, 'must be ISO-8601 with an offset, e.g. 2026-03-09T08:45:00-04:00')
    .refine(isRealDateTime, 'is not a real date and time'),
  reason: z.string().trim().min(1, 'is required'),
  comment: z.string().max(4000, 'must be at most 4000 characters').optional(),
});

/**
 * Validates an event; the student must carry the id the settings name (DCID by default, or
 * STUDENTS.ID after a Configuration Request). Throws ConnectorError listing every problem.
 */
export function parseWritebackEvent(input: unknown, source: StudentIdSource): WritebackEvent {
  const parsed = EventSchema.safeParse(input);
  const problems = parsed.success ? [] : describeIssues(parsed.error.issues);
  if (parsed.success && parsed.data.student[source] === undefined) {
    const other = source === 'dcid' ? 'id' : 'dcid';
    problems.push(
      `student.${source} is required: the student ID source is ${source === 'dcid' ? 'DCID' : 'the STUDENTS.ID field'}` +
        (parsed.data.student[other] !== undefined
          ? ` (the event has student.${other}; change the student ID source with pswb connect --id-source ${other} if that is what your SIS shares)`
          : ''),
    );
  }
  if (!parsed.success || problems.length > 0) {
    const id =
      typeof (input as { id?: unknown })?.id === 'string'
        ? ` "${(input as { id: string }).id}"`
        : '';
    throw new ConnectorError('invalid_event', `Event${id} is not valid: ${problems.join('; ')}.`, {
      details: problems,
    });
  }
  return normalizeEvent(parsed.data);
}

/** The event's issues as "path message" lines; one line per path (a union reports each branch). */
function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const issue of issues) {
    const path = issue.path.join('.') || 'event';
    if (seen.has(path)) continue;
    seen.add(path);
    lines.push(`${path} ${issue.message}`);
  }
  return lines;
}

function normalizeEvent(event: z.output<typeof EventSchema>): WritebackEvent {
  return {
    id: event.id,
    type: event.type,
    student: {
      ...(event.student.dcid !== undefined ? { dcid: event.student.dcid } : {}),
      ...(event.student.id !== undefined ? { id: event.student.id } : {}),
      name: event.student.name,
      ...(event.student.grade !== undefined ? { grade: event.student.grade } : {}),
      schoolNumber: event.student.schoolNumber,
    },
    occurredAt: event.occurredAt,
    reason: event.reason,
    ...(event.comment !== undefined ? { comment: event.comment } : {}),
  };
}

/**
 * Reads an event back from the outbox (its stored JSON), checking its shape again so a damaged
 * row is reported, not sent. The student ID source is not checked here: it was when the event was
 * accepted, and a later change of source is the writeback's to report.
 */
export function readStoredEvent(payload: string): WritebackEvent {
  let input: unknown;
  try {
    input = JSON.parse(payload);
  } catch {
    throw new ConnectorError(
      'stored_event_unreadable',
      'The stored event is not valid JSON, so it cannot be sent.',
    );
  }
  const parsed = EventSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConnectorError(
      'stored_event_unreadable',
      `The stored event is damaged: ${describeIssues(parsed.error.issues).join('; ')}.`,
    );
  }
  return normalizeEvent(parsed.data);
}

/**
 * The fields in which two events with the same id differ, as dotted paths ("student.dcid",
 * "reason"); empty when they are the same event.
 */
export function differingFields(a: WritebackEvent, b: WritebackEvent): string[] {
  const flat = (event: WritebackEvent): Record<string, unknown> => ({
    type: event.type,
    'student.dcid': event.student.dcid,
    'student.id': event.student.id,
    'student.name': event.student.name,
    'student.grade': event.student.grade,
    'student.schoolNumber': event.student.schoolNumber,
    occurredAt: event.occurredAt,
    reason: event.reason,
    comment: event.comment,
  });
  const left = flat(a);
  const right = flat(b);
  return Object.keys(left).filter((key) => left[key] !== right[key]);
}
