/**
 * The SQLite schema of the outbox and writeback log. events is the outbox and the log at once
 * (one row per accepted event, its state moving pending -> sending -> final); attempts journals
 * every HTTP attempt; api_keys holds the service's API keys (hashed; schema 3); users, sessions
 * and audit_log hold the admin page's accounts (passwords as scrypt hashes), their sign-ins
 * (session tokens as SHA-256 only) and who changed what (schema 5); event_versions keeps every
 * earlier version of an event an admin corrected or cancelled (schema 6); events.retries counts
 * the tries that found PowerSchool unavailable (schema 7); student_names lets the name
 * search scan a few thousand names instead of millions of events. Indexes serve the log filters:
 * status, building, district-local date, student, newest first.
 */
import type Database from 'better-sqlite3';
import { ConnectorError } from '../domain/index.ts';

/** The schema version this code writes (PRAGMA user_version); older files are migrated. */
export const SCHEMA_VERSION = 7;

const TABLES_SQL = `
CREATE TABLE IF NOT EXISTS student_names (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  search_key TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  school_number INTEGER NOT NULL,
  student_name_id INTEGER NOT NULL REFERENCES student_names(id),
  student_name TEXT NOT NULL,
  student_dcid INTEGER,
  student_ps_id INTEGER,
  grade TEXT,
  occurred_at TEXT NOT NULL,
  occurred_ms INTEGER NOT NULL,
  local_date TEXT NOT NULL,
  local_time TEXT NOT NULL,
  reason TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL,
  owner TEXT,
  runs INTEGER NOT NULL DEFAULT 0,
  error_code TEXT,
  error_message TEXT,
  error_status INTEGER,
  error_body TEXT,
  result TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  completed_at TEXT,
  retry_at TEXT,
  retries INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  hash TEXT NOT NULL,
  district TEXT NOT NULL,
  schools TEXT,
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  last_used_at TEXT
);
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  schools TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  last_login_at TEXT
);
CREATE TABLE IF NOT EXISTS sessions (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user_id);
CREATE INDEX IF NOT EXISTS sessions_expires ON sessions(expires_at);
CREATE TABLE IF NOT EXISTS audit_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  before TEXT,
  after TEXT
);
CREATE TABLE IF NOT EXISTS event_versions (
  id INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL,
  local_date TEXT NOT NULL,
  local_time TEXT NOT NULL,
  error_code TEXT,
  error_message TEXT,
  result TEXT,
  change TEXT NOT NULL,
  changed_at TEXT NOT NULL,
  changed_by TEXT NOT NULL,
  removed TEXT,
  UNIQUE (event_id, version)
);
CREATE TABLE IF NOT EXISTS attempts (
  id INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL,
  run INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  duration_ms INTEGER NOT NULL,
  method TEXT NOT NULL,
  url TEXT NOT NULL,
  http_status INTEGER,
  outcome TEXT NOT NULL,
  error_code TEXT,
  response_body TEXT,
  retry_in_ms INTEGER
);
CREATE INDEX IF NOT EXISTS attempts_event ON attempts(event_id, id);
CREATE VIEW IF NOT EXISTS writeback_log AS
  SELECT e.id, e.type, e.student_name, e.student_ps_id, e.local_date, e.local_time, e.grade,
         e.reason, e.state AS status, e.school_number, e.error_message, e.error_status, e.runs,
         (SELECT count(*) FROM attempts a WHERE a.event_id = e.id) AS attempts
  FROM events e;
`;

/**
 * The events indexes. Each leads with the day, or with a column of a handful of values (status,
 * building) followed by the day or the outbox order, so a new event and each of its state
 * changes land beside the newest entries, on pages already in memory, at any log size. No index
 * leads with the student: with 100,000 students, each new event went to a random page of a
 * large index, which made one event dearer as the log grew (docs/benchmarks.md, figure 4). The
 * name search reads events_day_student instead: the day, then the student, with the status and
 * the building, so a search combined with them never reads the events themselves.
 */
