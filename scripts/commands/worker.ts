/**
 * `pswb worker`: writes a district's events from the PostgreSQL outbox to PowerSchool, as many
 * workers at once as you start, on any machines (connector/writeback/pg-run-store.ts, decision
 * 080). It drains what is due, then waits for a NOTIFY of new events (or a poll, for retry times
 * and lapsed leases). Ctrl-C or SIGTERM stops it: what it holds goes back to the outbox. Wiring
 * only.
 */
import {
  DEFAULT_LEASE_MS,
  DEFAULT_RETRY_LATER,
  WORKER_CLAIM,
  ConnectorError,
  pgRunStore,
  requireConnection,
  systemClock,
} from '../../connector/index.ts';
import {
  PgOutbox,
  checkPostgresSchema,
  connectPostgres,
  postgresFailure,
  redactDatabaseUrl,
} from '../../connector/store/pg/index.ts';
import type { CliIO, Command } from '../cli/command.ts';
import { parseIntegerOption, parseOptions } from '../cli/parse-options.ts';
import { stopOnSignals } from '../cli/stop-signal.ts';
import { withWorkspace } from './connector-options.ts';
import { DATABASE_HELP, databaseUrl } from './db.ts';
import { OutboxWorker } from '../../service/worker.ts';

const OPTIONS = {
  'data-dir': { type: 'string' },
  database: { type: 'string' },
  concurrency: { type: 'string' },
  'poll-seconds': { type: 'string' },
  'lease-seconds': { type: 'string' },
  quiet: { type: 'boolean' },
} as const;

async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, OPTIONS);
  const url = databaseUrl(values.database);
  const pollMs =
    parseIntegerOption('poll-seconds', values['poll-seconds'], 5, { min: 1, max: 3600 }) * 1000;
  const leaseMs =
    parseIntegerOption('lease-seconds', values['lease-seconds'], DEFAULT_LEASE_MS / 1000, {
      min: 5,
      max: 3600,
    }) * 1000;
  const concurrency = parseIntegerOption('concurrency', values.concurrency, 4, { min: 1, max: 64 });
  const log = (line: Record<string, unknown>): void =>
    io.stderr(JSON.stringify({ time: new Date().toISOString(), ...line }));
  // Listen before connecting: a signal during start-up must still end in a clean stop.
  const stop = stopOnSignals((name) => new ConnectorError('interrupted', `Stopped by ${name}.`));
  try {
    return await withWorkspace(
      values['data-dir'],
      async (workspace) => {
        const district = requireConnection(workspace.settings.get()).url;
        const connector = workspace.connector();
        const pool = await connectPostgres(url, { max: 4 }).catch((error: unknown) => {
          throw postgresFailure(error, url);
        });
        let unlisten: (() => Promise<void>) | undefined;
        try {
          await checkPostgresSchema(pool);
          const outbox = new PgOutbox(pool);
          const store = pgRunStore(outbox, district, { clock: systemClock, leaseMs });
          // The service's worker loop: a NOTIFY wakes it (one during a run is followed by
          // another run), else it looks every pollMs; an unexpected failure is logged and retried.
          const worker = new OutboxWorker(connector, {
            pollMs,
            retryLater: DEFAULT_RETRY_LATER,
            outbox: { store, batchSize: WORKER_CLAIM },
            onRun: (progress, elapsedMs) => {
              if (values.quiet) return;
              log({
                level: 'info',
                msg: 'run',
                successful: progress.successful,
                failed: progress.failed,
                notAttempted: progress.notAttempted,
                deferred: progress.deferred,
                released: progress.released,
                ms: Math.round(elapsedMs),
              });
            },
            onError: (error) =>
              log({
                level: 'error',
                msg: `run failed: ${error instanceof Error ? error.message : String(error)}; trying again in ${pollMs / 1000} s`,
              }),
          });
          unlisten = await outbox.listen((payload) => payload === district && worker.wake(), {
            onError: (error) =>
              log({
                level: 'warn',
                msg: `LISTEN connection lost: ${error.message}; polling every ${pollMs / 1000} s`,
              }),
          });
          io.stdout(
            JSON.stringify({
              event: 'ready',
              database: redactDatabaseUrl(url),
              district,
              pollMs,
              leaseMs,
            }),
          );
          worker.start();
          if (!stop.signal.aborted) {
            await new Promise((resolve) =>
              stop.signal.addEventListener('abort', resolve, { once: true }),
            );
          }
          await worker.stop();
          log({
            level: 'info',
            msg: `${stop.received()}: stopped; what this worker held is back in the outbox`,
          });
          return 0;
        } catch (error) {
          throw postgresFailure(error, url);
        } finally {
          await unlisten?.().catch(() => undefined);
          await pool.end().catch(() => undefined);
        }
      },
      { concurrency },
    );
  } finally {
    stop.dispose();
  }
}

export const workerCommand: Command = {
  name: 'worker',
  help: `Usage: pswb worker --database URL [options]

Writes the district's events from the PostgreSQL outbox to PowerSchool. Start as many as you
like, on one machine or several: they share the queue (each event is claimed by one worker at a
time, FOR UPDATE SKIP LOCKED, under a lease the worker renews), and the events of a worker that
dies are taken up by another once its lease lapses. A new event wakes the workers at once
(LISTEN/NOTIFY); they also look every --poll-seconds for events whose retry time came. The
PowerSchool connection, schools and reasons come from the data directory (pswb connect), whose
PowerSchool URL names the district. Prints a ready line on stdout, then one JSON line per run
on stderr. Ctrl-C or SIGTERM stops it; what it held goes back to the outbox at once.

Options:
${DATABASE_HELP}
  --data-dir DIR       Where the settings live (default: $PSWB_DATA_DIR, else ./data)
  --concurrency N      PowerSchool requests in flight (default 4, 1-64)
  --poll-seconds N     How often to look without a notification (default 5)
  --lease-seconds N    How long a claim lasts without renewal (default ${DEFAULT_LEASE_MS / 1000}; renewed every third)
  --quiet              No line per run

Example:
  PSWB_DATABASE_URL=postgres://pswb@db:5432/pswb pswb worker --data-dir /srv/pswb
`,
  run,
};
