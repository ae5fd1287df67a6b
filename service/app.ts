/**
 * The HTTP app of `pswb serve`: the ingest API under /api/v1 (what a visitor-management system
 * calls, with an API key), its OpenAPI 3.1 document at /api/openapi.json and reference page at
 * /api/docs, and /healthz and /readyz. Every route calls the connector; none holds writeback
 * logic of its own. Every error is RFC 9457 problem details (./http/problem.ts).
 */
import { z } from '@hono/zod-openapi';
import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import {
  ConnectorError,
  alertsView,
  redactSettings,
  effectiveBehaviours,
  visibleSchools,
  type Actor,
  type Connector,
  type ConnectorSettings,
  type EventType,
  type LogFilter,
  type LogPage,
  type LogStatusFilter,
  type CorrectionResult,
  type EventCorrection,
  type EventVersionRow,
  type ReconcileFilter,
  type ReconcileReport,
  type WritebackEvent,
  type WritebackPreview,
  type WritebackRecord,
  writtenOf,
} from '../connector/index.ts';
import { docsPage, docsAsset } from './docs-page.ts';
import type { AuthVariables } from './http/auth.ts';
import { problem, problemFromError } from './http/problem.ts';
import { visibleRecord } from './visible-record.ts';
import type { AdminEnv } from './web/session.ts';
import {
  AcceptedBody,
  DryRunBody,
  DryRunQuery,
  ReconcileQuery,
  ReconcileReportView,
  ResendMissingBody,
  ResendMissingView,
  EventIdParam,
  EventListQuery,
  EventPage,
  CorrectionView,
  EventCorrectionBody,
  EventView,
  EventsBody,
  Health,
  MAX_BATCH,
  Problem,
  SchoolList,
  SettingsView,
} from './schemas.ts';

/** What the API's middleware puts on the context: the API key and its scope as an actor. */
export type ServiceEnv = { Variables: AuthVariables };

/** The service's health, as /healthz reports it. */
export type HealthReport = z.infer<typeof Health>;

/**
 * The events the API accepts and reads, whichever store holds them: the connector's SQLite log
 * (connectorEvents, the embedded service) or a PostgreSQL database of many districts
 * (service/pg-events.ts). `district` is the API key's district.
 */
export interface EventsPort {
  /** Validates and commits the events, all or none (invalid_event, event_conflict). */
  accept(district: string, items: readonly unknown[]): Promise<{ id: string; created: boolean }[]>;
  /** The event, or undefined when there is none or the actor may not see its building. */
  record(district: string, actor: Actor, id: string): Promise<WritebackRecord | undefined>;
  /** A page of the Writeback Logs as the actor may see them. */
  logs(district: string, actor: Actor, filter: LogFilter): Promise<LogPage>;
  /** Puts a failed or not-attempted event back in the outbox (event_not_resendable else). */
  resend(district: string, actor: Actor, id: string): Promise<WritebackRecord>;
  /** The district's settings (schools, modes, reasons; secrets are redacted by the routes). */
  settings(district: string): Promise<ConnectorSettings>;
  /**
   * A dry run of events in the district (every lookup made, nothing stored or posted); absent:
   * the connector's.
   */
  preview?(district: string, items: readonly unknown[]): Promise<WritebackPreview[]>;
  /**
   * Corrects or cancels a stored event (what it wrote is removed from PowerSchool first, the
   * version before is kept), and audits it as `auditedAs` (default `by`); absent: the
   * connector's, audited by the caller.
   */
  correct?(
    district: string,
    actor: Actor,
    id: string,
    change: EventCorrection,
    by: string,
    auditedAs?: string,
  ): Promise<CorrectionResult>;
  cancel?(
    district: string,
    actor: Actor,
    id: string,
    by: string,
    auditedAs?: string,
  ): Promise<CorrectionResult>;
  /** The stored event as accepted (or last corrected), when the actor may see it. */
  stored?(district: string, actor: Actor, id: string): Promise<WritebackEvent | undefined>;
  /** An event's earlier versions, oldest first (none when the actor may not see it). */
  versions?(district: string, actor: Actor, id: string): Promise<EventVersionRow[]>;
  /** Reads back from PowerSchool what the range's successful events wrote (the Check). */
  reconcile?(district: string, actor: Actor, filter: ReconcileFilter): Promise<ReconcileReport>;
  /** Puts the events still missing from PowerSchool back in the outbox; their ids. */
  resendMissing?(district: string, actor: Actor, ids: readonly string[]): Promise<string[]>;
  /** A dry run of a stored event the actor may see; undefined when there is none. */
  previewStored?(district: string, actor: Actor, id: string): Promise<WritebackPreview | undefined>;
}

