/**
 * The ingest API's shapes, as zod schemas: the same schemas check requests (through
 * @hono/zod-openapi) and describe them in /api/openapi.json. The event itself is the connector's
 * EventSchema: the API documents it and the connector validates it, all or none, naming each
 * item's problems.
 */
import { z } from '@hono/zod-openapi';
import {
  ATTENDANCE_MODES,
  EVENT_STATES,
  EVENT_TYPES,
  EXISTING_POLICIES,
  EventSchema,
  RETURN_POLICIES,
  LOG_STATUS_FILTERS,
  STUDENT_ID_SOURCES,
} from '../connector/index.ts';

/** The most events one POST may carry. */
export const MAX_BATCH = 500;

// A new object over the connector's fields: a schema made before @hono/zod-openapi was loaded
// has no .openapi() (zod 4 puts methods on each instance when it is made).
export const EventInput = z.object(EventSchema.shape).openapi('EventInput');

export const EventsBody = z
  .union([EventInput, z.array(EventInput).min(1).max(MAX_BATCH)])
  .openapi('EventsBody', {
    description: `One event, or an array of 1 to ${MAX_BATCH}; a batch is accepted all or none.`,
  });

const ErrorExplained = z
  .object({
    code: z.string().openapi({ example: 'student_period_not_found' }),
    message: z.string().openapi({ description: "PowerSchool's message, or the connector's" }),
    httpStatus: z.number().int().nullable(),
    meaning: z.string(),
    causes: z.array(z.string()),
    resolution: z.array(z.string()).openapi({ description: 'How to resolve it, step by step' }),
  })
  .openapi('WritebackError');

const RecordLineView = z
  .object({
    action: z.enum(['written', 'kept', 'removed']),
    what: z.string().openapi({ example: 'Period 3: A' }),
  })
  .openapi('RecordLine');

export const EventView = z
  .object({
    id: z.string(),
    type: z.enum(EVENT_TYPES),
    status: z.enum(EVENT_STATES).openapi({
      description:
        'pending (accepted, waiting), sending, successful (in PowerSchool), failed, not_attempted (writeback off for the school)',
    }),
    student: z.object({
      name: z.string(),
      dcid: z.number().int().nullable(),
      psId: z.number().int().nullable().openapi({ description: "PowerSchool's STUDENTS.ID" }),
      grade: z.string().nullable(),
      schoolNumber: z.number().int(),
    }),
    occurredAt: z.string(),
    localDate: z.string().openapi({ description: 'District-local date, YYYY-MM-DD' }),
    localTime: z.string().openapi({ description: 'District-local time, HH:MM' }),
    reason: z.string(),
    runs: z.number().int().openapi({ description: 'How many times it was processed' }),
    retryAt: z.string().nullable().openapi({
      description:
        'A pending event that met an unavailable PowerSchool is tried again at this time (its error says why)',
    }),
    acceptedAt: z.string(),
    completedAt: z.string().nullable(),
    statusLabel: z.string().openapi({
      description:
        'The status in words; "Kept existing record" for a not_attempted event whose school keeps a teacher\'s mark',
    }),
    error: ErrorExplained.nullable(),
    records: z.array(RecordLineView).openapi({
      description:
        'What a successful writeback did in PowerSchool, one line per record (written, kept, removed); empty before',
    }),
    returnOf: z.string().nullable().openapi({
      description:
        'For a return to school: the early check-out whose records this check-in updated',
    }),
    returnedBy: z.string().nullable().openapi({
      description:
        'For an early check-out: the check-in (return to school) that updated its records',
    }),
    links: z.object({ self: z.string(), resend: z.string() }),
  })
  .openapi('Event');

