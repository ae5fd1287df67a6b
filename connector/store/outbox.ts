/**
 * The outbox and writeback log on SQLite (better-sqlite3). An event is committed here before
 * anything is sent; its row then records every state change and its attempts are journaled.
 */
import { ApiKeyStore } from './api-keys.ts';
import { AuditLog } from './audit.ts';
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { EVENT_STATES, type EventState, type WritebackEvent } from '../domain/index.ts';
import type { HttpAttempt } from '../http/index.ts';
import { queryLogRows, type LogQuery, type LogRowPage } from './log-query.ts';
import {
  journaledBody,
  type AttemptRow,
  type EventOutcome,
  type EventRow,
  type EventVersionRow,
  type LocalStamp,
} from './rows.ts';
import { applyStoreSchema } from './schema.ts';
import { SessionStore } from './sessions.ts';
import { storageFailure } from './sqlite-failure.ts';
import { UserStore } from './users.ts';
import { WriteQueue } from './write-queue.ts';

/** The log file inside the data directory. */
export const LOG_DB_FILE = 'connector.db';

/** The outbox and log. */
export class WritebackStore {
  readonly db: Database.Database;
  readonly path: string;
  readonly #statements;
  /** The service's API keys, in the same file. */
  readonly keys: ApiKeyStore;
  /** The admin page's users, in the same file. */
  readonly users: UserStore;
  /** The admin page's sign-in sessions, in the same file. */
  readonly sessions: SessionStore;
  /** Who changed what, in the same file. */
  readonly audit: AuditLog;
  /** Stamps, attempts and final states waiting for the next group commit. */
  readonly #writes: WriteQueue;

