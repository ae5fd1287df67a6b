import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../connector/index.ts';
import {
  RETIRED_INDEXES,
  SCHEMA_VERSION,
  WritebackStore,
  queryLogRows,
  type EventRow,
  type LogQuery,
} from '../../connector/store/index.ts';
import { FIXTURE_DAYS, fillLogFixture, referencePage } from './support/log-fixture.ts';

function catchError(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

/** The events indexes of schema version 1, as pswb 0.1 created them. */
const VERSION_1_INDEXES = `
CREATE INDEX events_outbox ON events(state, seq);
CREATE INDEX events_state_day ON events(state, local_date, occurred_ms);
CREATE INDEX events_state_school_day ON events(state, school_number, local_date, occurred_ms);
CREATE INDEX events_school_day ON events(school_number, local_date, occurred_ms);
CREATE INDEX events_day ON events(local_date, occurred_ms);
CREATE INDEX events_student
  ON events(student_name_id, state, school_number, local_date, occurred_ms);
`;

interface SchemaObject {
  type: string;
  name: string;
  sql: string | null;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pswb-schema-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Every table, view and index by name, an index by its columns (not by how its SQL is spelled). */
function schemaOf(db: Database.Database): SchemaObject[] {
  const objects = db
    .prepare('SELECT type, name, sql FROM sqlite_master ORDER BY type, name')
    .all() as SchemaObject[];
  return objects.map((object) => {
    // A table as its columns (a column added by ALTER TABLE reads differently in its sql).
    if (object.type === 'table') {
      const columns = db.pragma(`table_info(${object.name})`) as { name: string; type: string }[];
      return {
        ...object,
        sql: columns.map((column) => `${column.name} ${column.type}`).join(', '),
      };
    }
    if (object.type !== 'index') return object;
    const columns = db.pragma(`index_info(${object.name})`) as { name: string }[];
    return { ...object, sql: columns.map((column) => column.name).join(', ') };
  });
}

function versionOf(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** A log file as version 1 left it: the fixture's events under the version-1 indexes. */
function writeVersion1Log(path: string): EventRow[] {
  const store = new WritebackStore(path);
  fillLogFixture(store);
  store.close();
  const db = new Database(path);
  const indexes = db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL",
    )
    .pluck()
    .all() as string[];
  for (const index of indexes) db.exec(`DROP INDEX ${index}`);
  db.exec(VERSION_1_INDEXES);
  db.pragma('user_version = 1');
  const rows = db.prepare('SELECT * FROM events ORDER BY seq').all() as EventRow[];
  db.close();
  return rows;
}

/** A user, a session and an audit entry can be made in a migrated log. */
async function expectAccountsWork(store: WritebackStore): Promise<void> {
  const now = new Date('2026-10-14T12:00:00Z');
  const user = await store.users.add(
    { email: 'admin@district.org', role: 'district_admin', password: 'after migration' },
    now,
  );
  expect((await store.users.verify('admin@district.org', 'after migration'))?.id).toBe(user.id);
  const { token } = store.sessions.create(user.id, now);
  expect(store.sessions.find(token, now)?.userId).toBe(user.id);
  store.audit.record({ at: now, actor: 'test', action: 'user.add', target: user.email });
  expect(store.audit.list().map((entry) => entry.action)).toEqual(['user.add']);
}

/** The schema a new, empty log gets. */
function freshSchema(): SchemaObject[] {
  const store = new WritebackStore(join(dir, 'fresh.db'));
  const schema = schemaOf(store.db);
  store.close();
  return schema;
}

describe('writeback log schema migration', () => {
  it('moves a version-1 log to the current indexes and version, keeping every row', () => {
    const path = join(dir, 'v1.db');
    const before = writeVersion1Log(path);
    const store = new WritebackStore(path);
    try {
      expect(versionOf(store.db)).toBe(SCHEMA_VERSION);
      expect(schemaOf(store.db)).toEqual(freshSchema());
      const names = schemaOf(store.db).map((object) => object.name);
      for (const retired of RETIRED_INDEXES) expect(names).not.toContain(retired);
      expect(store.db.prepare('SELECT * FROM events ORDER BY seq').all()).toEqual(before);
    } finally {
      store.close();
    }
  });

  it.each<[string, Omit<LogQuery, 'page' | 'pageSize'>]>([
    ['a name', { search: 'zed' }],
    ['a name and a status', { search: 'zed', states: ['failed'] }],
    ['a building and dates', { schools: [103], from: FIXTURE_DAYS[1], to: FIXTURE_DAYS[3] }],
    ['a status', { states: ['not_attempted'] }],
  ])('filters a migrated log exactly as before: %s', (_name, filter) => {
    const path = join(dir, 'v1.db');
    const before = writeVersion1Log(path);
    const store = new WritebackStore(path);
    try {
      const query = { ...filter, page: 1, pageSize: 5000 };
      const page = queryLogRows(store.db, query);
      expect(page.rows.map((row) => row.id)).toEqual(referencePage(before, query).ids);
    } finally {
      store.close();
    }
  });

  it('moves a version-2 log (no API keys, no retry_at, no users) to the current version, every row kept', async () => {
    const path = join(dir, 'v2.db');
    const store2 = new WritebackStore(path);
    fillLogFixture(store2);
    store2.close();
    const db = new Database(path);
    db.exec('DROP TABLE api_keys');
    db.exec('DROP TABLE sessions');
    db.exec('DROP TABLE users');
    db.exec('DROP TABLE audit_log');
    db.exec('DROP VIEW writeback_log');
    db.exec('ALTER TABLE events DROP COLUMN retry_at');
    db.exec('ALTER TABLE events DROP COLUMN retries');
    db.pragma('user_version = 2');
    const before = db.prepare('SELECT * FROM events ORDER BY seq').all();
    db.close();
    const store = new WritebackStore(path);
    try {
      expect(versionOf(store.db)).toBe(SCHEMA_VERSION);
      expect(schemaOf(store.db)).toEqual(freshSchema());
      // Every row as it was, with the new column empty.
      expect(store.db.prepare('SELECT * FROM events ORDER BY seq').all()).toEqual(
        (before as Record<string, unknown>[]).map((row) => ({
          ...row,
          retry_at: null,
          retries: 0,
        })),
      );
      const columns = store.db
        .prepare("SELECT name FROM pragma_table_info('events')")
        .pluck()
        .all();
      expect(columns).toContain('retry_at');
      const { key } = store.keys.create({ name: 'after migration', district: 'https://x.example' });
      expect(store.keys.verify(key)?.name).toBe('after migration');
      await expectAccountsWork(store);
    } finally {
      store.close();
    }
  });

  it('moves a version-4 log (no users, sessions, audit log, event versions or retries) to the current version, every row kept', async () => {
    const path = join(dir, 'v4.db');
    const store4 = new WritebackStore(path);
    fillLogFixture(store4);
    const { key } = store4.keys.create({ name: 'kept', district: 'https://x.example' });
    store4.close();
    const db = new Database(path);
    db.exec('DROP TABLE sessions');
    db.exec('DROP TABLE users');
    db.exec('DROP TABLE audit_log');
    db.exec('DROP TABLE event_versions');
    db.exec('ALTER TABLE events DROP COLUMN retries');
    db.pragma('user_version = 4');
    const before = db.prepare('SELECT * FROM events ORDER BY seq').all();
    db.close();
    const store = new WritebackStore(path);
    try {
      expect(SCHEMA_VERSION).toBe(7);
      expect(versionOf(store.db)).toBe(7);
      expect(schemaOf(store.db)).toEqual(freshSchema());
      // Every row as it was, none yet retried.
      expect(store.db.prepare('SELECT * FROM events ORDER BY seq').all()).toEqual(
        (before as Record<string, unknown>[]).map((row) => ({ ...row, retries: 0 })),
      );
      expect(store.keys.verify(key)?.name).toBe('kept');
      await expectAccountsWork(store);
    } finally {
      store.close();
    }
  });

  it('leaves a migrated log as it is when opened again (the migration runs once)', () => {
    const path = join(dir, 'v1.db');
    writeVersion1Log(path);
    const first = new WritebackStore(path);
    const migrated = schemaOf(first.db);
    const rows = first.db.prepare('SELECT * FROM events ORDER BY seq').all();
    first.close();
    for (let reopen = 0; reopen < 2; reopen += 1) {
      const store = new WritebackStore(path);
      try {
        expect(schemaOf(store.db)).toEqual(migrated);
        expect(versionOf(store.db)).toBe(SCHEMA_VERSION);
        expect(store.db.prepare('SELECT * FROM events ORDER BY seq').all()).toEqual(rows);
      } finally {
        store.close();
      }
    }
  });

  it('rolls a failed migration back whole: the file stays at version 1 with its old indexes', () => {
    const path = join(dir, 'v1.db');
    writeVersion1Log(path);
    const db = new Database(path);
    // A table holding the name of a new index makes its CREATE INDEX fail mid-migration.
    db.exec('CREATE TABLE events_day_student (x)');
    db.close();
    expect(() => new WritebackStore(path)).toThrow(/events_day_student/);
    const after = new Database(path);
    try {
      expect(versionOf(after)).toBe(1);
      expect(schemaOf(after).map((object) => object.name)).toContain('events_student');
    } finally {
      after.close();
    }
  });

  it('refuses a log written by a newer pswb with store_newer, leaving the file byte for byte as it was', () => {
    const path = join(dir, 'newer.db');
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.exec('CREATE TABLE future (x)');
    db.close();
    const before = readFileSync(path);
    const caught = catchError(() => new WritebackStore(path));
    expect(caught).toBeInstanceOf(ConnectorError);
    expect((caught as ConnectorError).code).toBe('store_newer');
    expect((caught as ConnectorError).message).toBe(
      `${path} was written by a newer pswb (log schema ${SCHEMA_VERSION + 1}; this pswb reads up to ${SCHEMA_VERSION}); it was not changed.`,
    );
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('refuses a file that is not a database with store_unreadable and does not change it', () => {
    const path = join(dir, 'connector.db');
    writeFileSync(path, "this is not a database, but somebody's notes\n".repeat(200));
    const before = readFileSync(path);
    const caught = catchError(() => new WritebackStore(path));
    expect((caught as ConnectorError).code).toBe('store_unreadable');
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('names a data directory that is a file as data_dir_unusable', () => {
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, 'x');
    const caught = catchError(() => new WritebackStore(join(file, 'connector.db')));
    expect((caught as ConnectorError).code).toBe('data_dir_unusable');
  });

  it('creates the log 0600 in a folder created 0700, and tightens an existing 0644 log', () => {
    const folder = join(dir, 'fresh', 'data');
    const store = new WritebackStore(join(folder, 'connector.db'));
    store.accept([], 'now');
    store.close();
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(statSync(join(folder, 'connector.db')).mode & 0o777).toBe(0o600);
    chmodSync(join(folder, 'connector.db'), 0o644);
    new WritebackStore(join(folder, 'connector.db')).close();
    expect(statSync(join(folder, 'connector.db')).mode & 0o777).toBe(0o600);
  });

  it("gives the -wal and -shm files the log's 0600 mode", () => {
    const path = join(dir, 'wal.db');
    const store = new WritebackStore(path);
    store.db.exec("INSERT INTO student_names (name, search_key) VALUES ('a', 'a')");
    for (const file of [`${path}-wal`, `${path}-shm`]) {
      expect(statSync(file).mode & 0o777).toBe(0o600);
    }
    store.close();
  });
});

describe('writeback log indexes', () => {
  it('lead every events index with a column a new event adds at the newest end (never the student)', () => {
    const store = WritebackStore.inMemory();
    try {
      const indexes = store.db.pragma('index_list(events)') as { name: string }[];
      const leading = indexes.map(({ name }) => {
        const columns = store.db.pragma(`index_info(${name})`) as { seqno: number; name: string }[];
        return columns.find((column) => column.seqno === 0)!.name;
      });
      expect(indexes.length).toBeGreaterThan(4);
      for (const column of leading) {
        expect(['state', 'local_date', 'school_number', 'id']).toContain(column);
      }
    } finally {
      store.close();
    }
  });
});