/** The embedded service's events: the connector of the saved connection (one district). */
export function connectorEvents(
  connector: () => Connector,
  settings: () => ConnectorSettings,
): EventsPort {
  return {
    async accept(_district, items) {
      return connector().enqueue(items).events;
    },
    async record(_district, actor, id) {
      return visibleRecord(connector(), actor, id);
    },
    async logs(_district, actor, filter) {
      return connector().logs(actor, filter);
    },
    async resend(_district, actor, id) {
      return connector().resend(actor, id);
    },
    async settings() {
      return settings();
    },
  };
}

export interface ServiceAppOptions {
  /** The connector of the saved connection; throws not_connected (503) while none is saved. */
  connector: () => Connector;
  /** Where events are accepted and read (default: connectorEvents of `connector`). */
  events?: EventsPort;
  /** The connector's settings now (schools, reasons, the connection). */
  settings: () => ConnectorSettings;
  /** Checks the API key and sets c.var.actor; answers 401 itself. */
  authenticate: MiddlewareHandler<ServiceEnv>;
  /** Runs after authenticate (a per-key rate limit); optional. */
  rateLimit?: MiddlewareHandler<ServiceEnv>;
  /** Called after events were committed, to wake the worker. */
  onAccepted: () => void;
  health: () => HealthReport | Promise<HealthReport>;
  /** Runs first on every request (the request log). */
  requestLog?: MiddlewareHandler;
  /** Refuses a request body larger than this with 413 (default 2 MiB: 500 events fit in ~300 KB). */
  maxBodyBytes?: number;
  /** The PowerSchool Setup page (/login, /admin), served beside the API. */
  admin?: Hono<AdminEnv>;
}

const problemResponses = {
  400: {
    description: 'The request is malformed',
    content: { 'application/problem+json': { schema: Problem } },
  },
  401: {
    description: 'No valid API key',
    content: { 'application/problem+json': { schema: Problem } },
  },
  404: {
    description: 'No such event (or not one of your buildings)',
    content: { 'application/problem+json': { schema: Problem } },
  },
  409: {
    description: 'Conflicts with what is stored',
    content: { 'application/problem+json': { schema: Problem } },
  },
  413: {
    description: 'The body is too large',
    content: { 'application/problem+json': { schema: Problem } },
  },
  415: {
    description: 'The body is not JSON',
    content: { 'application/problem+json': { schema: Problem } },
  },
  422: {
    description: 'The events are not valid (each problem named)',
    content: { 'application/problem+json': { schema: Problem } },
  },
  429: {
    description: 'Too many requests for this key (Retry-After)',
    content: { 'application/problem+json': { schema: Problem } },
  },
  403: {
    description: 'Not allowed for this API key (another building)',
    content: { 'application/problem+json': { schema: Problem } },
  },
  502: {
    description: "PowerSchool refused or failed a call the request needed (PowerSchool's words)",
    content: { 'application/problem+json': { schema: Problem } },
  },
} as const;

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const postEvents = createRoute({
  method: 'post',
  path: '/api/v1/events',
  tags: ['events'],
  summary: 'Hand over one event or a batch of up to 500',
  description:
    'Answers only once every event is durable in the outbox; the worker writes it to PowerSchool seconds later. Idempotent by event id: the same id with the same contents answers 200 with the stored event; with other contents, 409 naming the fields that differ. A batch is accepted all or none. With ?dry_run=true nothing is stored or posted: the answer (200) is the record each event would be posted as now, every lookup made against PowerSchool, or why it would fail.',
  security: [{ apiKey: [] }],
  request: {
    query: DryRunQuery,
    body: { required: true, content: { 'application/json': { schema: EventsBody } } },
  },
  responses: {
    200: json(
      z.union([AcceptedBody, DryRunBody]),
      'Every event was already accepted with these contents; or, with dry_run=true, what each event would do (nothing stored or posted)',
    ),
    202: json(AcceptedBody, 'Accepted: each event with its status URL'),
    ...pick(problemResponses, [400, 401, 409, 413, 415, 422, 429]),
  },
});

