/**
 * The SQLite schema of the outbox and writeback log. events is the outbox and the log at once
 * (one row per accepted event, its state moving pending -> sending -> final); attempts journals
 * every HTTP attempt; student_names lets the name search scan a few thousand names instead of
 * millions of events. Indexes serve the log filters: status, building, district-local date,
 * newest first.
 */
import type Database from 'better-sqlite3';

const SCHEMA_VERSION = 1;

const SCHEMA_SQL = `
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
  completed_at TEXT
);
CREATE INDEX IF NOT EXISTS events_outbox ON events(state, seq);
CREATE INDEX IF NOT EXISTS events_state_day ON events(state, local_date, occurred_ms);
CREATE INDEX IF NOT EXISTS events_state_school_day
  ON events(state, school_number, local_date, occurred_ms);
CREATE INDEX IF NOT EXISTS events_school_day ON events(school_number, local_date, occurred_ms);
CREATE INDEX IF NOT EXISTS events_day ON events(local_date, occurred_ms);
CREATE INDEX IF NOT EXISTS events_student
  ON events(student_name_id, state, school_number, local_date, occurred_ms);
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

/** Creates the tables, indexes and view when missing; sets WAL for crash safety and speed. */
export function applyStoreSchema(db: Database.Database): void {
  // WAL: readers never block the writer, and a killed process loses no committed row.
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across a process crash in WAL mode (only an OS crash may lose the last
  // commits), at a fraction of FULL's fsync cost per state change.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new Error(
      `The writeback log was written by a newer pswb (schema ${version}, this one knows ${SCHEMA_VERSION}). Upgrade pswb.`,
    );
  }
  db.exec(SCHEMA_SQL);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
}
