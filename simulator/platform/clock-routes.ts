/**
 * /__sim/clock: read, set, advance or release the simulator clock. Token expiry and "today"
 * follow it, so tests can cross a token's expiry or a school year without waiting.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { renderPsError } from '../http/errors.ts';
import type { Platform } from './platform.ts';
import { readJsonBody, type BodyRules } from '../http/request-body.ts';
import { routeMounter } from '../http/route-spec.ts';
import { PLATFORM_CONTROL_ROUTES } from './platform-specs.ts';
import { parseOrThrow } from './route-helpers.ts';

const MAX_ADVANCE_SECONDS = 100 * 366 * 24 * 60 * 60;

/** A clock change is a few dozen bytes of JSON. */
const CLOCK_BODY: BodyRules = {
  what: 'the clock change',
  maxBytes: 4 * 1024,
  accept: 'json',
  hint: 'Send {"now": ISO instant, "frozen"?: boolean} or {"advanceSeconds": N}.',
};

const clockChangeSchema = z.union([
  z.strictObject({
    now: z.iso.datetime({
      offset: true,
      message: 'now is an ISO-8601 instant such as 2025-10-03T09:47:00-05:00',
    }),
    frozen: z.boolean().optional(),
  }),
  z.strictObject({
    advanceSeconds: z.number().finite().min(-MAX_ADVANCE_SECONDS).max(MAX_ADVANCE_SECONDS),
  }),
]);

/** The clock routes as a sub-app (mount at /__sim/clock). */
export function clockRoutes(platform: Platform): Hono {
  const app = new Hono();
  app.onError(renderPsError);
  const { clock } = platform;
  const route = routeMounter(app, '/__sim/clock', PLATFORM_CONTROL_ROUTES);
  route('GET', '/__sim/clock', (c) => c.json(clock.describe()));
  const change = async (c: Context): Promise<Response> => {
    const body = parseOrThrow(
      clockChangeSchema,
      await readJsonBody(c, CLOCK_BODY),
      'clock change (send {"now": ISO instant, "frozen"?: boolean} or {"advanceSeconds": N})',
    );
    if ('advanceSeconds' in body) clock.advance(body.advanceSeconds * 1000);
    else clock.set(new Date(body.now), { frozen: body.frozen ?? true });
    return c.json(clock.describe());
  };
  route('PUT', '/__sim/clock', change);
  route('POST', '/__sim/clock', change);
  route('DELETE', '/__sim/clock', (c) => {
    clock.reset();
    return c.json(clock.describe());
  });
  return app;
}
