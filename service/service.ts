/**
 * `pswb serve` as a library: opens a data directory's connector, serves the ingest API and the
 * PowerSchool Setup page on a port, runs the outbox workers, and stops gracefully (no new events, the runs in flight put back what
 * they had not finished, the database closed). Logs are JSON lines through `log`, never with a
 * secret, a key or a student name.
 */
import { serve, type ServerType } from '@hono/node-server';
import {
  ConnectorError,
  DISTRICT_ADMIN,
  openWorkspace,
  requireConnection,
  type Connector,
  type FinishedEvent,
  type OutboxDepth,
  type Workspace,
  type WritebackStore,
} from '../connector/index.ts';
import { AlertNotifier, type AlertTimers } from './alerts.ts';
import { createServiceApp, type HealthReport } from './app.ts';
import { requireApiKey } from './http/auth.ts';
import { rateLimit } from './http/rate-limit.ts';
import { requestLog, type LogLine } from './log.ts';
import { createAdminApp } from './web/app.ts';
import { Reconciler } from './reconciler.ts';
import { OutboxWorker } from './worker.ts';

export interface ServiceOptions {
  /** The data directory (settings, connector.db with the outbox, the log and the API keys). */
  dataDir?: string;
  port?: number;
  host?: string;
  /** Outbox workers in this process (default 1; 0 serves the API only). */
  workers?: number;
  /** The longest a worker waits when not woken (default 2000 ms). */
  pollMs?: number;
  /** Requests per second per API key, and the burst (defaults 200 and 400). */
  rate?: { perSecond: number; burst: number };
  /** Where log lines go (default: nowhere). */
  log?: (line: LogLine) => void;
  /**
   * The URL users and links reach the service at, when it is not the listening address (a
   * TLS-terminating proxy in front): https makes the page's cookies Secure, and alert links use it.
   */
  publicUrl?: string;
  /** How often the scheduled reconciliation runs (default 24 h; 0: never). */
  reconcileEveryMs?: number;
  now?: () => Date;
  /** The failure alerts' timers (tests inject their own; default setTimeout). */
  alertTimers?: AlertTimers;
}

/** A running service. */
export interface RunningService {
  url: string;
  port: number;
  workers: number;
  /** The connector of the saved connection (undefined before one is saved). */
  connector(): Connector | undefined;
  /** connector.db: the outbox and log, API keys, users, sessions, the audit log. */
  store: WritebackStore;
  /** Runs the scheduled reconciliation now; its report shows on the page's Check tab. */
  reconcile(): Promise<void>;
  health(): HealthReport;
  /** The failure alerts (service/alerts.ts): failed writebacks waiting for their digest. */
  alerts: AlertNotifier;
  /** Stops taking requests, stops the workers (their unfinished events go back), closes the db. */
  stop(): Promise<void>;
}

/**
 * Starts the service. Without a saved connection it still serves the page (a district admin
 * saves the connection on the Settings tab; the workers start writing once one is saved) and
 * the API answers 503 not_connected.
 */
