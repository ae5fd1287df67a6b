/**
 * Applying and checking the PostgreSQL schema. `pswb db migrate` applies what is pending, in one
 * transaction under an advisory lock (of two processes migrating at once, one waits, then finds
 * nothing left to do); everything else only checks, and refuses a database older or newer than
 * the code instead of changing it.
 */
import type pg from 'pg';
import { ConnectorError } from '../../domain/index.ts';
import { describePool } from './connect.ts';
import { PG_MIGRATIONS, type PgMigration } from './migrations.ts';
import { withTransaction } from './transaction.ts';

/** The advisory lock migrations hold ('pswb' in ASCII): one migrating process at a time. */
export const MIGRATION_LOCK_KEY = 0x70737762;

const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS pswb_schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

/** What a migration run did. */
export interface MigrationResult {
  /** The schema version before. */
  from: number;
  /** The schema version after. */
  to: number;
  /** The migrations applied, in order (empty when the database was current). */
  applied: { version: number; name: string }[];
}

/** Where a database stands against this code. */
export interface PostgresSchemaStatus {
  /** The database's schema version (0: no pswb tables yet). */
  version: number;
  /** The version this code reads and writes. */
  latest: number;
  /** The migrations `pswb db migrate` would apply. */
  pending: { version: number; name: string }[];
  /** True when a newer pswb wrote the database (this one refuses it). */
  newer: boolean;
}

/**
 * Applies every pending migration in one transaction, under an advisory lock; throws
 * store_newer (changing nothing) when the database is newer than this code. `migrations` is
 * for tests of the runner itself.
 */
export async function migratePostgres(
  pool: pg.Pool,
  migrations: readonly PgMigration[] = PG_MIGRATIONS,
): Promise<MigrationResult> {
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  return withTransaction(pool, async (client) => {
    // Held until COMMIT or ROLLBACK: a second migrating process waits here, then reads the
    // version the first one committed.
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(CREATE_MIGRATIONS_TABLE);
    const from = await versionOf(client);
    if (from > latest) throw newerThanCode(describePool(pool), from, latest);
    const applied: MigrationResult['applied'] = [];
    for (const migration of migrations.filter((step) => step.version > from)) {
      await client.query(migration.sql);
      await client.query('INSERT INTO pswb_schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      applied.push({ version: migration.version, name: migration.name });
    }
    return { from, to: Math.max(from, latest), applied };
  });
}

/**
 * The database's schema version when it is the one this code reads and writes; throws
 * store_newer for a newer one and store_needs_migration for an older one (or an empty database).
 */
export async function checkPostgresSchema(pool: pg.Pool): Promise<number> {
  const status = await postgresSchemaStatus(pool);
  if (status.newer) throw newerThanCode(describePool(pool), status.version, status.latest);
  if (status.version < status.latest) {
    const has =
      status.version === 0
        ? 'has no pswb tables yet'
        : `has log schema ${status.version}, older than this pswb's ${status.latest}`;
    throw new ConnectorError(
      'store_needs_migration',
      `${describePool(pool)} ${has}: ${status.pending.length} migration(s) are pending; it was not changed.`,
    );
  }
  return status.version;
}

/** Where the database stands: its version, this code's, and what is pending. Reads only. */
export async function postgresSchemaStatus(
  pool: pg.Pool,
  migrations: readonly PgMigration[] = PG_MIGRATIONS,
): Promise<PostgresSchemaStatus> {
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  const { rows } = await pool.query<{ present: boolean }>(
    "SELECT to_regclass('pswb_schema_migrations') IS NOT NULL AS present",
  );
  const version = rows[0]?.present ? await versionOf(pool) : 0;
  return {
    version,
    latest,
    pending: migrations
      .filter((step) => step.version > version)
      .map(({ version: step, name }) => ({ version: step, name })),
    newer: version > latest,
  };
}

/** The highest version recorded (0 when none is). */
async function versionOf(queryable: pg.Pool | pg.PoolClient): Promise<number> {
  const { rows } = await queryable.query<{ version: number }>(
    'SELECT coalesce(max(version), 0) AS version FROM pswb_schema_migrations',
  );
  return rows[0]?.version ?? 0;
}

function newerThanCode(database: string, version: number, latest: number): ConnectorError {
  return new ConnectorError(
    'store_newer',
    `${database} was written by a newer pswb (log schema ${version}; this pswb reads up to ${latest}); it was not changed.`,
  );
}
