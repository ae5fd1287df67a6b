/**
 * `pswb serve --database`: the ingest API and the PowerSchool Setup page of every district of a
 * PostgreSQL database, with `workers` DistrictWorkers in the same process (0: the API and page
 * only, with `pswb worker` processes elsewhere). Each API key and each signed-in user acts for
 * its own district: an id of another district answers 404, as one of another building does. On
 * PostgreSQL the API accepts events (one or a batch) or dry-runs them, shows one, lists the
 * Writeback Logs, re-sends, corrects or cancels one (the district's connector, made on first
 * use, asks its PowerSchool), and shows the schools and settings; the page serves the overview
 * (a service operator's: every district's outbox and pause), Settings (without the failure
 * alerts), School Building Setup, Reasons, the Writeback Logs (a row's preview, an event's page
 * with its history, correction and cancellation), the Check (a read-back on demand, and every
 * district's on a schedule) and the audit log. Failure alerts are not sent on PostgreSQL yet
 * (decision 084, docs/deploy.md).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { serve, type ServerType } from '@hono/node-server';
import type { Dispatcher } from 'undici';
import {
  ConnectorError,
  DISTRICT_ADMIN,
  SettingsStore,
  saveConnectionSettings,
  sealDistrictSettings,
  systemClock,
  type Connector,
  type Clock,
  type RetryLater,
  type RetryOptions,
  type SecretKeyring,
} from '../connector/index.ts';
import {
  PgApiKeys,
  PgAudit,
  PgDistricts,
  PgOutbox,
  PgSessions,
  PgUsers,
  checkDistrictId,
  checkPostgresSchema,
  connectPostgres,
  addDistrictAudited,
  postgresFailure,
} from '../connector/store/pg/index.ts';
import { createServiceApp, type HealthReport } from './app.ts';
import { DistrictConnectors } from './district-connector.ts';
import { DistrictWorkers } from './district-workers.ts';
import { DistrictReconcilers } from './reconciler.ts';
import { requireApiKey } from './http/auth.ts';
import { rateLimit } from './http/rate-limit.ts';
import { requestLog, type LogLine } from './log.ts';
import { pgEvents } from './pg-events.ts';
import { pgAccounts } from './web/accounts.ts';
import { createAdminApp } from './web/app.ts';
import type { LoginLimiter } from './web/session.ts';

export interface PgServiceOptions {
  databaseUrl: string;
  /** Opens the districts' secrets (the workers need them; the API does not). */
  keyring: SecretKeyring;
  port?: number;
  host?: string;
  /** DistrictWorkers in this process (default 1; 0 serves the API only). */
  workers?: number;
  /** Requests per second per API key, and the burst (defaults 200 and 400). */
  rate?: { perSecond: number; burst: number };
  /** Where users reach the service (an https one makes the page's cookies Secure). */
  publicUrl?: string;
  /** The page's sign-in limits (tests). */
  loginLimiter?: LoginLimiter;
  /** How often every district's writes are read back (default 24 h; 0: never). */
  reconcileEveryMs?: number;
  log?: (line: LogLine) => void;
  clock?: Clock;
  /** The workers' tuning (pswb worker's options) and, for tests, their transport. */
  worker?: {
    pollMs?: number;
    leaseMs?: number;
    concurrency?: number;
    retryLater?: RetryLater;
    connector?: { dispatcher?: Dispatcher; retry?: Partial<RetryOptions> };
  };
}

export interface RunningPgService {
  url: string;
  port: number;
  workers: number;
  health(): Promise<HealthReport>;
  /** Runs the scheduled read-back of every district now; each shows on its Check tab. */
  reconcile(): Promise<void>;
  stop(): Promise<void>;
}

function notOnPostgres(): never {
  throw new ConnectorError(
    'not_on_postgres',
    'This is not served on PostgreSQL yet (docs/deploy.md lists what is).',
  );
}