const getEvent = createRoute({
  method: 'get',
  path: '/api/v1/events/{id}',
  tags: ['events'],
  summary: "One event: its status, PowerSchool's error, what it means and how to fix it",
  security: [{ apiKey: [] }],
  request: { params: EventIdParam },
  responses: { 200: json(EventView, 'The event'), ...pick(problemResponses, [401, 404, 429]) },
});

const listEvents = createRoute({
  method: 'get',
  path: '/api/v1/events',
  tags: ['events'],
  summary: 'The Writeback Logs: filtered, newest first, a page at a time',
  security: [{ apiKey: [] }],
  request: { query: EventListQuery },
  responses: {
    200: json(EventPage, 'A page of events'),
    ...pick(problemResponses, [400, 401, 422, 429]),
  },
});

const resendEvent = createRoute({
  method: 'post',
  path: '/api/v1/events/{id}/resend',
  tags: ['events'],
  summary: 'Send a Failed or Not attempted event again, after fixing its cause',
  description:
    'Puts the event back in the outbox (its student, period and codes are looked up again); the worker writes it. 409 when the event is not Failed or Not attempted.',
  security: [{ apiKey: [] }],
  request: { params: EventIdParam },
  responses: {
    202: json(EventView, 'Back in the outbox'),
    ...pick(problemResponses, [401, 404, 409, 429]),
  },
});

const correctEventRoute = createRoute({
  method: 'post',
  path: '/api/v1/events/{id}/correct',
  tags: ['events'],
  summary: 'Correct a stored event (student, time, reason, type) and send it again',
  description:
    'What the event wrote is removed from PowerSchool first (a Daily or Meeting record by DELETE, which PowerSchool may refuse: 502 remove_refused, nothing changed; a Time record voided with 0 minutes), the version before is kept in its history, the change is audited, and the corrected event goes back in the outbox (202). 409 while the event is being written.',
  security: [{ apiKey: [] }],
  request: {
    params: EventIdParam,
    body: { content: { 'application/json': { schema: EventCorrectionBody } }, required: true },
  },
  responses: {
    202: json(CorrectionView, 'Corrected, back in the outbox'),
    ...pick(problemResponses, [401, 403, 404, 409, 422, 429, 502]),
  },
});

const cancelEventRoute = createRoute({
  method: 'post',
  path: '/api/v1/events/{id}/cancel',
  tags: ['events'],
  summary: 'Cancel a stored event: remove what it wrote from PowerSchool',
  description:
    'Removes what the event wrote, as a correction does, keeps it as it was in its history, and marks it Cancelled (status not_attempted, error code cancelled). Audited.',
  security: [{ apiKey: [] }],
  request: { params: EventIdParam },
  responses: {
    200: json(CorrectionView, 'Cancelled'),
    ...pick(problemResponses, [401, 404, 409, 422, 429, 502]),
  },
});

const listSchools = createRoute({
  method: 'get',
  path: '/api/v1/schools',
  tags: ['setup'],
  summary:
    'School Building Setup: each school the key may see, its writeback status, mode and reasons',
  security: [{ apiKey: [] }],
  responses: { 200: json(SchoolList, 'The schools'), ...pick(problemResponses, [401, 429]) },
});

const getSettings = createRoute({
  method: 'get',
  path: '/api/v1/settings',
  tags: ['setup'],
  summary: 'The Settings tab, without the Client Secret',
  security: [{ apiKey: [] }],
  responses: { 200: json(SettingsView, 'The settings'), ...pick(problemResponses, [401, 429]) },
});