  constructor(path: string) {
    this.path = path;
    this.db = openDatabase(path);
    const db = this.db;
    this.keys = new ApiKeyStore(db);
    this.users = new UserStore(db);
    this.sessions = new SessionStore(db);
    this.audit = new AuditLog(db);
    this.#writes = new WriteQueue((writes) =>
      this.#guard(() => db.transaction(() => writes.forEach((w) => w())).immediate()),
    );
    this.#statements = {
      nameId: db.prepare<[string], { id: number }>('SELECT id FROM student_names WHERE name = ?'),
      insertName: db.prepare('INSERT INTO student_names (name, search_key) VALUES (?, ?)'),
      insertEvent: db.prepare(`INSERT INTO events (id, type, school_number, student_name_id,
        student_name, student_dcid, student_ps_id, grade, occurred_at, occurred_ms, local_date,
        local_time, reason, payload, state, created_at, updated_at)
        VALUES (@id, @type, @school_number, @student_name_id, @student_name, @student_dcid,
        @student_ps_id, @grade, @occurred_at, @occurred_ms, @local_date, @local_time, @reason,
        @payload, 'pending', @now, @now) ON CONFLICT (id) DO NOTHING RETURNING seq`),
      byId: db.prepare<[string], EventRow>('SELECT * FROM events WHERE id = ?'),
      byIds: db.prepare<[string], EventRow>(
        'SELECT * FROM events WHERE id IN (SELECT value FROM json_each(?))',
      ),
      claim: db.prepare<[string, string, string], EventRow>(`UPDATE events SET state = 'sending',
        owner = ?, runs = runs + 1, updated_at = ? WHERE id = ? AND state IN ('pending', 'sending')
        RETURNING *`),
      complete: db.prepare(`UPDATE events SET state = @state, owner = NULL, retry_at = NULL,
        student_ps_id = coalesce(@student_ps_id, student_ps_id), error_code = @error_code,
        error_message = @error_message, error_status = @error_status, error_body = @error_body,
        result = @result, updated_at = @now, completed_at = @now WHERE id = @id`),
      claimNext: db.prepare<{ owner: string; now: string; limit: number }, EventRow>(`UPDATE events
        SET state = 'sending', owner = @owner, runs = runs + 1, updated_at = @now
        WHERE seq IN (SELECT seq FROM events WHERE state = 'pending'
          AND (retry_at IS NULL OR retry_at <= @now) ORDER BY seq LIMIT @limit)
        RETURNING *`),
      stamp: db.prepare('UPDATE events SET local_date = ?, local_time = ? WHERE id = ?'),
      defer: db.prepare(`UPDATE events SET state = 'pending', owner = NULL, retry_at = @retry_at,
        error_code = @error_code, error_message = @error_message, error_status = @error_status,
        error_body = @error_body, retries = retries + @retry, updated_at = @now WHERE id = @id`),
      insertAttempt: db.prepare(`INSERT INTO attempts (event_id, run, started_at, duration_ms,
        method, url, http_status, outcome, error_code, response_body, retry_in_ms)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      attempts: db.prepare<[string], AttemptRow>(
        'SELECT * FROM attempts WHERE event_id = ? ORDER BY id',
      ),
      sending: db.prepare<[], EventRow>(
        `SELECT * FROM events WHERE state = 'sending' ORDER BY seq`,
      ),
      requeue:
        db.prepare(`UPDATE events SET state = 'pending', owner = NULL, retry_at = NULL, retries = 0,
        updated_at = ? WHERE id = ? AND state IN ('failed', 'not_attempted')`),
      requeueWritten:
        db.prepare(`UPDATE events SET state = 'pending', owner = NULL, retry_at = NULL, retries = 0,
        updated_at = ? WHERE id = ? AND state = 'successful'`),
      // events_state_day and events_day_student both lead with the day: a day's events, filtered.
      studentDay: db.prepare<[string, number | null, number | null], EventRow>(
        `SELECT * FROM events WHERE local_date = ?
          AND (student_ps_id = ? OR student_dcid = ?) ORDER BY occurred_ms, seq`,
      ),
      linkReturn: db.prepare<[string, string]>(
        `UPDATE events SET result = json_set(coalesce(result, '{}'), '$.returnedBy', ?) WHERE id = ?`,
      ),
      versions: db.prepare<[string], EventVersionRow>(
        'SELECT * FROM event_versions WHERE event_id = ? ORDER BY version',
      ),
      versionCounts: db.prepare<[string], { event_id: string; n: number }>(
        `SELECT event_id, count(*) AS n FROM event_versions
          WHERE event_id IN (SELECT value FROM json_each(?)) GROUP BY event_id`,
      ),
      insertVersion: db.prepare(`INSERT INTO event_versions (event_id, version, payload, state,
        local_date, local_time, error_code, error_message, result, change, changed_at, changed_by,
        removed) SELECT id, (SELECT count(*) + 1 FROM event_versions WHERE event_id = @id), payload,
        state, local_date, local_time, error_code, error_message, result, @change, @at, @by,
        @removed FROM events WHERE id = @id`),
      corrected: db.prepare(`UPDATE events SET type = @type, school_number = @school_number,
        student_name_id = @student_name_id, student_name = @student_name,
        student_dcid = @student_dcid, student_ps_id = @student_ps_id, grade = @grade,
        occurred_at = @occurred_at, occurred_ms = @occurred_ms, local_date = @local_date,
        local_time = @local_time, reason = @reason, payload = @payload, state = 'pending',
        owner = NULL, retry_at = NULL, error_code = NULL, error_message = NULL,
        error_status = NULL, error_body = NULL, result = NULL, updated_at = @now,
        completed_at = NULL WHERE id = @id`),
      cancelled: db.prepare(`UPDATE events SET state = 'not_attempted', owner = NULL,
        retry_at = NULL, error_code = 'cancelled', error_message = @message, error_status = NULL,
        error_body = NULL, result = NULL, updated_at = @at, completed_at = @at WHERE id = @id`),
      release: db.prepare(`UPDATE events SET state = 'pending', owner = NULL WHERE id = ?
        AND state = 'sending'`),
      queued: db.prepare<[], { waiting: number; sending: number; oldest: string | null }>(
        `SELECT (SELECT count(*) FROM events WHERE state = 'pending') AS waiting,
          (SELECT count(*) FROM events WHERE state = 'sending') AS sending,
          (SELECT created_at FROM events WHERE state = 'pending' ORDER BY seq LIMIT 1) AS oldest`,
      ),
      counts: db.prepare<[], { state: EventState; n: number }>(
        'SELECT state, count(*) AS n FROM events GROUP BY state',
      ),
      statesOf: db.prepare<[string], { state: EventState; n: number }>(
        'SELECT state, count(*) AS n FROM events WHERE id IN (SELECT value FROM json_each(?)) GROUP BY state',
      ),
      setAside: db.prepare<[string, string], { id: string }>(`UPDATE events SET state = 'failed',
        owner = NULL, error_code = 'stored_event_unreadable', error_message = 'The stored event has
        an unknown state ("' || state || '"), so it was set aside instead of sent.',
        error_status = NULL, error_body = NULL, updated_at = ?, completed_at = ?
        WHERE state NOT IN (${EVENT_STATES.map((state) => `'${state}'`).join(', ')}) RETURNING id`),
    };
  }

  /** Opens data-dir/connector.db. */
  static openDataDir(dataDir: string): WritebackStore {
    return new WritebackStore(join(dataDir, LOG_DB_FILE));
  }

  /** A store that lives in memory only (tests). */
  static inMemory(): WritebackStore {
    return new WritebackStore(':memory:');
  }

  /** Runs a storage step; a full disk or an unusable file becomes its ConnectorError. */
  #guard<T>(step: () => T): T {
    try {
      return step();
    } catch (error) {
      throw storageFailure(error, this.path);
    }
  }

  #studentNameId(name: string): number {
    const found = this.#statements.nameId.get(name);
    if (found) return found.id;
    return Number(this.#statements.insertName.run(name, name.toLowerCase()).lastInsertRowid);
  }

  /** The events columns an event and its stamp fill, at `now` (accepting it, or its correction). */
  #eventColumns(event: WritebackEvent, stamp: LocalStamp, now: string) {
    return {
      now,
      id: event.id,
      type: event.type,
      school_number: event.student.schoolNumber,
      student_name_id: this.#studentNameId(event.student.name),
      student_name: event.student.name,
      student_dcid: event.student.dcid ?? null,
      student_ps_id: event.student.id ?? null,
      grade: event.student.grade ?? null,
      occurred_at: event.occurredAt,
      occurred_ms: Date.parse(event.occurredAt),
      local_date: stamp.date,
      local_time: stamp.time,
      reason: event.reason,
      payload: JSON.stringify(event),
    };
  }

  /**
   * Commits events in one transaction. An id already present is not inserted again: it is
   * reported with created false, after `onExisting` saw the stored row (it may throw to refuse
   * the whole call, which then commits nothing).
   */
  accept(
    items: Iterable<{ event: WritebackEvent; stamp: LocalStamp }>,
    now: string,
    onExisting: (row: EventRow, event: WritebackEvent) => void = () => undefined,
  ): { id: string; created: boolean }[] {
    this.flush();
    const run = this.db.transaction(() =>
      Array.from(items, ({ event, stamp }) => {
        const inserted = this.#statements.insertEvent.get(this.#eventColumns(event, stamp, now));
        if (inserted !== undefined) return { id: event.id, created: true };
        onExisting(this.#statements.byId.get(event.id)!, event);
        return { id: event.id, created: false };
      }),
    );
    // IMMEDIATE: the write lock is taken first (waiting up to busy_timeout), so a transaction that
    // reads before it writes never fails at once with SQLITE_BUSY beside another process.
    return this.#guard(() => run.immediate());
  }

  /** The event with this id. */
  get(id: string): EventRow | undefined {
    this.flush();
    return this.#statements.byId.get(id);
  }

  /** The events with these ids, in the order asked (one statement for the lot). */
  getMany(ids: readonly string[]): (EventRow | undefined)[] {
    this.flush();
    const found = new Map(
      this.#statements.byIds.all(JSON.stringify(ids)).map((row) => [row.id, row]),
    );
    return ids.map((id) => found.get(id));
  }

  /** Events marked as being sent (by this or another process, maybe one that was killed). */
  sending(): EventRow[] {
    this.flush();
    return this.#statements.sending.all();
  }

  /** Marks an event as being sent by owner; undefined when it already has a final state. */
  claim(id: string, owner: string, now: string): EventRow | undefined {
    this.flush();
    return this.#statements.claim.get(owner, now, id);
  }

  /** Claims up to `limit` pending events for owner, oldest first, in one statement. */
  claimNext(owner: string, now: string, limit: number): EventRow[] {
    this.flush();
    // RETURNING gives no order: put the claimed events back in outbox order.
    return this.#guard(() => this.#statements.claimNext.all({ owner, now, limit })).sort(
      (a, b) => a.seq - b.seq,
    );
  }

  /**
   * Puts an event back to pending until `retryAt`, keeping the failure that deferred it (the log
   * shows why it waits); `retry` counts it in the event's retries. Grouped with the run's other
   * writes.
   */
  defer(
    id: string,
    retryAt: string,
    error: NonNullable<EventOutcome['error']>,
    now: string,
    options: { retry: boolean },
  ): void {
    this.#writes.write(() =>
      this.#statements.defer.run({
        id,
        retry_at: retryAt,
        error_code: error.code,
        error_message: error.message,
        error_status: error.status ?? null,
        error_body: error.body ?? null,
        retry: options.retry ? 1 : 0,
        now,
      }),
    );
  }

  /** Puts an event that was being sent back to pending (its sender is gone). */
  release(id: string): void {
    this.flush();
    this.#guard(() => this.#statements.release.run(id));
  }

  /** Records the district-local date and time once the district time zone is known. */
  stamp(id: string, stamp: LocalStamp): void {
    this.#writes.write(() => this.#statements.stamp.run(stamp.date, stamp.time, id));
  }

  /** Journals one HTTP attempt made for an event. */
  recordAttempt(eventId: string, run: number, attempt: HttpAttempt): void {
    this.#writes.write(() => this.#insertAttempt(eventId, run, attempt));
  }

  #insertAttempt(eventId: string, run: number, attempt: HttpAttempt): void {
    this.#statements.insertAttempt.run(
      eventId,
      run,
      attempt.startedAt,
      Math.round(attempt.durationMs),
      attempt.method,
      attempt.url,
      attempt.status ?? null,
      attempt.outcome,
      attempt.errorCode ?? null,
      journaledBody(attempt),
      attempt.retryInMs ?? null,
    );
  }

  /** Writes an event's final state. */
  complete(id: string, outcome: EventOutcome, now: string): void {
    const params = {
      id,
      state: outcome.state,
      student_ps_id: outcome.studentPsId ?? null,
      error_code: outcome.error?.code ?? null,
      error_message: outcome.error?.message ?? null,
      error_status: outcome.error?.status ?? null,
      error_body: outcome.error?.body ?? null,
      result: outcome.result === undefined ? null : JSON.stringify(outcome.result),
      now,
    };
    this.#writes.write(() => this.#statements.complete.run(params));
  }

  /** Until the matching endGroupedWrites, log writes are committed in groups (write-queue.ts). */
  startGroupedWrites(): void {
    this.#writes.start();
  }

  /** Ends a startGroupedWrites span; the last one out commits what is queued. */
  endGroupedWrites(): void {
    this.#writes.end();
  }

  /** Commits every queued write in one transaction (nothing to do when none is queued). */
  flush(): void {
    this.#writes.flush();
  }

  /** Moves failed or not-attempted events back to pending for a replay; returns how many. */
  requeue(ids: readonly string[], now: string): number {
    this.flush();
    const run = this.db.transaction(() =>
      ids.reduce((moved, id) => moved + this.#statements.requeue.run(now, id).changes, 0),
    );
    // IMMEDIATE: the write lock is taken first (waiting up to busy_timeout), so a transaction that
    // reads before it writes never fails at once with SQLITE_BUSY beside another process.
    return this.#guard(() => run.immediate());
  }

  /**
   * Puts successful events back in the outbox, to be written again: only for a record that a
   * reconciliation found missing from PowerSchool (writeback/reconcile.ts). The number moved.
   */
  requeueWritten(ids: readonly string[], now: string): number {
    this.flush();
    const run = this.db.transaction(() =>
      ids.reduce((moved, id) => moved + this.#statements.requeueWritten.run(now, id).changes, 0),
    );
    return this.#guard(() => run.immediate());
  }

  /**
   * A student's events of one district-local day, by STUDENTS.ID or DCID, in the order they
   * happened: the check-outs a return to school updates, and the records pswb itself wrote (a
   * teacher's mark is one pswb did not write).
   */
  studentDay(localDate: string, student: { psId?: number; dcid?: number }): EventRow[] {
    this.flush();
    return this.#statements.studentDay.all(localDate, student.psId ?? null, student.dcid ?? null);
  }

  /** Records on an early check-out the check-in that returned from it (the log links both). */
  linkReturn(checkoutId: string, returnId: string): void {
    this.#writes.write(() => this.#statements.linkReturn.run(returnId, checkoutId));
  }

  /**
   * Replaces an event by its correction (back to pending, to be written again) or cancels it
   * (Not attempted, code cancelled), keeping the version before in event_versions, in one
   * transaction. `expected` is the updated_at the caller read: an event that changed since (a
   * worker claimed it, someone re-sent it) is left as it is and false returned.
   */
  revise(
    id: string,
    expected: string,
    revision:
      | { change: 'corrected'; event: WritebackEvent; stamp: LocalStamp }
      | { change: 'cancelled'; message: string },
    by: { at: string; by: string; removed: unknown },
  ): boolean {
    this.flush();
    const run = this.db.transaction(() => {
      const row = this.#statements.byId.get(id);
      if (!row || row.updated_at !== expected || row.state === 'sending') return false;
      this.#statements.insertVersion.run({
        id,
        change: revision.change,
        at: by.at,
        by: by.by,
        removed: JSON.stringify(by.removed),
      });
      if (revision.change === 'cancelled') {
        this.#statements.cancelled.run({ id, message: revision.message, at: by.at });
        return true;
      }
      this.#statements.corrected.run(this.#eventColumns(revision.event, revision.stamp, by.at));
      return true;
    });
    return this.#guard(() => run.immediate());
  }

  /** An event's earlier versions (before each correction or its cancellation), oldest first. */
  versions(eventId: string): EventVersionRow[] {
    return this.#statements.versions.all(eventId);
  }

  /** How many earlier versions each of these events has (absent: none). */
  versionCounts(eventIds: readonly string[]): Map<string, number> {
    const rows = this.#statements.versionCounts.all(JSON.stringify(eventIds));
    return new Map(rows.map((row) => [row.event_id, row.n]));
  }

  /** Every attempt journaled for an event, in order. */
  attempts(eventId: string): AttemptRow[] {
    this.flush();
    return this.#statements.attempts.all(eventId);
  }

  /** A filtered, paged page of the log, newest first. */
  query(query: LogQuery): LogRowPage {
    this.flush();
    return queryLogRows(this.db, query);
  }

  /**
   * Sets aside rows whose state this version does not know (a hand-edited or newer file) as
   * Failed with a clear reason, so they never block the outbox; returns their ids.
   */
  setAsideUnknownStates(now: string): string[] {
    this.flush();
    return this.#guard(() => this.#statements.setAside.all(now, now)).map((row) => row.id);
  }

  /** How many of the events with these ids are in each state (asked 5,000 ids at a time). */
  countStates(ids: readonly string[]): Record<EventState, number> {
    this.flush();
    const counts = { pending: 0, sending: 0, successful: 0, failed: 0, not_attempted: 0 };
    for (let start = 0; start < ids.length; start += 5000) {
      const chunk = JSON.stringify(ids.slice(start, start + 5000));
      for (const { state, n } of this.#statements.statesOf.all(chunk)) {
        if (state in counts) counts[state] += n;
      }
    }
    return counts;
  }

  /**
   * The outbox's depth: events waiting to be sent, events being sent, and when the oldest waiting
   * one was accepted (the state index answers all three without reading the log).
   */
  queue(): { pending: number; sending: number; oldestPendingAt: string | null } {
    this.flush();
    const { waiting, sending, oldest } = this.#statements.queued.get()!;
    return { pending: waiting, sending, oldestPendingAt: oldest };
  }

  /** How many events are in each state. */
  counts(): Record<EventState, number> {
    this.flush();
    const counts = { pending: 0, sending: 0, successful: 0, failed: 0, not_attempted: 0 };
    for (const { state, n } of this.#statements.counts.all()) {
      if (state in counts) counts[state] = n;
    }
    return counts;
  }

  /** Closes the database (again: nothing happens). */
  close(): void {
    if (!this.db.open) return;
    try {
      this.flush();
    } finally {
      this.db.close();
    }
  }
}

/**
 * Opens (or creates) the log file: its folder 0700 when created, the file itself 0600 (it holds
 * student names and PowerSchool's answers; SQLite gives its -wal and -shm files the same mode),
 * and the schema checked before anything is written.
 */
function openDatabase(path: string): Database.Database {
  let db: Database.Database | undefined;
  try {
    if (path !== ':memory:') {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      closeSync(openSync(path, 'a', 0o600));
    }
    db = new Database(path);
    applyStoreSchema(db);
    // Only once the file is known to be ours and current: a refused file is left as it was.
    for (const file of [path, `${path}-wal`, `${path}-shm`]) keepPrivate(file);
    return db;
  } catch (error) {
    db?.close();
    throw storageFailure(error, path);
  }
}

/** Takes group and other access away from a file of ours (best effort: another owner's file is left). */
function keepPrivate(file: string): void {
  if (file.startsWith(':memory:')) return;
  try {
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  } catch {
    // Missing (-wal before the first write) or not ours: nothing to tighten.
  }
}
