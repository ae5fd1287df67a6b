/**
 * `pswb db migrate|status`: the PostgreSQL schema (connector/store/pg/, decision 080). The URL
 * comes from --database, else PSWB_DATABASE_URL, and is shown only with its password redacted.
 * Wiring only.
 */
import type pg from 'pg';
import type { NewAuditEntry } from '../../connector/index.ts';
import {
  PG_SCHEMA_VERSION,
  PgAudit,
  checkPostgresSchema,
  connectPostgres,
  migratePostgres,
  postgresFailure,
  postgresSchemaStatus,
  redactDatabaseUrl,
  withTransaction,
  type PgQueryable,
} from '../../connector/store/pg/index.ts';
import { UsageError, type CliIO, type Command } from '../cli/command.ts';
import { parseOptions } from '../cli/parse-options.ts';
import { cliActor, toJson } from './connector-options.ts';

const OPTIONS = { database: { type: 'string' }, json: { type: 'boolean' } } as const;

export const DATABASE_HELP = `  --database URL     The PostgreSQL database, postgres://user:password@host:5432/database
                     (default: $PSWB_DATABASE_URL; better for the password, which stays out of
                     shell history); shown only with the password redacted`;

/** The URL from --database, else PSWB_DATABASE_URL; a usage error when neither is given. */
export function databaseUrl(flag: string | undefined): string {
  const url = flag ?? process.env.PSWB_DATABASE_URL;
  if (url === undefined || url.trim() === '') {
    throw new UsageError(
      'give the database: --database postgres://user:password@host:5432/database, or set PSWB_DATABASE_URL.',
    );
  }
  return url.trim();
}

/**
 * Connects, runs the work, closes the pool; failures name the URL without its password. With
 * `checked`, the database must be at this pswb's schema first (else store_needs_migration or
 * store_newer, nothing read or written).
 */
export async function withDatabase<T>(
  url: string,
  work: (pool: pg.Pool) => Promise<T>,
  { checked = false }: { checked?: boolean } = {},
): Promise<T> {
  const pool = await connectPostgres(url, { max: 2 }).catch((error: unknown) => {
    throw postgresFailure(error, url);
  });
  try {
    if (checked) await checkPostgresSchema(pool);
    return await work(pool);
  } catch (error) {
    throw postgresFailure(error, url);
  } finally {
    await pool.end().catch(() => undefined);
  }
}

/**
 * Connects to a database at this pswb's schema and runs `work` in one transaction, so a change
 * and its audit entry commit together or not at all; failures as withDatabase's.
 */
export async function withDatabaseTransaction<T>(
  url: string,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  return withDatabase(url, (pool) => withTransaction(pool, work), { checked: true });
}

/**
 * Records a change made with the CLI in the database's audit log (pswb_audit), by cliActor(),
 * at `at` or now: of a district, or of the service itself with district null. Give it the
 * transaction's client of the change.
 */
export async function auditPgCliChange(
  db: PgQueryable,
  district: string | null,
  entry: Omit<NewAuditEntry, 'actor' | 'at'> & { at?: Date | string },
): Promise<void> {
  await new PgAudit(db).record(district, {
    ...entry,
    at: entry.at ?? new Date(),
    actor: cliActor(),
  });
}

async function runMigrate(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, OPTIONS);
  const url = databaseUrl(values.database);
  const database = redactDatabaseUrl(url);
  const result = await withDatabase(url, (pool) => migratePostgres(pool));
  if (values.json) {
    io.stdout(toJson({ database, ...result }));
  } else if (result.applied.length === 0) {
    io.stdout(`${database} is at schema ${result.to}, the newest this pswb knows: nothing to do.`);
  } else {
    const steps = result.applied.map((step) => `${step.version} ${step.name}`).join('; ');
    io.stdout(`Migrated ${database} from schema ${result.from} to ${result.to} (${steps}).`);
  }
  return 0;
}

async function runStatus(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, OPTIONS);
  const url = databaseUrl(values.database);
  const database = redactDatabaseUrl(url);
  const status = await withDatabase(url, (pool) => postgresSchemaStatus(pool));
  if (values.json) {
    io.stdout(toJson({ database, ...status }));
    return 0;
  }
  if (status.newer) {
    io.stdout(
      `${database} is at schema ${status.version}, newer than this pswb (${status.latest}): run the pswb that migrated it, or a newer one.`,
    );
  } else if (status.pending.length > 0) {
    const steps = status.pending.map((step) => `${step.version} ${step.name}`).join('; ');
    io.stdout(
      `${database} is at schema ${status.version}; this pswb needs ${status.latest}. Pending: ${steps}. Run pswb db migrate.`,
    );
  } else {
    io.stdout(`${database} is at schema ${status.version}, the newest this pswb knows.`);
  }
  return 0;
}

export const dbMigrateCommand: Command = {
  name: 'db migrate',
  help: `Usage: pswb db migrate [--database URL] [--json]

Brings a PostgreSQL database to the schema this pswb reads and writes (schema ${PG_SCHEMA_VERSION}):
applies every pending migration in one transaction, under a lock, so a second pswb migrating at
the same time waits and then finds nothing to do. A database already current is left as it is;
one written by a newer pswb is refused (store_newer) and not changed.

Options:
${DATABASE_HELP}
  --json             Print the database, the versions before and after, and what was applied

Examples:
  PSWB_DATABASE_URL=postgres://pswb:secret@db.example.org:5432/pswb npx pswb db migrate
  npx pswb db migrate --database postgres://pswb@127.0.0.1:5432/pswb --json
`,
  run: runMigrate,
};

export const dbStatusCommand: Command = {
  name: 'db status',
  help: `Usage: pswb db status [--database URL] [--json]

Prints the PostgreSQL database's schema version, the one this pswb needs (${PG_SCHEMA_VERSION}) and the
migrations pswb db migrate would apply. Reads only.

Options:
${DATABASE_HELP}
  --json             Print JSON: database, version, latest, pending, newer

Example:
  PSWB_DATABASE_URL=postgres://pswb:secret@db.example.org:5432/pswb npx pswb db status
`,
  run: runStatus,
};