export async function startService(options: ServiceOptions = {}): Promise<RunningService> {
  const log = options.log ?? (() => undefined);
  const now = options.now ?? (() => new Date());
  const workspace: Workspace = await openWorkspace({
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
  });
  let server: ServerType | undefined;
  try {
    const store = workspace.store();
    // The connector of the saved connection, rebuilt when the Settings tab saves a new one.
    const connector = (): Connector | undefined => {
      if (!workspace.settings.get().connection) return undefined;
      return workspace.connector();
    };
    const requireConnector = (): Connector => {
      const current = connector();
      if (current) return current;
      throw new ConnectorError(
        'not_connected',
        'This service has no PowerSchool connection yet: a district admin saves it on the Settings tab of the page (/admin/settings), or run pswb connect.',
      );
    };
    const workerCount = options.workers ?? 1;
    let serviceUrl = '';
    const alerts = new AlertNotifier({
      settings: () => workspace.settings.get(),
      row: (id) => store.get(id),
      serviceUrl: () => options.publicUrl?.replace(/\/+$/, '') ?? serviceUrl,
      log,
      now,
      ...(options.alertTimers ? { timers: options.alertTimers } : {}),
    });
    const onOutcome = (outcome: FinishedEvent): void => {
      log({
        level: outcome.state === 'failed' ? 'warn' : 'info',
        msg: 'writeback',
        event: outcome.id,
        school: outcome.schoolNumber,
        outcome: outcome.state,
        ...(outcome.errorCode ? { code: outcome.errorCode } : {}),
        latencyMs: Date.parse(outcome.finishedAt) - Date.parse(outcome.acceptedAt),
      });
      if (outcome.state === 'failed') alerts.notify(outcome);
    };
    const workers = Array.from(
      { length: workerCount },
      () =>
        new OutboxWorker(connector, {
          ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
          now,
          onOutcome,
          onError: (error) =>
            log({
              level: 'error',
              msg: 'worker run failed',
              error: error instanceof Error ? error.message : String(error),
            }),
        }),
    );
    const wake = (): void => workers.forEach((worker) => worker.wake());
    const reconciler = new Reconciler({
      reconcile: (filter) => connector()?.reconcile(DISTRICT_ADMIN, filter),
      zone: () => workspace.settings.get().districtTimezone ?? 'UTC',
      everyMs: options.reconcileEveryMs ?? 24 * 3_600_000,
      now,
      log,
    });
    const health = (): HealthReport => healthOf(store, workers, now());
    const app = createServiceApp({
      connector: requireConnector,
      settings: () => workspace.settings.get(),
      authenticate: requireApiKey({
        keys: store.keys,
        district: () => requireConnection(workspace.settings.get()).url,
        now,
      }),
      rateLimit: rateLimit({
        ratePerSecond: options.rate?.perSecond ?? 200,
        burst: options.rate?.burst ?? 400,
        now: () => now().getTime(),
      }),
      onAccepted: wake,
      health,
      requestLog: requestLog(log),
      admin: createAdminApp({
        ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
        settings: workspace.settings,
        store: () => store,
        connector,
        reconnect: () => {
          workspace.reconnect();
          wake();
        },
        wake,
        health,
        now,
        lastCheck: () => reconciler.last(),
        alerts,
        onError: (error) =>
          log({
            level: 'error',
            msg: 'page failed',
            error: error instanceof Error ? error.message : String(error),
          }),
      }),
    });
    const listening = await new Promise<{ port: number }>((resolve, reject) => {
      server = serve(
        { fetch: app.fetch, port: options.port ?? 8080, hostname: options.host ?? '127.0.0.1' },
        (info) => resolve(info),
      );
      server.once('error', reject);
    });
    workers.forEach((worker) => worker.start());
    reconciler.start();
    if (store.users.count() === 0) {
      log({
        level: 'warn',
        msg: 'no users yet: create the first district admin with `pswb users add --email you@district.org --role district-admin`, then sign in at /login',
      });
    }
    if (!workspace.settings.get().connection) {
      log({
        level: 'warn',
        msg: 'no PowerSchool connection yet: save it on the page (/admin/settings) or run pswb connect; the API answers 503 until then',
      });
    }
    const host = options.host ?? '127.0.0.1';
    serviceUrl = `http://${host.includes(':') ? `[${host}]` : host}:${listening.port}`;
    let stopping: Promise<void> | undefined;
    return {
      url: serviceUrl,
      port: listening.port,
      workers: workerCount,
      connector: () => connector(),
      store,
      reconcile: () => reconciler.runNow(),
      health,
      alerts,
      stop() {
        stopping ??= (async () => {
          await new Promise<void>((resolve) => server!.close(() => resolve()));
          await reconciler.stop();
          await Promise.all(workers.map((worker) => worker.stop()));
          // The failures still waiting for their digest are sent now (bounded wait).
          await alerts.stop();
          workspace.close();
        })();
        return stopping;
      },
    };
  } catch (error) {
    server?.close();
    workspace.close();
    throw error;
  }
}

/** The health answer: the db readable, workers alive, the queue's depth and age, last success. */
function healthOf(store: WritebackStore, workers: readonly OutboxWorker[], at: Date): HealthReport {
  let queue: OutboxDepth | undefined;
  try {
    queue = store.queue();
  } catch {
    queue = undefined;
  }
  const statuses = workers.map((worker) => worker.status());
  const alive = statuses.filter((status) => status.alive).length;
  const latest = (values: (string | null)[]): string | null =>
    values
      .filter((value): value is string => value !== null)
      .sort()
      .at(-1) ?? null;
  const healthy = queue !== undefined && alive === workers.length;
  return {
    status: healthy ? 'ok' : 'degraded',
    db: queue !== undefined,
    workers: { configured: workers.length, alive },
    queue: {
      pending: queue?.pending ?? 0,
      sending: queue?.sending ?? 0,
      oldestPendingAgeSeconds: queue?.oldestPendingAt
        ? Math.max(0, (at.getTime() - Date.parse(queue.oldestPendingAt)) / 1000)
        : null,
    },
    lastSuccessAt: latest(statuses.map((status) => status.lastSuccessAt)),
    lastRunAt: latest(statuses.map((status) => status.lastRunAt)),
  };
}
