/** store/pg/: the outbox and writeback log on PostgreSQL: URL, pool, versioned migrations, PgOutbox (decision 080); districts, API keys and accounts (decision 084). */
export { REDACTED_PASSWORD, checkDatabaseUrl, redactDatabaseUrl, withoutPassword } from './url.ts';
export {
  connectPostgres,
  describePool,
  openPostgresPool,
  postgresFailure,
  type PostgresPoolOptions,
} from './connect.ts';
export {
  DISTRICTS_CHANNEL,
  OUTBOX_CHANNEL,
  PG_MIGRATIONS,
  PG_SCHEMA_VERSION,
  type PgMigration,
} from './migrations.ts';
export {
  MIGRATION_LOCK_KEY,
  checkPostgresSchema,
  migratePostgres,
  postgresSchemaStatus,
  type MigrationResult,
  type PostgresSchemaStatus,
} from './schema.ts';
export { toPgEventRow, type PgEventRow } from './rows.ts';
export { type PgAcceptItem } from './accept.ts';
export { PgOutbox, type PgClaim, type PgQueueDepth } from './outbox.ts';
export {
  DEFAULT_DISTRICT_CONCURRENCY,
  DISTRICT_ID_PATTERN,
  PgDistricts,
  checkDistrictId,
  pauseFor,
  type DistrictRow,
  type DistrictState,
  type Unavailable,
} from './districts.ts';
export { PgApiKeys } from './api-keys.ts';
export { inTransaction, withTransaction, type PgQueryable } from './transaction.ts';
export {
  PG_USER_ROLES,
  PgAudit,
  PgSessions,
  PgUsers,
  type NewOperator,
  type PgAuditEntry,
  type PgSessionRecord,
  type PgUserRecord,
  type PgUserRole,
} from './accounts.ts';
export { addDistrictAudited, auditedDistrict } from './district-add.ts';
