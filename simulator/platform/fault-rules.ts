/**
 * Fault rules: what the simulator does instead of (or before) answering normally. Only for what
 * data cannot cause (5xx, 429, resets, latency, hangs, a revoked token); every documented
 * PowerSchool error comes from the district's data instead.
 */
import { z } from 'zod';

/** HTTP methods a rule may name; "*" matches any. */
export const FAULT_METHODS = ['*', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'] as const;
export type FaultMethod = (typeof FAULT_METHODS)[number];

/** The kinds of fault, as `action.type`. */
export const FAULT_ACTION_TYPES = [
  'status',
  'latency',
  'reset',
  'hang',
  'rate_limit',
  'revoke_token',
] as const;
export type FaultActionType = (typeof FAULT_ACTION_TYPES)[number];

const MAX_LATENCY_MS = 600_000;
const latencyMs = z.number().int().min(0).max(MAX_LATENCY_MS);

const statusActionSchema = z.strictObject({
  type: z.literal('status'),
  status: z.number().int().min(200).max(599),
  body: z.unknown().optional(),
  headers: z.record(z.string(), z.string()).optional(),
});

const latencyActionSchema = z.strictObject({
  type: z.literal('latency'),
  ms: z.union([
    latencyMs,
    z
      .tuple([latencyMs, latencyMs])
      .refine(([min, max]) => min <= max, 'a latency range is [min, max] with min <= max'),
  ]),
});

const rateLimitActionSchema = z.strictObject({
  type: z.literal('rate_limit'),
  retryAfterSeconds: z.number().int().min(0).max(86_400).default(1),
});

/** One fault action, validated. */
export const faultActionSchema = z.discriminatedUnion('type', [
  statusActionSchema,
  latencyActionSchema,
  z.strictObject({ type: z.literal('reset') }),
  z.strictObject({ type: z.literal('hang') }),
  rateLimitActionSchema,
  z.strictObject({ type: z.literal('revoke_token') }),
]);
export type FaultAction = z.infer<typeof faultActionSchema>;

/** A sequence step: an action, "pass" (answer normally), or a bare status code (500). */
const sequenceStepSchema = z.union([
  z.literal('pass'),
  z
    .number()
    .int()
    .min(200)
    .max(599)
    .transform((status): FaultAction => ({ type: 'status', status })),
  faultActionSchema,
]);
export type FaultStep = FaultAction | 'pass';

/** A rule as POSTed to /__sim/faults (or built by parseFaultFlag). */
export const faultRuleInputSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'an id is 1-64 letters, digits, "_", "." or "-"')
      .optional(),
    method: z
      .string()
      .transform((method) => method.toUpperCase())
      .pipe(z.enum(FAULT_METHODS))
      .default('*'),
    path: z
      .string()
      .min(1)
      .max(500)
      .refine(
        (path) => path.startsWith('/') || path === '*' || path === '**',
        'a path glob starts with "/" (e.g. "/ws/attendance/*", "/ws/**"), or is "*" or "**"',
      ),
    action: faultActionSchema.optional(),
    sequence: z.array(sequenceStepSchema).min(1).max(1000).optional(),
    probability: z.number().min(0).max(1).optional(),
    times: z.number().int().min(1).optional(),
  })
  .refine((rule) => (rule.action === undefined) !== (rule.sequence === undefined), {
    message: 'give exactly one of "action" or "sequence"',
    path: ['action'],
  });
export type FaultRuleInput = z.input<typeof faultRuleInputSchema>;
export type ValidFaultRuleInput = z.output<typeof faultRuleInputSchema>;

/** A rule held by the engine, with its counters. */
export interface FaultRule {
  id: string;
  method: FaultMethod;
  path: string;
  action?: FaultAction;
  sequence?: FaultStep[];
  probability?: number;
  times?: number;
  /** Requests whose method and path matched while the rule was active. */
  matched: number;
  /** Requests the rule acted on (each sequence step counts, "pass" included). */
  hits: number;
  /** True once `times` hits are used up or the sequence has run out. */
  exhausted: boolean;
}

/** One line per action type, for error messages and --help. */
export const FAULT_ACTION_HELP = [
  '{"type":"status","status":500,"body"?:any,"headers"?:{..}}',
  '{"type":"latency","ms":200} or {"type":"latency","ms":[50,200]}',
  '{"type":"reset"}',
  '{"type":"hang"}',
  '{"type":"rate_limit","retryAfterSeconds":2}',
  '{"type":"revoke_token"}',
] as const;
