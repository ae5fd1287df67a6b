/**
 * `pswb serve`: the connector running all day: the ingest API, the PowerSchool Setup page, the
 * outbox workers, health.
 * Wiring only: the service lives in service/.
 */
import { SecretKeyring, resolveDataDir } from '../../connector/index.ts';
import { redactDatabaseUrl } from '../../connector/store/pg/index.ts';
import { startPgService } from '../../service/pg-service.ts';
import { startService } from '../../service/service.ts';
import { jsonLines, type LogLine } from '../../service/log.ts';
import { toCliError } from './connector-options.ts';
import { CliError, UsageError, type CliIO, type Command } from '../cli/command.ts';
import { parseIntegerOption, parseOptions } from '../cli/parse-options.ts';
import { stopOnSignals } from '../cli/stop-signal.ts';

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'data-dir': { type: 'string' },
  workers: { type: 'string' },
  'rate-limit': { type: 'string' },
  'reconcile-hours': { type: 'string' },
  'public-url': { type: 'string' },
  database: { type: 'string' },
  quiet: { type: 'boolean' },
} as const;

const HELP = `Usage: pswb serve [--port 8080] [--host 127.0.0.1] [--data-dir DIR] [--workers 1]

Runs the connector as a service: the ingest API under /api/v1 (what a visitor-management system
posts its check-ins and check-outs to, with an API key from pswb keys create), the PowerSchool
Setup page at /admin for district and building admins (accounts from pswb users add), a worker
that writes each accepted event to PowerSchool at once, /healthz and /readyz. Prints one JSON
ready line on stdout with the URLs; logs one JSON line per request and per writeback on stderr
(no secrets, keys or student names). Ctrl-C or SIGTERM stops taking events, puts back what was
not finished, and exits 0. Without a saved connection (pswb connect, or the page's Settings tab)
the page works and the API answers 503 until one is saved.

Options:
  --port N           Port to listen on; 0 picks a free one (default 8080)
  --host HOST        Address to listen on (default 127.0.0.1)
  --data-dir DIR     Settings, outbox, log and API keys (default: $PSWB_DATA_DIR, else ./data)
  --workers N        Outbox workers in this process, 0-16; 0 serves the API only (default 1)
  --rate-limit N     Requests per second per API key, bursts of 2N (default 200)
  --public-url URL   Where users reach the service when a proxy is in front, e.g.
                     https://pswb.district.org: https makes the page's cookies Secure, and
                     failure alerts link to it
  --reconcile-hours N  Read back from PowerSchool what was written yesterday and today every N
                     hours, 0-168 (default 24; 0: never); the page's Check tab shows the report
  --database URL     Serve every district of this PostgreSQL database instead (pswb districts
                     add; default: none, or $PSWB_DATABASE_URL when set): each API key and each
                     user (pswb users add --district) acts for its own district, in the API and
                     on the page (every tab; no failure alerts yet), and the workers write
                     every district (docs/deploy.md). --data-dir then only says whose secret.key opens the
                     districts' secrets
  --quiet            Log only warnings and errors

The page: /admin (sign in at /login). The API: /api/docs (reference), /api/openapi.json
(OpenAPI 3.1). docs/service.md.

Examples:
  npx pswb users add --email you@district.org --role district-admin
  npx pswb serve --port 8080
  curl -s localhost:8080/healthz
  curl -s -X POST localhost:8080/api/v1/events -H "authorization: Bearer $PSWB_API_KEY" \\
    -H 'content-type: application/json' -d @event.json
`;

/** What serve runs: the embedded service, or the API of a PostgreSQL database's districts. */
interface Started {
  url: string;
  workers: number;
  /** The database (password redacted) when on PostgreSQL. */
  database?: string;
  stop(): Promise<void>;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

async function start(argv: string[], io: CliIO): Promise<Started> {
  const { values } = parseOptions(argv, OPTIONS);
  const port = parseIntegerOption('port', values.port, 8080, { min: 0, max: 65_535 });
  const host = values.host ?? '127.0.0.1';
  const workers = parseIntegerOption('workers', values.workers, 1, { min: 0, max: 16 });
  const publicUrl = values['public-url'];
  if (publicUrl !== undefined && !/^https?:\/\/[^/\s]+(\/[^\s]*)?$/.test(publicUrl)) {
    throw new UsageError(
      `--public-url must be an http(s) URL such as https://pswb.district.org; got "${publicUrl}".`,
    );
  }
  const reconcileHours = parseIntegerOption('reconcile-hours', values['reconcile-hours'], 24, {
    min: 0,
    max: 168,
  });
  const rate = parseIntegerOption('rate-limit', values['rate-limit'], 200, {
    min: 1,
    max: 100_000,
  });
  const write = jsonLines((text) => io.stderr(text));
  const log = values.quiet ? (line: LogLine) => line.level !== 'info' && write(line) : write;
  const database = values.database ?? nonEmpty(process.env.PSWB_DATABASE_URL);
  try {
    if (database !== undefined) {
      const service = await startPgService({
        databaseUrl: database,
        keyring: new SecretKeyring(resolveDataDir(values['data-dir'])),
        port,
        host,
        workers,
        rate: { perSecond: rate, burst: rate * 2 },
        ...(publicUrl ? { publicUrl } : {}),
        reconcileEveryMs: reconcileHours * 3_600_000,
        log,
      }).catch((error: unknown) => {
        throw toCliError(error);
      });
      return { ...service, database: redactDatabaseUrl(database) };
    }
    return await startService({
      ...(values['data-dir'] !== undefined ? { dataDir: values['data-dir'] } : {}),
      port,
      host,
      reconcileEveryMs: reconcileHours * 3_600_000,
      ...(publicUrl ? { publicUrl } : {}),
      workers,
      rate: { perSecond: rate, burst: rate * 2 },
      log,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new CliError(
        `port ${port} is in use on ${host}: pick another with --port, or --port 0.`,
      );
    }
    throw error;
  }
}

/** `pswb serve`. */
export const serveCommand: Command = {
  name: 'serve',
  help: HELP,
  async run(argv, io) {
    // Listen before starting: a signal during start-up must still end in a clean stop.
    const stop = stopOnSignals((signal) => signal);
    let service: Started;
    try {
      service = await start(argv, io);
    } catch (error) {
      stop.dispose();
      throw error;
    }
    io.stdout(
      JSON.stringify({
        event: 'ready',
        url: service.url,
        api: `${service.url}/api/v1`,
        admin: `${service.url}/admin`,
        ...(service.database === undefined ? {} : { database: service.database }),
        docs: `${service.url}/api/docs`,
        health: `${service.url}/healthz`,
        workers: service.workers,
      }),
    );
    if (!stop.signal.aborted) {
      await new Promise((resolve) =>
        stop.signal.addEventListener('abort', resolve, { once: true }),
      );
    }
    stop.dispose();
    io.stderr(
      JSON.stringify({
        time: new Date().toISOString(),
        level: 'info',
        msg: `${stop.received()}: stopping`,
      }),
    );
    await service.stop();
    return 0;
  },
};