const getReconciliation = createRoute({
  method: 'get',
  path: '/api/v1/reconciliation',
  tags: ['events'],
  summary: 'Read back what pswb wrote over a date range: each record missing or changed since',
  description:
    "Reads each successful event's record back from PowerSchool (one call per student and day): present, missing (deleted or never kept), changed (another code or other minutes; each field named), or superseded (replaced by a later writeback of the same record). Up to 20,000 events per check.",
  security: [{ apiKey: [] }],
  request: { query: ReconcileQuery },
  responses: {
    200: json(ReconcileReportView, 'The report'),
    ...pick(problemResponses, [401, 404, 422, 429]),
  },
});

const postResendMissing = createRoute({
  method: 'post',
  path: '/api/v1/reconciliation/resend',
  tags: ['events'],
  summary: 'Write again the events whose records are missing from PowerSchool',
  description:
    'Each event is read back again first; only those still missing go back to the outbox (so a record restored meanwhile is not written twice). 404 for an id that is not a successful event of your buildings.',
  security: [{ apiKey: [] }],
  request: {
    body: { required: true, content: { 'application/json': { schema: ResendMissingBody } } },
  },
  responses: {
    202: json(ResendMissingView, 'The events put back in the outbox'),
    ...pick(problemResponses, [400, 401, 404, 422, 429]),
  },
});

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['health'],
  summary: 'The log database, the workers, the queue depth and age, the last success',
  responses: {
    200: json(Health, 'Healthy'),
    503: json(Health, 'The database cannot be read, or no worker is alive'),
  },
});