export async function startPgService(options: PgServiceOptions): Promise<RunningPgService> {
  const log = options.log ?? (() => undefined);
  const clock = options.clock ?? systemClock;
  const url = options.databaseUrl;
  const pool = await connectPostgres(url, { max: 10 }).catch((error: unknown) => {
    throw postgresFailure(error, url);
  });
  let server: ServerType | undefined;
  let connectors: DistrictConnectors | undefined;
  let reconcilers: DistrictReconcilers | undefined;
  const fleet: DistrictWorkers[] = [];
  try {
    await checkPostgresSchema(pool);
    const outbox = new PgOutbox(pool);
    const districts = new PgDistricts(pool);
    const keys = new PgApiKeys(pool);
    const tuning = options.worker ?? {};
    for (let index = 0; index < (options.workers ?? 1); index += 1) {
      fleet.push(
        new DistrictWorkers({
          outbox,
          districts,
          keyring: options.keyring,
          clock,
          concurrency: tuning.concurrency ?? 16,
          pollMs: tuning.pollMs ?? 5_000,
          leaseMs: tuning.leaseMs ?? 60_000,
          ...(tuning.retryLater ? { retryLater: tuning.retryLater } : {}),
          ...(tuning.connector ? { connector: tuning.connector } : {}),
          log: (line) => log({ level: 'info', ...line } as LogLine),
          logRuns: false,
        }),
      );
    }
    const health = async (): Promise<HealthReport> => {
      const queue = await outbox.queue().catch(() => undefined);
      const loops = fleet.flatMap((workers) => workers.status());
      const latest = (values: (string | null)[]): string | null =>
        values
          .filter((value): value is string => value !== null)
          .sort()
          .at(-1) ?? null;
      return {
        status: queue !== undefined ? 'ok' : 'degraded',
        db: queue !== undefined,
        workers: { configured: fleet.length, alive: fleet.length },
        queue: {
          pending: queue?.pending ?? 0,
          sending: queue?.sending ?? 0,
          oldestPendingAgeSeconds: queue?.oldestPendingAt
            ? Math.max(0, (clock.now().getTime() - Date.parse(queue.oldestPendingAt)) / 1000)
            : null,
        },
        lastSuccessAt: latest(loops.map((loop) => loop.lastSuccessAt)),
        lastRunAt: latest(loops.map((loop) => loop.lastRunAt)),
      };
    };
    connectors = new DistrictConnectors(districts, {
      keyring: options.keyring,
      clock,
      concurrency: tuning.concurrency ?? 16,
      ...(tuning.connector ? { transport: tuning.connector } : {}),
    });
    const audit = new PgAudit(pool);
    const events = pgEvents(outbox, districts, () => clock.now(), connectors, audit);
    // The settings tabs' requests run in the user's district: `settings` and `connector` below
    // are that district's, saved back to the database (DistrictConnectors).
    const request = new AsyncLocalStorage<{ district: string; connector: Connector }>();
    reconcilers = new DistrictReconcilers({
      districts,
      events,
      everyMs: options.reconcileEveryMs ?? 24 * 3_600_000,
      now: () => clock.now(),
      log,
    });
    const checks = reconcilers;
    const admin = createAdminApp({
      events,
      accounts: pgAccounts({
        users: new PgUsers(pool),
        sessions: new PgSessions(pool),
        audit,
      }),
      districts: {
        states: () => districts.states(),
        async add(district, user) {
          checkDistrictId(district.id);
          // Checked as the Settings tab checks a connection; its schools come with it.
          const settings = SettingsStore.inMemory();
          const result = await saveConnectionSettings({
            settings,
            actor: DISTRICT_ADMIN,
            input: {
              url: district.url,
              clientId: district.clientId,
              clientSecret: district.clientSecret,
            },
            clock,
          });
          if (!result.saved)
            return { added: false, ...(result.report ? { report: result.report } : {}) };
          const sealed = await sealDistrictSettings(settings.get(), options.keyring);
          await addDistrictAudited(
            pool,
            { id: district.id, name: district.name || district.id, settings: sealed },
            `user:${user.email}`,
            clock.now(),
          );
          return { added: true };
        },
      },
      tabs: ['overview', 'settings', 'schools', 'reasons', 'logs', 'check', 'audit'],
      inDistrict: async (district, next) => {
        const connector = await connectors!.get(district);
        await request.run({ district, connector }, next);
      },
      // No failure alert is sent on PostgreSQL yet: the Settings tab does not offer them.
      alertSettings: false,
      now: () => clock.now(),
      get settings() {
        const scope = request.getStore();
        if (!scope) throw new Error('A district’s settings were read outside its request.');
        return scope.connector.settings;
      },
      connector: () => request.getStore()?.connector,
      // Not on PostgreSQL: a data directory's SQLite log.
      store: notOnPostgres,
      reconnect: () => undefined,
      // A re-send's requeue notifies the workers in its own statement.
      wake: () => undefined,
      lastCheck: () => {
        const district = request.getStore()?.district;
        return district === undefined ? undefined : checks.last(district);
      },
      health: () => {
        throw new ConnectorError(
          'district_not_found',
          'This account’s district is no longer in the database.',
        );
      },
      ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
      ...(options.loginLimiter ? { loginLimiter: options.loginLimiter } : {}),
      onError: (error) =>
        log({
          level: 'error',
          msg: 'page failed',
          error: error instanceof Error ? error.message : String(error),
        }),
    });
    const app = createServiceApp({
      connector: notOnPostgres,
      settings: notOnPostgres,
      events,
      admin,
      authenticate: requireApiKey({ keys, now: () => clock.now() }),
      rateLimit: rateLimit({
        ratePerSecond: options.rate?.perSecond ?? 200,
        burst: options.rate?.burst ?? 400,
        now: () => clock.now().getTime(),
      }),
      // Accepting notifies the workers (in this process and elsewhere) in its own transaction.
      onAccepted: () => undefined,
      health,
      requestLog: requestLog(log),
    });
    const listening = await new Promise<{ port: number }>((resolve, reject) => {
      server = serve(
        { fetch: app.fetch, port: options.port ?? 8080, hostname: options.host ?? '127.0.0.1' },
        (info) => resolve(info),
      );
      server.once('error', reject);
    });
    for (const workers of fleet) await workers.start();
    reconcilers.start();
    const host = options.host ?? '127.0.0.1';
    const serviceUrl = `http://${host.includes(':') ? `[${host}]` : host}:${listening.port}`;
    let stopping: Promise<void> | undefined;
    return {
      url: serviceUrl,
      port: listening.port,
      workers: fleet.length,
      health,
      reconcile: () => checks.runNow(),
      stop() {
        stopping ??= (async () => {
          await new Promise<void>((resolve) => server!.close(() => resolve()));
          await checks.stop();
          await Promise.all(fleet.map((workers) => workers.stop()));
          await connectors?.close();
          await pool.end();
        })();
        return stopping;
      },
    };
  } catch (error) {
    server?.close();
    await Promise.all(fleet.map((workers) => workers.stop().catch(() => undefined)));
    await reconcilers?.stop();
    await connectors?.close();
    await pool.end().catch(() => undefined);
    throw postgresFailure(error, url);
  }
}
