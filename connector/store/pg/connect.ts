/**
 * Connecting to PostgreSQL: a pool for a checked URL, and the driver's and the server's
 * connection failures as `database_unreachable`, with the URL redacted.
 */
import pg from 'pg';
import { ConnectorError } from '../../domain/index.ts';
import { checkDatabaseUrl, redactDatabaseUrl, withoutPassword } from './url.ts';

/** How a pool is sized and how long a connection may take. */
export interface PostgresPoolOptions {
  /** Connections at most (default 10). */
  max?: number;
  /** How long to wait for a connection before giving up (default 5,000 ms). */
  connectionTimeoutMillis?: number;
}

/** Node's network failures: the server is not there. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

/**
 * SQLSTATEs of a server that refused the connection: 08 connection exception, 28 invalid
 * authorization (wrong user or password), 3D000 no such database, 57P03 starting up or shutting
 * down, 53300 too many connections.
 */
function refusedConnection(sqlState: string): boolean {
  return (
    sqlState.startsWith('08') ||
    sqlState.startsWith('28') ||
    ['3D000', '57P03', '53300'].includes(sqlState)
  );
}

/** The driver's own words for a connection that timed out or was cut while connecting. */
const DRIVER_CONNECTION_FAILURE =
  /timeout expired|connection timeout|Connection terminated|terminating connection/i;

/** Opens a pool for `url` (nothing connects until the first query); throws invalid_database_url. */
export function openPostgresPool(url: string, options: PostgresPoolOptions = {}): pg.Pool {
  checkDatabaseUrl(url);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5000,
    application_name: 'pswb',
  });
  // An idle connection the server closed (a restart) is reported here; the next query on the
  // pool opens a new one, or fails and is reported to its caller. Without a listener, the
  // 'error' event would end the process.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Opens a pool and checks that the server answers; throws database_unreachable (URL redacted)
 * when it does not, after closing the pool.
 */
export async function connectPostgres(
  url: string,
  options: PostgresPoolOptions = {},
): Promise<pg.Pool> {
  const pool = openPostgresPool(url, options);
  try {
    await pool.query('SELECT 1');
    return pool;
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw postgresFailure(error, url);
  }
}

/** How a pool's database is named in messages: its URL with the password redacted. */
export function describePool(pool: pg.Pool): string {
  const options = pool.options as pg.PoolConfig;
  if (options.connectionString) return redactDatabaseUrl(options.connectionString);
  const user = options.user ? `${String(options.user)}@` : '';
  return `postgres://${user}${options.host ?? 'localhost'}:${options.port ?? 5432}/${options.database ?? ''}`;
}

/**
 * A failure to reach or log in to PostgreSQL becomes database_unreachable, its message naming
 * the redacted URL and the driver's reason (without the password); a ConnectorError is passed
 * on, anything else comes back as it was.
 */
export function postgresFailure(error: unknown, url: string): unknown {
  if (error instanceof ConnectorError || !(error instanceof Error)) return error;
  const code = errorCode(error);
  const shown = redactDatabaseUrl(url);
  const reason = withoutPassword(describeError(error), url);
  if (code !== undefined && NETWORK_CODES.has(code)) {
    return new ConnectorError(
      'database_unreachable',
      `PostgreSQL at ${shown} could not be reached: ${reason}.`,
    );
  }
  if (code !== undefined && /^[0-9A-Z]{5}$/.test(code) && refusedConnection(code)) {
    return new ConnectorError(
      'database_unreachable',
      `PostgreSQL at ${shown} refused the connection: ${reason} (SQLSTATE ${code}).`,
    );
  }
  if (code === undefined && DRIVER_CONNECTION_FAILURE.test(error.message)) {
    return new ConnectorError(
      'database_unreachable',
      `PostgreSQL at ${shown} did not answer: ${reason}.`,
    );
  }
  return error;
}

/** The error's code; Node's connection to "localhost" tries each address, an AggregateError. */
function errorCode(error: Error): string | undefined {
  const own = (error as { code?: unknown }).code;
  if (typeof own === 'string') return own;
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const code = (inner as { code?: unknown } | null)?.code;
      if (typeof code === 'string') return code;
    }
  }
  return undefined;
}

function describeError(error: Error): string {
  if (error.message) return error.message.replace(/\.$/, '');
  if (error instanceof AggregateError) {
    return error.errors.map((inner) => String((inner as Error)?.message ?? inner)).join('; ');
  }
  return error.name;
}