/** Builds the app. */
export function createServiceApp(options: ServiceAppOptions): OpenAPIHono<ServiceEnv> {
  const connector = options.connector;
  const events = options.events ?? connectorEvents(connector, options.settings);
  const maxBodyBytes = options.maxBodyBytes ?? 2 * 1024 * 1024;
  const app = new OpenAPIHono<ServiceEnv>({
    // A request that does not match its schema (a bad query or path value): 422 naming each.
    defaultHook: (result, c) => {
      if (result.success) return;
      return problem(c, 422, {
        title: 'The request is not valid',
        detail: result.error.issues
          .map((issue) => `${issue.path.join('.') || 'request'}: ${issue.message}`)
          .join('; '),
        errors: result.error.issues.map((issue) => ({
          pointer: `/${issue.path.join('/')}`,
          message: issue.message,
        })),
      });
    },
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key from `pswb keys create`',
  });

  app.onError((error, c) => problemFromError(c, error));
  if (options.requestLog) app.use('*', options.requestLog);

  app.openapi(healthz, async (c) => {
    const report = await options.health();
    return c.json(report, report.status === 'ok' ? 200 : 503);
  });
  app.get('/readyz', async (c) => {
    const report = await options.health();
    return report.db
      ? c.json({ ready: true })
      : problem(c, 503, { title: 'Not ready', detail: 'The log database cannot be read.' });
  });

  app.use('/api/v1/*', options.authenticate);
  if (options.rateLimit) app.use('/api/v1/*', options.rateLimit);
  app.use('/api/v1/events', async (c, next) => {
    if (c.req.method !== 'POST') return next();
    const type = c.req.header('content-type') ?? '';
    if (!/^application\/(.+\+)?json\b/i.test(type)) {
      return problem(c, 415, {
        title: 'The body must be JSON',
        detail: `Send the events as application/json; this request's Content-Type is ${type ? `"${type}"` : 'missing'}.`,
      });
    }
    const declared = Number(c.req.header('content-length'));
    if (Number.isFinite(declared) && declared > maxBodyBytes) return tooLarge(c, maxBodyBytes);
    const text = await c.req.text();
    if (Buffer.byteLength(text) > maxBodyBytes) return tooLarge(c, maxBodyBytes);
    return next();
  });

  // Documented from EventsBody, and checked by the connector against the same EventSchema (all
  // or none, each bad event named by its position): a second check of every event by the route's
  // validator would only parse each one again (docs/benchmarks.md, figure 7).
  app.openAPIRegistry.registerPath(postEvents);
  app.post('/api/v1/events', async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return problem(c, 400, {
        title: 'The request is malformed',
        detail:
          'The body is not valid JSON. Send one event object, or an array of events, as application/json.',
      });
    }
    const items = batchOf(body);
    refuseForeignBuildings(c.var.actor, items);
    const dryRun = c.req.query('dry_run');
    if (dryRun !== undefined && dryRun !== 'true' && dryRun !== 'false') {
      throw new ConnectorError('invalid_filter', `dry_run must be true or false; got "${dryRun}".`);
    }
    if (dryRun === 'true') {
      const previews = events.preview
        ? await events.preview(c.var.apiKey.district, items)
        : await connector().preview(items);
      return c.json({ dryRun: true as const, events: previews }, 200);
    }
    const district = c.var.apiKey.district;
    const accepted = await events.accept(district, items);
    const created = accepted.filter((event) => event.created).length;
    if (created > 0) options.onAccepted();
    const views = [];
    for (const { id, created: isNew } of accepted) {
      views.push({
        id,
        // A new event waits in the outbox; one accepted before shows where it is now.
        status: isNew ? 'pending' : (await findRecord(events, district, c.var.actor, id)).status,
        created: isNew,
        links: { self: eventPath(id) },
      });
    }
    return c.json(
      { accepted: created, events: views },
      created > 0 ? 202 : 200,
      created > 0 && accepted.length === 1 ? { location: eventPath(accepted[0]!.id) } : {},
    );
  });

  app.openapi(getEvent, async (c) => {
    const id = c.req.valid('param').id;
    const record = await findRecord(events, c.var.apiKey.district, c.var.actor, id);
    return c.json(eventView(record), 200);
  });

  app.openapi(listEvents, async (c) => {
    const query = c.req.valid('query');
    const limit = query.limit === undefined ? 50 : Number(query.limit);
    if (limit < 1 || limit > 500) {
      throw new ConnectorError('invalid_filter', `limit must be 1 to 500; got ${limit}.`);
    }
    const page = query.cursor === undefined ? 1 : decodeCursor(query.cursor);
    const filter: LogFilter = {
      ...(query.status ? { status: query.status as LogStatusFilter } : {}),
      ...(query.type ? { type: query.type as EventType } : {}),
      ...(query.search ? { search: query.search } : {}),
      ...(query.school ? { school: query.school.split(',').map(Number) } : {}),
      ...(query.from ? { from: query.from } : {}),
      ...(query.to ? { to: query.to } : {}),
      page,
      pageSize: limit,
    };
    const result = await events.logs(c.var.apiKey.district, c.var.actor, filter);
    return c.json(
      {
        events: result.records.map(eventView),
        total: result.total,
        next: page < result.pages ? encodeCursor(page + 1) : null,
      },
      200,
    );
  });

  app.openapi(resendEvent, async (c) => {
    const id = c.req.valid('param').id;
    const record = await events.resend(c.var.apiKey.district, c.var.actor, id);
    options.onAccepted();
    return c.json(eventView(record), 202);
  });

  app.openapi(correctEventRoute, async (c) => {
    const id = c.req.valid('param').id;
    const key = c.var.apiKey;
    const by = `API key ${key.id} (${key.name})`;
    if (events.correct) {
      const done = await events.correct(key.district, c.var.actor, id, c.req.valid('json'), by);
      return c.json({ event: eventView(done.record), removed: done.removed }, 202);
    }
    const done = await connector().correct(c.var.actor, id, c.req.valid('json'), by);
    connector().store.audit.record({
      at: new Date(),
      actor: by,
      action: 'event.correct',
      target: `event ${id}`,
      before: done.before,
      after: done.after,
    });
    options.onAccepted();
    return c.json({ event: eventView(done.record), removed: done.removed }, 202);
  });

  app.openapi(cancelEventRoute, async (c) => {
    const id = c.req.valid('param').id;
    const key = c.var.apiKey;
    const by = `API key ${key.id} (${key.name})`;
    if (events.cancel) {
      const done = await events.cancel(key.district, c.var.actor, id, by);
      return c.json({ event: eventView(done.record), removed: done.removed }, 200);
    }
    const done = await connector().cancel(c.var.actor, id, by);
    connector().store.audit.record({
      at: new Date(),
      actor: by,
      action: 'event.cancel',
      target: `event ${id}`,
      before: null,
      after: { removed: done.removed },
    });
    return c.json({ event: eventView(done.record), removed: done.removed }, 200);
  });

  app.openapi(getReconciliation, async (c) => {
    const query = c.req.valid('query');
    const filter = {
      from: query.from,
      to: query.to,
      ...(query.school ? { school: query.school.split(',').map(Number) } : {}),
    };
    const report = events.reconcile
      ? await events.reconcile(c.var.apiKey.district, c.var.actor, filter)
      : await connector().reconcile(c.var.actor, filter);
    return c.json(report, 200);
  });

  app.openapi(postResendMissing, async (c) => {
    const ids = c.req.valid('json').ids;
    const resent = events.resendMissing
      ? await events.resendMissing(c.var.apiKey.district, c.var.actor, ids)
      : await connector().resendMissing(c.var.actor, ids);
    if (resent.length > 0) options.onAccepted();
    return c.json({ resent }, 202);
  });

  app.openapi(listSchools, async (c) => {
    const settings = await events.settings(c.var.apiKey.district);
    const visible = visibleSchools(c.var.actor);
    const schools = Object.values(settings.schools)
      .filter((school) => !visible || visible.includes(school.schoolNumber))
      .sort((a, b) => a.schoolNumber - b.schoolNumber)
      .map((school) => {
        const reasons = settings.reasons[String(school.schoolNumber)];
        return {
          schoolNumber: school.schoolNumber,
          name: school.name,
          writebackEnabled: school.enabled,
          attendanceMode: school.mode ?? null,
          behaviours: effectiveBehaviours(settings, school.schoolNumber),
          reasons: reasons
            ? { lateCheckin: reasons.lateCheckin, earlyCheckout: reasons.earlyCheckout }
            : null,
        };
      });
    return c.json({ schools }, 200);
  });

  app.openapi(getSettings, async (c) => {
    const settings = redactSettings(await events.settings(c.var.apiKey.district));
    return c.json(
      {
        powerSchoolUrl: settings.connection?.url ?? null,
        clientId: settings.connection?.clientId ?? null,
        clientSecretSet: Boolean(settings.connection?.clientSecret),
        studentIdSource: settings.connection?.studentIdSource ?? null,
        powerSchoolVersion: settings.powerschoolVersion ?? null,
        districtTimezone: settings.districtTimezone ?? null,
        preventSchoolOverrides: settings.preventSchoolOverrides,
        commentTemplate: settings.commentTemplate ?? null,
        alerts: alertsView(settings.alerts),
      },
      200,
    );
  });

  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'pswb ingest API',
      version: '1',
      description:
        'Hand late check-ins and early check-outs to pswb; it writes each to PowerSchool as an attendance record seconds later. Every error is RFC 9457 problem details.',
    },
  });
  app.get('/api/docs', (c) => c.html(docsPage('/api/openapi.json')));
  app.get('/api/docs/assets/:file', (c) => docsAsset(c, c.req.param('file')));

  if (options.admin) {
    app.route('/', options.admin as unknown as Hono<ServiceEnv>);
    app.get('/', (c) => c.redirect('/admin', 302));
  }

  app.notFound((c) =>
    problem(c, 404, {
      title: 'No such route',
      detail: `${c.req.method} ${c.req.path} is not a route of this service; the API is described at /api/openapi.json (and /api/docs).`,
    }),
  );
  return app;
}

