/**
 * `pswb worker`: writes the districts' events from the PostgreSQL outbox to their PowerSchool, as
 * many workers at once as you start, on any machines (service/district-workers.ts, decisions 080
 * and 084). Each district's loop drains what is due, then waits for a NOTIFY of new events (or a
 * poll, for retry times and lapsed leases). Ctrl-C or SIGTERM stops it: what it holds goes back
 * to the outbox. Wiring only.
 */
import {
  DEFAULT_LEASE_MS,
  ConnectorError,
  SecretKeyring,
  resolveDataDir,
  systemClock,
} from '../../connector/index.ts';
import {
  PgDistricts,
  PgOutbox,
  checkDistrictId,
  checkPostgresSchema,
  connectPostgres,
  postgresFailure,
  redactDatabaseUrl,
} from '../../connector/store/pg/index.ts';
import type { CliIO, Command } from '../cli/command.ts';
import { parseIntegerOption, parseOptions } from '../cli/parse-options.ts';
import { stopOnSignals } from '../cli/stop-signal.ts';
import { toCliError } from './connector-options.ts';
import { DATABASE_HELP, databaseUrl } from './db.ts';
import { DistrictWorkers } from '../../service/district-workers.ts';

const OPTIONS = {
  'data-dir': { type: 'string' },
  database: { type: 'string' },
  district: { type: 'string', multiple: true },
  concurrency: { type: 'string' },
  'poll-seconds': { type: 'string' },
  'lease-seconds': { type: 'string' },
  quiet: { type: 'boolean' },
} as const;

async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, OPTIONS);
  const url = databaseUrl(values.database);
  const only = (values.district as unknown as string[] | undefined)?.map(checkDistrictId);
  const pollMs =
    parseIntegerOption('poll-seconds', values['poll-seconds'], 5, { min: 1, max: 3600 }) * 1000;
  const leaseMs =
    parseIntegerOption('lease-seconds', values['lease-seconds'], DEFAULT_LEASE_MS / 1000, {
      min: 5,
      max: 3600,
    }) * 1000;
  const concurrency = parseIntegerOption('concurrency', values.concurrency, 16, {
    min: 1,
    max: 64,
  });
  const log = (line: Record<string, unknown>): void =>
    io.stderr(JSON.stringify({ time: new Date().toISOString(), ...line }));
  // Listen before connecting: a signal during start-up must still end in a clean stop.
  const stop = stopOnSignals((name) => new ConnectorError('interrupted', `Stopped by ${name}.`));
  let workers: DistrictWorkers | undefined;
  const pool = await connectPostgres(url, { max: 8 }).catch((error: unknown) => {
    stop.dispose();
    throw toCliError(postgresFailure(error, url));
  });
  try {
    await checkPostgresSchema(pool);
    const districts = new PgDistricts(pool);
    workers = new DistrictWorkers({
      outbox: new PgOutbox(pool),
      districts,
      keyring: new SecretKeyring(resolveDataDir(values['data-dir'])),
      clock: systemClock,
      ...(only ? { only } : {}),
      concurrency,
      pollMs,
      leaseMs,
      log,
      logRuns: !values.quiet,
    });
    await workers.start();
    const serving = workers.status().map((loop) => loop.id);
    if (serving.length === 0) {
      log({
        level: 'warn',
        msg: only
          ? `none of ${only.join(', ')} is a district of this database yet: waiting for pswb districts add`
          : 'this database holds no district yet: waiting for pswb districts add',
      });
    }
    io.stdout(
      JSON.stringify({
        event: 'ready',
        database: redactDatabaseUrl(url),
        districts: serving,
        pollMs,
        leaseMs,
      }),
    );
    if (!stop.signal.aborted) {
      await new Promise((resolve) =>
        stop.signal.addEventListener('abort', resolve, { once: true }),
      );
    }
    await workers.stop();
    log({
      level: 'info',
      msg: `${stop.received()}: stopped; what this worker held is back in the outbox`,
    });
    return 0;
  } catch (error) {
    throw toCliError(postgresFailure(error, url));
  } finally {
    await workers?.stop().catch(() => undefined);
    await pool.end().catch(() => undefined);
    stop.dispose();
  }
}

export const workerCommand: Command = {
  name: 'worker',
  help: `Usage: pswb worker [--database URL] [--district ID]... [options]

Writes the events of the database's districts (pswb districts add) from the PostgreSQL outbox
to each district's PowerSchool. Start as many as you like, on one machine or several: they
share the queue (each event is claimed by one worker at a time, FOR UPDATE SKIP LOCKED, under a
lease the worker renews), and the events of a worker that dies are taken up by another once its
lease lapses. Each district has a loop of its own, so a slow or failing PowerSchool holds up
only its own district; a 429 (for its Retry-After) or a run of unavailable answers pauses that
district for every worker. A new event wakes the workers at once (LISTEN/NOTIFY), a new or
changed district too; they also look every --poll-seconds for events whose retry time came.
Prints a ready line on stdout, then JSON lines on stderr. Ctrl-C or SIGTERM stops it; what it
held goes back to the outbox at once.

Options:
${DATABASE_HELP}
  --district ID        Only this district (repeat for several; default: every district)
  --concurrency N      The most PowerSchool requests in flight per district (default 16, 1-64;
                       a district's own concurrency, pswb districts set, lowers it)
  --poll-seconds N     How often to look without a notification (default 5)
  --lease-seconds N    How long a claim lasts without renewal (default ${DEFAULT_LEASE_MS / 1000}; renewed every third)
  --data-dir DIR       Whose secret.key opens the districts' secrets when neither PSWB_SECRET_KEY
                       nor PSWB_SECRET_KEY_FILE is set (default: $PSWB_DATA_DIR, else ./data)
  --quiet              No line per run

Example:
  PSWB_DATABASE_URL=postgres://pswb@db:5432/pswb PSWB_SECRET_KEY_FILE=/etc/pswb/key pswb worker
`,
  run,
};
