/**
 * A student event from Visitor Management: a late check-in or an early check-out, validated
 * before it is accepted into the outbox.
 */
import { z } from 'zod';
import { ConnectorError } from './connector-error.ts';
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

const positiveId = z.union([
  z.number().int().positive(),
  z.string().trim().regex(/^\d+$/, 'must be a whole number').transform(Number),
]);

const EventSchema = z.object({
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
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.') || 'event'} ${issue.message}`);
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
    throw new ConnectorError(
      'invalid_event',
      `Event${id} is not valid: ${problems.join('; ')}.`,
      problems,
    );
  }
  const event = parsed.data;
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