/** The body's events: one event or an array of 1 to MAX_BATCH; anything else is refused. */
function batchOf(body: unknown): unknown[] {
  if (Array.isArray(body)) {
    if (body.length === 0 || body.length > MAX_BATCH) {
      throw new ConnectorError(
        'invalid_event',
        `A batch holds 1 to ${MAX_BATCH} events; this one holds ${body.length}. Split it into requests of at most ${MAX_BATCH}.`,
      );
    }
    return body;
  }
  if (body !== null && typeof body === 'object') return [body];
  throw new ConnectorError(
    'invalid_event',
    'The body must be one event (a JSON object) or an array of events; see /api/docs for the event shape.',
  );
}

/** The event's URL. */
function eventPath(id: string): string {
  return `/api/v1/events/${encodeURIComponent(id)}`;
}

function tooLarge(c: Context, limit: number): Response {
  return problem(c, 413, {
    title: 'The body is too large',
    detail: `A request body may be at most ${limit} bytes; send at most ${MAX_BATCH} events per request.`,
  });
}

/**
 * A building-scoped key may hand over events of its own buildings only: an event of another is
 * refused before anything is stored (403, naming the schools it may send).
 */
function refuseForeignBuildings(actor: Actor, items: readonly unknown[]): void {
  const allowed = visibleSchools(actor);
  if (!allowed) return;
  items.forEach((item, index) => {
    const school = Number(
      (item as { student?: { schoolNumber?: unknown } })?.student?.schoolNumber,
    );
    if (Number.isFinite(school) && !allowed.includes(school)) {
      throw new ConnectorError(
        'permission_denied',
        `Event ${index + 1} is for school ${school}; this API key may send events of school(s) ${allowed.join(', ')} only.`,
      );
    }
  });
}

