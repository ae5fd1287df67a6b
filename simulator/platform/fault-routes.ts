/**
 * /__sim/faults: list, add, and remove fault rules. A POST takes one rule or a list as JSON, or
 * lines of the compact text form (text/plain, one rule a line; see fault-flag.ts).
 */
import { Hono, type Context } from 'hono';
import { psError, renderPsError } from '../http/errors.ts';
import { FaultRuleError } from './fault-engine.ts';
import { parseFaultFlag } from './fault-flag.ts';
import { FAULT_ACTION_HELP, type FaultRuleInput } from './fault-rules.ts';
import type { Platform } from './platform.ts';
import { readBodyText, readJsonBody, type BodyRules } from '../http/request-body.ts';
import { routeMounter } from '../http/route-spec.ts';
import { PLATFORM_CONTROL_ROUTES } from './platform-specs.ts';
import { invalidBody } from './route-helpers.ts';

const VALID_RULE_HINT = `A rule is {"method"?: "POST", "path": "/ws/attendance/*", "action": ACTION} or {.., "sequence": [500, 500, "pass"]}, with optional "probability" (0..1), "times" (N) and "id"; ACTION is one of ${FAULT_ACTION_HELP.join(', ')}.`;

/** One rule or a list as JSON, or lines of the compact form as text/plain. */
const FAULT_BODY: BodyRules = {
  what: 'fault rules',
  maxBytes: 256 * 1024,
  accept: ['application/json', 'text/plain'],
  hint: VALID_RULE_HINT,
};

/** The fault rule routes as a sub-app (mount at /__sim/faults). */
export function faultRoutes(platform: Platform): Hono {
  const app = new Hono();
  app.onError((error, c) => {
    if (error instanceof FaultRuleError) {
      return renderPsError(invalidBody('fault rule', error.problems, VALID_RULE_HINT), c);
    }
    return renderPsError(error, c);
  });
  const route = routeMounter(app, '/__sim/faults', PLATFORM_CONTROL_ROUTES);
  route('GET', '/__sim/faults', (c) =>
    c.json({ rules: platform.faults.list(), hung: platform.faults.hungCount }),
  );
  route('POST', '/__sim/faults', async (c) => {
    const inputs = await readRules(c);
    const rules = platform.faults.addMany(inputs);
    return c.json({ rules }, 201);
  });
  route('DELETE', '/__sim/faults', (c) => c.json({ removed: platform.faults.clear() }));
  route('DELETE', '/__sim/faults/:id', (c) => {
    const id = c.req.param('id') ?? '';
    if (!platform.faults.remove(id)) {
      const ids = platform.faults.list().map((rule) => rule.id);
      throw psError(
        404,
        `No fault rule has id "${id}". ${ids.length ? `Rule ids: ${ids.join(', ')}.` : 'There are no rules.'}`,
      );
    }
    return c.json({ removed: 1, id });
  });
  return app;
}

async function readRules(c: Context): Promise<FaultRuleInput[]> {
  const contentType = (c.req.header('content-type') ?? '').toLowerCase();
  if (contentType.startsWith('text/plain')) {
    const lines = (await readBodyText(c, FAULT_BODY))
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    if (lines.length === 0) throw psError(400, `The body holds no rule. ${VALID_RULE_HINT}`);
    return lines.map((line) => parseFaultFlag(line));
  }
  const body = await readJsonBody(c, FAULT_BODY);
  const list = Array.isArray(body) ? body : [body];
  if (list.length === 0) throw psError(400, `The list of rules is empty. ${VALID_RULE_HINT}`);
  return list as FaultRuleInput[];
}
