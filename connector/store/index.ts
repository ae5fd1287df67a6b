/** store/: the outbox and writeback log on SQLite: schema, rows, log queries, API keys, users, sessions, audit log (the seam for PostgreSQL). */
export { LOG_DB_FILE, WritebackStore } from './outbox.ts';
export {
  ApiKeyStore,
  hashMatches,
  newApiKey,
  parseApiKey,
  touchDue,
  type ApiKeyRecord,
} from './api-keys.ts';
export {
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  USER_ROLES,
  UserStore,
  type NewUser,
  type UserRecord,
  type UserRole,
} from './users.ts';
export {
  DEFAULT_SESSION_LIMITS,
  SessionStore,
  type SessionLimits,
  type SessionRecord,
} from './sessions.ts';
export { AUDIT_REDACTED, AuditLog, type AuditEntry, type NewAuditEntry } from './audit.ts';
export {
  OK_BODY_KEPT_CHARS,
  journaledBody,
  type AttemptRow,
  type EventOutcome,
  type EventRow,
  type EventVersionRow,
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