/**
 * The event, or event_not_found (also for a building the caller may not see, or another
 * district's event: ids do not leak).
 */
async function findRecord(
  events: EventsPort,
  district: string,
  actor: Actor,
  id: string,
): Promise<WritebackRecord> {
  const record = await events.record(district, actor, id);
  if (record) return record;
  throw new ConnectorError('event_not_found', `No event with id "${id}" in the log.`);
}

/** A stored record as the API shows it. */
export function eventView(record: WritebackRecord): z.infer<typeof EventView> {
  const written = writtenOf(record);
  return {
    id: record.id,
    type: record.type,
    status: record.status,
    student: {
      name: record.studentName,
      dcid: record.studentDcid,
      psId: record.studentPsId,
      grade: record.grade,
      schoolNumber: record.schoolNumber,
    },
    occurredAt: record.occurredAt,
    localDate: record.localDate,
    localTime: record.localTime,
    reason: record.reason,
    runs: record.runs,
    retryAt: record.retryAt ?? null,
    acceptedAt: record.createdAt,
    completedAt: record.completedAt,
    statusLabel: record.statusLabel,
    error: record.error
      ? {
          code: record.error.code,
          message: record.error.message,
          httpStatus: record.error.status ?? null,
          meaning: record.error.meaning,
          causes: [...record.error.causes],
          resolution: [...record.error.resolution],
        }
      : null,
    records: [...(written.lines ?? [])],
    returnOf: written.returnOf ?? null,
    returnedBy: written.returnedBy ?? null,
    links: { self: eventPath(record.id), resend: `${eventPath(record.id)}/resend` },
  };
}

/** The cursor of a page: opaque to callers (today it carries the page number). */
function encodeCursor(page: number): string {
  return Buffer.from(JSON.stringify({ p: page })).toString('base64url');
}

function decodeCursor(cursor: string): number {
  try {
    const { p } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { p?: unknown };
    if (typeof p === 'number' && Number.isSafeInteger(p) && p >= 1) return p;
  } catch {
    // Falls through to the refusal.
  }
  throw new ConnectorError(
    'invalid_filter',
    'The cursor is not one this API gave: pass the "next" value of the previous page as it is.',
  );
}

function pick<T extends Record<number, unknown>, K extends keyof T>(
  source: T,
  keys: readonly K[],
): Pick<T, K> {
  return Object.fromEntries(keys.map((key) => [key, source[key]])) as Pick<T, K>;
}
