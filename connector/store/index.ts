/** store/: the outbox and writeback log on SQLite: schema, rows, log queries (the seam for PostgreSQL). */
export { LOG_DB_FILE, WritebackStore } from './outbox.ts';
export { ApiKeyStore, type ApiKeyRecord } from './api-keys.ts';
export {
  OK_BODY_KEPT_CHARS,
  journaledBody,
  type AttemptRow,
  type EventOutcome,
  type EventRow,
  type LocalStamp,
} from './rows.ts';
export { RETIRED_INDEXES, SCHEMA_VERSION, applyStoreSchema, storeSchemaVersion } from './schema.ts';
export {
  planLogQuery,
  queryLogRows,
  type LogQuery,
  type LogQueryPlan,
  type LogRowPage,
} from './log-query.ts';
export { storageFailure } from './sqlite-failure.ts';
