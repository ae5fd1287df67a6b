/**
 * The PostgreSQL schema as numbered migrations, applied in order and recorded in
 * pswb_schema_migrations (schema.ts). A migration is never edited once released: a change is a
 * new migration with the next number. Every table is named pswb_*, so the connector can share a
 * database (and its search_path schema) with other software.
 */

/** One step of the schema. */
export interface PgMigration {
  version: number;
  /** What it does, in a few words (recorded with it). */
  name: string;
  sql: string;
}

/** The channel an accept (or a release or a requeue) notifies, with the district as payload. */
export const OUTBOX_CHANNEL = 'pswb_outbox';

/** The channel a district added or changed notifies (workers load it again), with its id. */
export const DISTRICTS_CHANNEL = 'pswb_districts';

/**
 * 1: pswb_events, the outbox and the writeback log in one row per event (decision 010), as in
 * SQLite's events table, with what several processes and districts need: the district (an id
 * is unique within its district), the claim's lease (owner, lease_until), jsonb for the stored
 * event and the result, real timestamps and dates.
 *
 * Indexes: the claim reads two partial indexes that hold only the outbox (pending and sending
 * rows), so they stay as small as the outbox however long the log grows: one in outbox order
 * for any district, one per district. The log filters (status, building, district-local date,
 * newest first) each lead with the district, then a column of a handful of values or the day,
 * as SQLite's do (docs/benchmarks.md, figure 4: no index leads with the student).
 */
const CREATE_EVENTS = `
CREATE TABLE pswb_events (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  district text NOT NULL,
  id text NOT NULL,
  type text NOT NULL,
  school_number integer NOT NULL,
  student_name text NOT NULL,
  student_dcid bigint,
  student_ps_id bigint,
  grade text,
  occurred_at text NOT NULL,
  occurred_ms bigint NOT NULL,
  local_date date NOT NULL,
  local_time text NOT NULL,
  reason text NOT NULL,
  payload jsonb NOT NULL,
  state text NOT NULL DEFAULT 'pending',
  owner text,
  lease_until timestamptz,
  runs integer NOT NULL DEFAULT 0,
  retry_at timestamptz,
  error_code text,
  error_message text,
  error_status integer,
  error_body text,
  result jsonb,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  completed_at timestamptz,
  CONSTRAINT pswb_events_district_id UNIQUE (district, id),
  CONSTRAINT pswb_events_state
    CHECK (state IN ('pending', 'sending', 'successful', 'failed', 'not_attempted')),
  CONSTRAINT pswb_events_sending_is_leased
    CHECK (state <> 'sending' OR (owner IS NOT NULL AND lease_until IS NOT NULL))
);
CREATE INDEX pswb_events_outbox ON pswb_events (seq)
  WHERE state IN ('pending', 'sending');
CREATE INDEX pswb_events_outbox_district ON pswb_events (district, seq)
  WHERE state IN ('pending', 'sending');
CREATE INDEX pswb_events_state_day
  ON pswb_events (district, state, local_date, occurred_ms);
CREATE INDEX pswb_events_state_school_day
  ON pswb_events (district, state, school_number, local_date, occurred_ms);
CREATE INDEX pswb_events_school_day
  ON pswb_events (district, school_number, local_date, occurred_ms);
CREATE INDEX pswb_events_day ON pswb_events (district, local_date, occurred_ms);
`;

/**
 * 2: pswb_attempts, every HTTP attempt made for an event (SQLite's attempts table), by district
 * and event; and the index a run's "the student's events of the day" reads (a return to school,
 * a teacher's mark): the district and the day, then the student's two ids.
 */
const CREATE_ATTEMPTS = `
CREATE TABLE pswb_attempts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  district text NOT NULL,
  event_id text NOT NULL,
  run integer NOT NULL,
  started_at timestamptz NOT NULL,
  duration_ms integer NOT NULL,
  method text NOT NULL,
  url text NOT NULL,
  http_status integer,
  outcome text NOT NULL,
  error_code text,
  response_body text,
  retry_in_ms integer
);
CREATE INDEX pswb_attempts_event ON pswb_attempts (district, event_id, id);
CREATE INDEX pswb_events_day_student
  ON pswb_events (district, local_date, student_ps_id, student_dcid);
`;

/**
 * 3: pswb_districts, the districts one service holds (decision 084): each one's Settings
 * document (the PowerSchool connection, schools, modes, reasons) as jsonb, its secrets sealed
 * by the setup layer before they reach the database (decision 081), so a dump alone reveals
 * none; how many of its events a worker writes at once; and its pause (a 429 or repeated 5xx
 * from its PowerSchool holds its events back for a while, shared by every worker).
 */
const CREATE_DISTRICTS = `
CREATE TABLE pswb_districts (
  id text PRIMARY KEY,
  name text NOT NULL,
  settings jsonb NOT NULL,
  concurrency integer NOT NULL DEFAULT 4,
  paused_until timestamptz,
  pause_reason text,
  failure_streak integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CONSTRAINT pswb_districts_id CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  CONSTRAINT pswb_districts_concurrency CHECK (concurrency BETWEEN 1 AND 64)
);
`;

