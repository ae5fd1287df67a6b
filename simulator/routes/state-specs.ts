/** The district state control routes in the route table: /__sim/seed, /snapshot and /reset. */
import { z } from 'zod';
import type { RouteSpec } from '../http/route-spec.ts';

const summaryAnswer = z.strictObject({
  name: z.string(),
  timezone: z.string(),
  schools: z.number().int(),
  students: z.number().int(),
  sections: z.number().int(),
  cc: z.number().int(),
  codes: z.number().int(),
  days: z.number().int(),
  attendance: z.number().int(),
});

function control(
  method: RouteSpec['method'],
  path: string,
  summary: string,
  status: number,
  answer: z.ZodType,
  body?: RouteSpec['body'],
): RouteSpec {
  return {
    method,
    path,
    area: 'control',
    auth: 'control',
    summary,
    source: 'pswb control route (docs/simulator.md)',
    answers: { [status]: { description: summary, schema: answer } },
    ...(body ? { body } : {}),
  };
}

/** /__sim/seed, /__sim/snapshot, /__sim/reset. */
export const STATE_ROUTES: readonly RouteSpec[] = [
  control(
    'GET',
    '/__sim/seed',
    'the seed and a summary of the district',
    200,
    z.strictObject({ seed: z.string(), summary: summaryAnswer }),
  ),
  control(
    'GET',
    '/__sim/snapshot',
    'the current district and the saved snapshots',
    200,
    z.strictObject({
      seed: z.string(),
      snapshots: z.array(z.strictObject({ name: z.string(), savedAt: z.string() })),
      district: z.looseObject({ district: z.looseObject({ name: z.string() }) }),
    }),
  ),
  control(
    'POST',
    '/__sim/snapshot',
    'save the district under a name',
    201,
    z.strictObject({ name: z.string(), savedAt: z.string(), summary: summaryAnswer }),
    {
      mediaTypes: ['application/json'],
      schema: z.strictObject({ name: z.string().optional() }),
      description: '{"name": "before-test"}, or {} for "default" (at most 64 KiB).',
    },
  ),
  control(
    'POST',
    '/__sim/reset',
    'restore the seed, a named snapshot, or a given district',
    200,
    z.strictObject({ restored: z.string(), summary: summaryAnswer }),
    {
      mediaTypes: ['application/json'],
      schema: z.union([
        z.strictObject({}),
        z.strictObject({ snapshot: z.string() }),
        z.strictObject({ district: z.looseObject({}) }),
      ]),
      description: '{} | {"snapshot": name} | {"district": DistrictData} (at most 512 MiB).',
    },
  ),
];