export const EventCorrectionBody = z
  .object({
    type: z.enum(EVENT_TYPES).optional(),
    occurredAt: z.string().optional().openapi({ example: '2026-10-14T09:50:00-04:00' }),
    reason: z.string().optional(),
    comment: z.string().optional(),
    student: z
      .object({
        dcid: z.number().int().positive().optional(),
        id: z.number().int().positive().optional(),
        name: z.string().optional(),
        grade: z.string().optional(),
        schoolNumber: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .openapi('EventCorrection', {
    description:
      'What to change; a field left out stays as it was. The corrected event is checked as a new one would be (422 naming each problem).',
  });

const HeldRecordView = z
  .object({
    psId: z.number().int().openapi({ description: 'ATTENDANCE.ID' }),
    periodId: z.number().int().optional(),
    what: z.string().openapi({ example: 'The day: T' }),
  })
  .openapi('HeldRecord');

export const CorrectionView = z
  .object({
    event: EventView,
    removed: z.array(HeldRecordView).openapi({
      description: 'The records removed from PowerSchool (voided, for Time records)',
    }),
  })
  .openapi('Correction');

export const AcceptedEvent = z
  .object({
    id: z.string(),
    status: z.enum(EVENT_STATES),
    created: z.boolean().openapi({ description: 'false when this id was already accepted' }),
    links: z.object({ self: z.string() }),
  })
  .openapi('AcceptedEvent');

export const AcceptedBody = z
  .object({ accepted: z.number().int(), events: z.array(AcceptedEvent) })
  .openapi('Accepted');

export const DryRunQuery = z.object({
  dry_run: z.enum(['true', 'false']).optional().openapi({
    description:
      'true: store and post nothing; do every lookup and check against PowerSchool and answer with the record each event would be posted as, or why it would fail (200)',
  }),
});

export const EventPreview = z
  .object({
    id: z.string(),
    outcome: z.enum(['would_write', 'not_attempted', 'failed']),
    studentPsId: z.number().int().optional(),
    record: z
      .object({
        mode: z.string(),
        endpoint: z.string().openapi({ description: 'POST /ws/attendance/<endpoint>' }),
        fields: z.record(z.string(), z.unknown()).optional().openapi({
          description:
            'The attendance record exactly as it would be posted (the first, when several are); absent when a return to school only removes records',
        }),
        also: z.array(z.record(z.string(), z.unknown())).optional().openapi({
          description: 'The other records posted in the same call (Meeting mode)',
        }),
        lines: z.array(RecordLineView).optional(),
      })
      .optional(),
    error: z
      .object({
        code: z.string(),
        message: z.string(),
        status: z.number().int().optional(),
        meaning: z.string(),
        resolution: z.array(z.string()),
      })
      .optional(),
  })
  .openapi('EventPreview');

export const DryRunBody = z
  .object({ dryRun: z.literal(true), events: z.array(EventPreview) })
  .openapi('DryRun');

export const ReconcileQuery = z.object({
  from: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .openapi({ description: 'First district-local date, YYYY-MM-DD' }),
  to: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .openapi({ description: 'Last district-local date, YYYY-MM-DD' }),
  school: z
    .string()
    .regex(/^\d+(,\d+)*$/)
    .optional()
    .openapi({
      description: 'School numbers, comma-separated (default: every building the key may see)',
    }),
});

const ReconcileItem = z
  .object({
    id: z.string(),
    studentName: z.string(),
    studentPsId: z.number().int(),
    schoolNumber: z.number().int(),
    localDate: z.string(),
    localTime: z.string(),
    mode: z.string(),
    state: z.enum(['present', 'missing', 'changed', 'superseded']),
    changes: z
      .array(z.object({ field: z.string(), written: z.string(), now: z.string() }))
      .optional(),
  })
  .openapi('ReconcileItem');

export const ReconcileReportView = z
  .object({
    from: z.string(),
    to: z.string(),
    checkedAt: z.string(),
    checked: z.number().int(),
    present: z.number().int(),
    superseded: z.number().int(),
    missing: z.array(ReconcileItem),
    changed: z.array(ReconcileItem),
  })
  .openapi('Reconciliation');

export const ResendMissingBody = z
  .object({ ids: z.array(z.string().min(1)).min(1).max(500) })
  .openapi('ResendMissing');

export const ResendMissingView = z
  .object({
    resent: z.array(z.string()).openapi({
      description: 'The events put back in the outbox: those still missing when read back again',
    }),
  })
  .openapi('ResendMissingResult');

export const EventPage = z
  .object({
    events: z.array(EventView),
    total: z.number().int(),
    next: z.string().nullable().openapi({
      description: 'The cursor of the next page (pass it as ?cursor=); null on the last page',
    }),
  })
  .openapi('EventPage');

export const EventListQuery = z.object({
  status: z.enum(LOG_STATUS_FILTERS).optional(),
  search: z.string().max(100).optional().openapi({ description: "Part of the student's name" }),
  school: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'must be school numbers separated by commas, e.g. 101,102')
    .optional()
    .openapi({ description: 'Building(s): school numbers, comma-separated' }),
  from: z.string().optional().openapi({ description: 'District-local date YYYY-MM-DD, inclusive' }),
  to: z.string().optional().openapi({ description: 'District-local date YYYY-MM-DD, inclusive' }),
  type: z.enum(EVENT_TYPES).optional(),
  limit: z
    .string()
    .regex(/^\d+$/, 'must be a whole number from 1 to 500')
    .optional()
    .openapi({ description: 'Events per page, 1 to 500 (default 50)' }),
  cursor: z.string().optional().openapi({ description: 'From the previous page\'s "next"' }),
});

export const EventIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

export const SchoolView = z
  .object({
    schoolNumber: z.number().int(),
    name: z.string(),
    writebackEnabled: z.boolean(),
    attendanceMode: z.enum(ATTENDANCE_MODES).nullable(),
    reasons: z
      .object({ lateCheckin: z.array(z.string()), earlyCheckout: z.array(z.string()) })
      .nullable()
      .openapi({ description: 'Attendance codes mapped to each event type; null until imported' }),
    behaviours: z
      .object({
        missedBefore: z.string().optional(),
        missedAfter: z.string().optional(),
        existing: z.enum(EXISTING_POLICIES),
        overwritable: z.array(z.string()),
        returnToSchool: z.enum(RETURN_POLICIES),
        returnCode: z.string().optional(),
      })
      .openapi({
        description:
          "Behaviours beyond the guide (pswb schools behaviours): codes for the periods missed in Meeting mode, what to do with a teacher's existing mark, what a return to school updates",
      }),
  })
  .openapi('School');

export const SchoolList = z.object({ schools: z.array(SchoolView) }).openapi('SchoolList');

export const AlertsSettingsView = z
  .object({
    intervalMinutes: z
      .number()
      .int()
      .openapi({ description: 'At most one digest per this many minutes (1-1440)' }),
    email: z
      .object({
        to: z.array(z.string()),
        from: z.string(),
        smtpHost: z.string().openapi({
          description: 'The SMTP server (scheme, host, port); never its user or password',
        }),
      })
      .nullable(),
    webhook: z
      .object({ url: z.string() })
      .nullable()
      .openapi({ description: 'The webhook; its secret is never returned' }),
    pageUrl: z
      .string()
      .nullable()
      .openapi({ description: "The page's public URL for links; null for the service's own" }),
  })
  .openapi('AlertsSettings');

export const SettingsView = z
  .object({
    powerSchoolUrl: z.string().nullable(),
    clientId: z.string().nullable(),
    clientSecretSet: z.boolean().openapi({ description: 'The secret itself is never returned' }),
    studentIdSource: z.enum(STUDENT_ID_SOURCES).nullable(),
    powerSchoolVersion: z.string().nullable(),
    districtTimezone: z.string().nullable(),
    preventSchoolOverrides: z.boolean(),
    commentTemplate: z.string().nullable().openapi({
      description:
        "The source stamp: att_comment's template ({type}, {date}, {time}, {reason}, {school}, {comment}); null for the default comment",
    }),
    alerts: AlertsSettingsView.nullable().openapi({
      description: 'Failure alerts (email digest, signed webhook), without secrets; null when off',
    }),
  })
  .openapi('Settings');

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ pointer: z.string().optional(), message: z.string() })).optional(),
  })
  .openapi('Problem', { description: 'RFC 9457 problem details' });

export const Health = z
  .object({
    status: z.enum(['ok', 'degraded']),
    db: z.boolean(),
    workers: z.object({ configured: z.number().int(), alive: z.number().int() }),
    queue: z.object({
      pending: z.number().int(),
      sending: z.number().int(),
      oldestPendingAgeSeconds: z.number().nullable(),
    }),
    lastSuccessAt: z.string().nullable(),
    lastRunAt: z.string().nullable(),
  })
  .openapi('Health');