/**
 * 4: pswb_api_keys, the ingest API's keys of every district (SQLite's api_keys, decision 084):
 * only the SHA-256 of each key's secret, the district it belongs to (a key answers for its own
 * district's events only) and, for a building key, its schools.
 */
const CREATE_API_KEYS = `
CREATE TABLE pswb_api_keys (
  id text PRIMARY KEY,
  district text NOT NULL REFERENCES pswb_districts (id),
  name text NOT NULL,
  hash text NOT NULL,
  schools integer[],
  created_at timestamptz NOT NULL,
  revoked_at timestamptz,
  last_used_at timestamptz
);
CREATE INDEX pswb_api_keys_district ON pswb_api_keys (district, created_at);
`;

/**
 * 5: pswb_events.retries, the tries that found PowerSchool unavailable since the event was
 * accepted or last re-sent (SQLite's events.retries). `runs` counts claims, cut-short ones too (a
 * worker killed, a district's pause), so the wait before a retry and the point an event is
 * Failed for good are chosen by this count instead.
 */
const ADD_RETRIES = `ALTER TABLE pswb_events ADD COLUMN retries integer NOT NULL DEFAULT 0;`;

/**
 * 6: the accounts of every district and of the service (decision 084, "Accounts"): pswb_users,
 * the page's users, each of one district (district admin, building admin with its schools,
 * support) or, with no district, an operator of the whole service; an email is one account in
 * the whole service (a sign-in names one user), stored lower-cased. pswb_sessions, their
 * sign-ins (only the token's SHA-256), ended with their user. pswb_audit, who changed what, by
 * district (NULL: a change of the service itself, such as a district added), its before and
 * after already redacted of secrets by the code that writes it.
 */
const CREATE_ACCOUNTS = `
CREATE TABLE pswb_users (
  id text PRIMARY KEY,
  district text REFERENCES pswb_districts (id),
  email text NOT NULL,
  name text NOT NULL,
  role text NOT NULL,
  schools integer[] NOT NULL DEFAULT '{}',
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  last_login_at timestamptz,
  CONSTRAINT pswb_users_email UNIQUE (email),
  CONSTRAINT pswb_users_email_lower CHECK (email = lower(email)),
  CONSTRAINT pswb_users_role
    CHECK (role IN ('operator', 'district_admin', 'building_admin', 'support')),
  CONSTRAINT pswb_users_operator_has_no_district CHECK ((role = 'operator') = (district IS NULL)),
  CONSTRAINT pswb_users_schools
    CHECK ((role = 'building_admin') = (cardinality(schools) > 0))
);
CREATE INDEX pswb_users_district ON pswb_users (district, email);
CREATE TABLE pswb_sessions (
  token_hash text PRIMARY KEY,
  user_id text NOT NULL REFERENCES pswb_users (id) ON DELETE CASCADE,
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX pswb_sessions_user ON pswb_sessions (user_id);
CREATE TABLE pswb_audit (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  district text,
  at timestamptz NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  target text NOT NULL,
  before jsonb,
  after jsonb
);
CREATE INDEX pswb_audit_district ON pswb_audit (district, id);
`;

/**
 * 7: pswb_event_versions, every earlier version of an event an admin corrected or cancelled
 * (SQLite's event_versions): the event as it was, its state and what it had written, who
 * changed it, when, and what was removed from PowerSchool.
 */
const CREATE_EVENT_VERSIONS = `
CREATE TABLE pswb_event_versions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  district text NOT NULL,
  event_id text NOT NULL,
  version integer NOT NULL,
  payload jsonb NOT NULL,
  state text NOT NULL,
  local_date date NOT NULL,
  local_time text NOT NULL,
  error_code text,
  error_message text,
  result jsonb,
  change text NOT NULL,
  changed_at timestamptz NOT NULL,
  changed_by text NOT NULL,
  removed jsonb,
  CONSTRAINT pswb_event_versions_unique UNIQUE (district, event_id, version)
);
`;

/** Every migration, in order; the last one's version is the schema this code reads and writes. */
export const PG_MIGRATIONS: readonly PgMigration[] = [
  { version: 1, name: 'the outbox and writeback log (pswb_events)', sql: CREATE_EVENTS },
  { version: 2, name: 'the attempts journal (pswb_attempts)', sql: CREATE_ATTEMPTS },
  { version: 3, name: 'the districts (pswb_districts)', sql: CREATE_DISTRICTS },
  { version: 4, name: 'the API keys (pswb_api_keys)', sql: CREATE_API_KEYS },
  { version: 5, name: 'the retries of an event (pswb_events.retries)', sql: ADD_RETRIES },
  {
    version: 6,
    name: 'users, sessions and the audit log (pswb_users, pswb_sessions, pswb_audit)',
    sql: CREATE_ACCOUNTS,
  },
  {
    version: 7,
    name: 'the earlier versions of corrected events (pswb_event_versions)',
    sql: CREATE_EVENT_VERSIONS,
  },
];

/** The schema version this code reads and writes. */
export const PG_SCHEMA_VERSION = PG_MIGRATIONS[PG_MIGRATIONS.length - 1]!.version;