const INDEXES_SQL = `
CREATE INDEX IF NOT EXISTS events_outbox ON events(state, seq);
CREATE INDEX IF NOT EXISTS events_state_day ON events(state, local_date, occurred_ms);
CREATE INDEX IF NOT EXISTS events_state_school_day
  ON events(state, school_number, local_date, occurred_ms);
CREATE INDEX IF NOT EXISTS events_school_day ON events(school_number, local_date, occurred_ms);
CREATE INDEX IF NOT EXISTS events_day ON events(local_date, occurred_ms);
CREATE INDEX IF NOT EXISTS events_day_student
  ON events(local_date, student_name_id, state, school_number, occurred_ms);
`;

/** Indexes of an earlier schema that the current set replaces, dropped when a file is migrated. */
export const RETIRED_INDEXES = [
  // v1: (student_name_id, state, school_number, local_date, occurred_ms), now events_day_student.
  'events_student',
] as const;

/**
 * Creates the tables, indexes and view of a new log, or migrates an older one (6 -> 7 adds
 * events.retries; 5 -> 6 adds event_versions; 4 -> 5 adds users, sessions and audit_log; 3 -> 4
 * adds events.retry_at; 2 -> 3 adds api_keys; 1 -> 2 builds events_day_student and drops events_student: about 2 s for a million rows). Sets WAL
 * for crash safety and speed.
 */
export function applyStoreSchema(db: Database.Database): void {
  // Read first, before any pragma writes to the file: a newer file is left exactly as it is.
  checkedSchemaVersion(db);
  // WAL: readers never block the writer, and a killed process loses no committed row.
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across a process crash in WAL mode (only an OS crash may lose the last
  // commits), at a fraction of FULL's fsync cost per state change.
  db.pragma('synchronous = NORMAL');
  // Checkpoint (copy the WAL into the file, with its fsyncs) every ~40 MB instead of every ~4 MB:
  // one event at a time cost about a quarter less in benchmark figure 4's probes.
  db.pragma('wal_autocheckpoint = 10000');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  if (checkedSchemaVersion(db) === SCHEMA_VERSION) return;
  // IMMEDIATE: the write lock is taken before the version is read again, so of two processes
  // opening an old log at once, one migrates and the other then finds it done. One
  // transaction: a process killed mid-migration leaves the file at its old version, and the
  // next open starts again.
  db.transaction(() => {
    const version = checkedSchemaVersion(db);
    if (version === SCHEMA_VERSION) return;
    // 3 -> 4: a pending event may wait until retry_at (a PowerSchool outage, retried later).
    const columns = db.prepare("SELECT name FROM pragma_table_info('events')").pluck().all();
    if (columns.length > 0 && !columns.includes('retry_at')) {
      db.exec('ALTER TABLE events ADD COLUMN retry_at TEXT');
    }
    // 6 -> 7: the tries that found PowerSchool unavailable, apart from the runs (claims).
    if (columns.length > 0 && !columns.includes('retries')) {
      db.exec('ALTER TABLE events ADD COLUMN retries INTEGER NOT NULL DEFAULT 0');
    }
    // 2 -> 3, 4 -> 5 and 5 -> 6: the new tables (api_keys; users, sessions, audit_log;
    // event_versions).
    db.exec(TABLES_SQL);
    for (const index of RETIRED_INDEXES) db.exec(`DROP INDEX IF EXISTS ${index}`);
    db.exec(INDEXES_SQL);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

/** The schema version a log file was written with (0 for a new, empty file). */
export function storeSchemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function checkedSchemaVersion(db: Database.Database): number {
  const version = storeSchemaVersion(db);
  if (version > SCHEMA_VERSION) {
    throw new ConnectorError(
      'store_newer',
      `${db.name} was written by a newer pswb (log schema ${version}; this pswb reads up to ${SCHEMA_VERSION}); it was not changed.`,
    );
  }
  return version;
}
