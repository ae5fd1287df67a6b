/**
 * The outbox and writeback log on PostgreSQL, for several workers in several processes
 * (decision 080). An accept commits the events and notifies the channel in one transaction, so
 * "accepted" and "queued" are one fact; a claim takes the oldest due events with FOR UPDATE
 * SKIP LOCKED, so two workers never take the same event, and leases it: a worker that dies
 * leaves its events to whoever claims after the lease lapses. Every later change names the
 * claim it was made under (owner and run), so a worker that lost its lease cannot overwrite
 * what the next one wrote.
 */
import pg from 'pg';
import type { HttpAttempt } from '../../http/index.ts';
import type { LogQuery, LogRowPage } from '../log-query.ts';
import type { WritebackEvent } from '../../domain/index.ts';
import {
  journaledBody,
  type EventOutcome,
  type EventVersionRow,
  type LocalStamp,
} from '../rows.ts';
import { ACCEPT_CHUNK, insertAllNew, insertChunk, type PgAcceptItem } from './accept.ts';
import { DISTRICTS_CHANNEL, OUTBOX_CHANNEL } from './migrations.ts';
import {
  EVENT_COLUMNS,
  EVENT_COLUMNS_OF_E,
  toPgEventRow,
  type PgEventRow,
  type RawEventRow,
} from './rows.ts';
import { withTransaction } from './transaction.ts';

/**
 * The claim a change is made under: a claimed row is one. `runs` counts the claims of the
 * event, so it tells this claim from a later one by the same owner.
 */
export interface PgClaim {
  district: string;
  id: string;
  owner: string | null;
  runs: number;
}

/** The outbox's depth. */
export interface PgQueueDepth {
  pending: number;
  sending: number;
  /** When the oldest waiting event was accepted (ISO instant), or null. */
  oldestPendingAt: string | null;
}

/**
 * The due events: waiting and past any retry_at, or being sent under a lapsed lease, of a
 * district that is not paused (districts.ts).
 */
function claimSql(byDistrict: boolean): string {
  return `WITH next AS (
  SELECT seq FROM pswb_events
  WHERE state IN ('pending', 'sending')
    AND ((state = 'pending' AND (retry_at IS NULL OR retry_at <= $2))
      OR (state = 'sending' AND lease_until < $2))
    ${byDistrict ? 'AND district = $5' : ''}
    AND NOT EXISTS (SELECT 1 FROM pswb_districts d
      WHERE d.id = pswb_events.district AND d.paused_until > $2)
  ORDER BY seq
  LIMIT $3
  FOR UPDATE SKIP LOCKED
)
UPDATE pswb_events e SET state = 'sending', owner = $1, runs = e.runs + 1,
  lease_until = $2::timestamptz + $4 * interval '1 millisecond', updated_at = $2
FROM next WHERE e.seq = next.seq
RETURNING ${EVENT_COLUMNS_OF_E}`;
}

/** The rows of a claim still held: being sent, by this owner, under this run. */
const HELD = `district = $1 AND id = $2 AND state = 'sending' AND owner = $3 AND runs = $4`;

/** The outbox and log of every district in one PostgreSQL database. */
export class PgOutbox {
  readonly #pool: pg.Pool;

  /** `pool` must reach a database at this code's schema (checkPostgresSchema). */
  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /**
   * Commits a district's events and notifies the outbox channel, in one transaction. An id the
   * district already has is not inserted again (created false) when its contents are the same;
   * with other contents the whole call is refused with event_conflict and nothing is committed.
   */
  async accept(
    district: string,
    items: Iterable<PgAcceptItem>,
    now: string,
  ): Promise<{ id: string; created: boolean }[]> {
    const all = [...items];
    // The usual request: one chunk of new events, in one statement (accept.ts, insertAllNew).
    if (all.length > 0 && all.length <= ACCEPT_CHUNK) {
      const done = await insertAllNew(this.#pool, district, all, now);
      if (done) return done;
    }
    return withTransaction(this.#pool, async (client) => {
      const results: { id: string; created: boolean }[] = [];
      for (let start = 0; start < all.length; start += ACCEPT_CHUNK) {
        results.push(
          ...(await insertChunk(client, district, all.slice(start, start + ACCEPT_CHUNK), now)),
        );
      }
      // Delivered at COMMIT, and only then: a listener never wakes for events it cannot see.
      if (results.some((result) => result.created)) {
        await client.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, district]);
      }
      return results;
    });
  }

  /** The event of this district with this id. */
  async get(district: string, id: string): Promise<PgEventRow | undefined> {
    const { rows } = await this.#pool.query<RawEventRow>(
      `SELECT ${EVENT_COLUMNS} FROM pswb_events WHERE district = $1 AND id = $2`,
      [district, id],
    );
    return rows[0] ? toPgEventRow(rows[0]) : undefined;
  }

  /**
   * A page of a district's Writeback Logs, newest first (the day, then the time it happened):
   * the log filters as SQLite applies them (log-query.ts). The name search is a plain ILIKE on
   * the district's rows (its speed over a large log is not measured yet).
   */
  async query(district: string, query: LogQuery): Promise<LogRowPage> {
    if (query.schools?.length === 0 || query.ids?.length === 0) return { rows: [], total: 0 };
    const values: unknown[] = [district];
    const where = ['district = $1'];
    const add = (sql: (n: string) => string, value: unknown): void => {
      values.push(value);
      where.push(sql(`$${values.length}`));
    };
    if (query.states) add((n) => `state = ANY(${n}::text[])`, query.states);
    if (query.type) add((n) => `type = ${n}`, query.type);
    if (query.schools) add((n) => `school_number = ANY(${n}::int[])`, query.schools);
    if (query.from) add((n) => `local_date >= ${n}::date`, query.from);
    if (query.to) add((n) => `local_date <= ${n}::date`, query.to);
    if (query.ids) add((n) => `id = ANY(${n}::text[])`, query.ids);
    const search = query.search?.trim();
    if (search) {
      add((n) => `student_name ILIKE ${n}`, `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    }
    const filter = where.join(' AND ');
    const counted = await this.#pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pswb_events WHERE ${filter}`,
      values,
    );
    const { rows } = await this.#pool.query<RawEventRow>(
      `SELECT ${EVENT_COLUMNS} FROM pswb_events WHERE ${filter}
       ORDER BY local_date DESC, occurred_ms DESC, seq DESC
       LIMIT ${query.pageSize} OFFSET ${(query.page - 1) * query.pageSize}`,
      values,
    );
    return { rows: rows.map(toPgEventRow), total: counted.rows[0]!.n };
  }

  /**
   * Claims up to `limit` due events for `owner`, oldest first, leased until now + leaseMs: those
   * waiting (past their retry_at) and those whose sender's lease lapsed. Events another
   * claimer holds at that moment are skipped, not waited for. Each claim counts a run.
   */
  async claimNext(
    owner: string,
    now: string,
    limit: number,
    leaseMs: number,
    { district }: { district?: string } = {},
  ): Promise<PgEventRow[]> {
    const values: unknown[] = [owner, now, limit, leaseMs];
    if (district !== undefined) values.push(district);
    const { rows } = await this.#pool.query<RawEventRow>(claimSql(district !== undefined), values);
    // RETURNING gives no order: put the claimed events back in outbox order.
    return rows.map(toPgEventRow).sort((a, b) => a.seq - b.seq);
  }

  /** Moves a held claim's lease to now + leaseMs; false when the claim is no longer held. */
  async extendLease(claim: PgClaim, now: string, leaseMs: number): Promise<boolean> {
    const { rowCount } = await this.#pool.query(
      `UPDATE pswb_events SET lease_until = $5::timestamptz + $6 * interval '1 millisecond'
       WHERE ${HELD}`,
      [...heldBy(claim), now, leaseMs],
    );
    return rowCount === 1;
  }

  /**
   * Writes an event's final state, only under the claim that holds it; false (nothing written)
   * when another claim took the event after this one's lease lapsed, or it was released.
   */
  async complete(claim: PgClaim, outcome: EventOutcome, now: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query(
      `UPDATE pswb_events SET state = $5, owner = NULL, lease_until = NULL, retry_at = NULL,
         student_ps_id = coalesce($6, student_ps_id), error_code = $7, error_message = $8,
         error_status = $9, error_body = $10, result = $11::jsonb, updated_at = $12,
         completed_at = $12
       WHERE ${HELD}`,
      [
        ...heldBy(claim),
        outcome.state,
        outcome.studentPsId ?? null,
        outcome.error?.code ?? null,
        outcome.error?.message ?? null,
        outcome.error?.status ?? null,
        outcome.error?.body ?? null,
        outcome.result === undefined ? null : JSON.stringify(outcome.result),
        now,
      ],
    );
    return rowCount === 1;
  }

  /**
   * Puts a held event back to pending until `retryAt`, keeping the failure that deferred it (the
   * log shows why it waits); `retry` counts it in the event's retries. False when the claim is
   * no longer held.
   */
  async defer(
    claim: PgClaim,
    retryAt: string,
    error: NonNullable<EventOutcome['error']>,
    now: string,
    options: { retry: boolean },
  ): Promise<boolean> {
    const { rowCount } = await this.#pool.query(
      `UPDATE pswb_events SET state = 'pending', owner = NULL, lease_until = NULL, retry_at = $5,
         error_code = $6, error_message = $7, error_status = $8, error_body = $9, updated_at = $10,
         retries = retries + $11
       WHERE ${HELD}`,
      [
        ...heldBy(claim),
        retryAt,
        error.code,
        error.message,
        error.status ?? null,
        error.body ?? null,
        now,
        options.retry ? 1 : 0,
      ],
    );
    return rowCount === 1;
  }

  /**
   * Puts a held event back to pending at once (a worker stopping) and wakes the listeners;
   * false when the claim is no longer held.
   */
  async release(claim: PgClaim, now: string): Promise<boolean> {
    const { rows } = await this.#pool.query<{ moved: number }>(
      `WITH moved AS (
         UPDATE pswb_events SET state = 'pending', owner = NULL, lease_until = NULL, updated_at = $5
         WHERE ${HELD} RETURNING district)
       SELECT count(*)::int AS moved,
         CASE WHEN count(*) > 0 THEN pg_notify('${OUTBOX_CHANNEL}', $1) END FROM moved`,
      [...heldBy(claim), now],
    );
    return rows[0]?.moved === 1;
  }

  /** Records the district-local date and time of a held event; false when no longer held. */
  async stamp(claim: PgClaim, stamp: LocalStamp): Promise<boolean> {
    const { rowCount } = await this.#pool.query(
      `UPDATE pswb_events SET local_date = $5::date, local_time = $6 WHERE ${HELD}`,
      [...heldBy(claim), stamp.date, stamp.time],
    );
    return rowCount === 1;
  }

  /** Journals HTTP attempts made for an event under one of its runs, in one statement. */
  async recordAttempts(
    district: string,
    eventId: string,
    run: number,
    attempts: readonly HttpAttempt[],
  ): Promise<void> {
    if (attempts.length === 0) return;
    const column = <T>(pick: (attempt: HttpAttempt) => T): T[] => attempts.map(pick);
    await this.#pool.query(
      `INSERT INTO pswb_attempts (district, event_id, run, started_at, duration_ms, method, url,
         http_status, outcome, error_code, response_body, retry_in_ms)
       SELECT $1, $2, $3, u.* FROM unnest($4::timestamptz[], $5::int[], $6::text[], $7::text[],
         $8::int[], $9::text[], $10::text[], $11::text[], $12::int[])
         AS u(started_at, duration_ms, method, url, http_status, outcome, error_code,
           response_body, retry_in_ms)`,
      [
        district,
        eventId,
        run,
        column((a) => a.startedAt),
        column((a) => Math.round(a.durationMs)),
        column((a) => a.method),
        column((a) => a.url),
        column((a) => a.status ?? null),
        column((a) => a.outcome),
        column((a) => a.errorCode ?? null),
        column((a) => journaledBody(a)),
        column((a) => a.retryInMs ?? null),
      ],
    );
  }

  /** The attempts journaled for an event, in order. */
  async attempts(
    district: string,
    eventId: string,
  ): Promise<{ run: number; method: string; url: string; http_status: number | null }[]> {
    const { rows } = await this.#pool.query(
      `SELECT run, method, url, http_status FROM pswb_attempts
       WHERE district = $1 AND event_id = $2 ORDER BY id`,
      [district, eventId],
    );
    return rows as { run: number; method: string; url: string; http_status: number | null }[];
  }

  /**
   * A student's events of one district-local day (by STUDENTS.ID or DCID), in the order they
   * happened: the check-outs a return to school updates, the records pswb itself wrote.
   */
  async studentDay(
    district: string,
    localDate: string,
    student: { psId?: number; dcid?: number },
  ): Promise<PgEventRow[]> {
    const { rows } = await this.#pool.query<RawEventRow>(
      `SELECT ${EVENT_COLUMNS} FROM pswb_events
       WHERE district = $1 AND local_date = $2::date
         AND (student_ps_id = $3 OR student_dcid = $4)
       ORDER BY occurred_ms, seq`,
      [district, localDate, student.psId ?? null, student.dcid ?? null],
    );
    return rows.map(toPgEventRow);
  }

  /** Records on an early check-out the check-in that returned from it. */
  async linkReturn(district: string, checkoutId: string, returnId: string): Promise<void> {
    await this.#pool.query(
      `UPDATE pswb_events
       SET result = jsonb_set(coalesce(result, '{}'::jsonb), '{returnedBy}', to_jsonb($3::text))
       WHERE district = $1 AND id = $2`,
      [district, checkoutId, returnId],
    );
  }

  /** Moves the lease of every event `owner` holds to now + leaseMs (a worker's heartbeat). */
  async extendOwned(owner: string, now: string, leaseMs: number): Promise<number> {
    const { rowCount } = await this.#pool.query(
      `UPDATE pswb_events SET lease_until = $2::timestamptz + $3 * interval '1 millisecond'
       WHERE state = 'sending' AND owner = $1`,
      [owner, now, leaseMs],
    );
    return rowCount ?? 0;
  }

  /** Puts back to pending every event `owner` still holds (a worker stopping); how many. */
  async releaseOwned(owner: string, now: string): Promise<number> {
    const { rows } = await this.#pool.query<{ moved: number }>(
      `WITH moved AS (
         UPDATE pswb_events SET state = 'pending', owner = NULL, lease_until = NULL, updated_at = $2
         WHERE state = 'sending' AND owner = $1 RETURNING district)
       SELECT count(*)::int AS moved,
         CASE WHEN count(*) > 0 THEN pg_notify('${OUTBOX_CHANNEL}', min(district)) END FROM moved`,
      [owner, now],
    );
    return rows[0]?.moved ?? 0;
  }

  /**
   * Replaces a district's event by its correction (back to pending, the workers woken) or marks
   * it cancelled, keeping the version before in pswb_event_versions, in one transaction: the
   * event as revised, or undefined when it changed since `expected` (its updated_at) or is
   * being sent.
   */
  async revise(
    district: string,
    id: string,
    expected: string,
    revision:
      | { change: 'corrected'; event: WritebackEvent; stamp: LocalStamp }
      | { change: 'cancelled'; message: string },
    by: { at: string; by: string; removed: unknown },
  ): Promise<PgEventRow | undefined> {
    return withTransaction(this.#pool, async (client) => {
      const { rows } = await client.query<{ updated_at: Date; state: string }>(
        'SELECT updated_at, state FROM pswb_events WHERE district = $1 AND id = $2 FOR UPDATE',
        [district, id],
      );
      const row = rows[0];
      if (!row || row.updated_at.toISOString() !== expected || row.state === 'sending') {
        return undefined;
      }
      await client.query(
        `INSERT INTO pswb_event_versions (district, event_id, version, payload, state, local_date,
           local_time, error_code, error_message, result, change, changed_at, changed_by, removed)
         SELECT district, id, (SELECT count(*) + 1 FROM pswb_event_versions
             WHERE district = $1 AND event_id = $2),
           payload, state, local_date, local_time, error_code, error_message, result, $3, $4, $5,
           $6::jsonb
         FROM pswb_events WHERE district = $1 AND id = $2`,
        [district, id, revision.change, by.at, by.by, JSON.stringify(by.removed)],
      );
      if (revision.change === 'cancelled') {
        const cancelled = await client.query<RawEventRow>(
          `UPDATE pswb_events SET state = 'not_attempted', owner = NULL, lease_until = NULL,
             retry_at = NULL, error_code = 'cancelled', error_message = $3, error_status = NULL,
             error_body = NULL, result = NULL, updated_at = $4, completed_at = $4
           WHERE district = $1 AND id = $2 RETURNING ${EVENT_COLUMNS}`,
          [district, id, revision.message, by.at],
        );
        return toPgEventRow(cancelled.rows[0]!);
      }
      const { event, stamp } = revision;
      const corrected = await client.query<RawEventRow>(
        `UPDATE pswb_events SET type = $3, school_number = $4, student_name = $5,
           student_dcid = $6, student_ps_id = $7, grade = $8, occurred_at = $9,
           occurred_ms = $10, local_date = $11::date, local_time = $12, reason = $13,
           payload = $14::jsonb, state = 'pending', owner = NULL, lease_until = NULL,
           retry_at = NULL, retries = 0, error_code = NULL, error_message = NULL,
           error_status = NULL, error_body = NULL, result = NULL, updated_at = $15,
           completed_at = NULL
         WHERE district = $1 AND id = $2 RETURNING ${EVENT_COLUMNS}`,
        [
          district,
          id,
          event.type,
          event.student.schoolNumber,
          event.student.name,
          event.student.dcid ?? null,
          event.student.id ?? null,
          event.student.grade ?? null,
          event.occurredAt,
          Date.parse(event.occurredAt),
          stamp.date,
          stamp.time,
          event.reason,
          JSON.stringify(event),
          by.at,
        ],
      );
      // Delivered at COMMIT: the workers write the corrected event.
      await client.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, district]);
      return toPgEventRow(corrected.rows[0]!);
    });
  }

  /** A district's event's earlier versions (before each correction or its cancellation). */
  async versions(district: string, id: string): Promise<EventVersionRow[]> {
    const { rows } = await this.#pool.query<
      Omit<EventVersionRow, 'changed_at'> & { changed_at: Date }
    >(
      `SELECT event_id, version, payload::text AS payload, state, local_date::text AS local_date,
         local_time, error_code, error_message, result::text AS result, change, changed_at,
         changed_by, removed::text AS removed
       FROM pswb_event_versions WHERE district = $1 AND event_id = $2 ORDER BY version`,
      [district, id],
    );
    return rows.map((row) => ({ ...row, changed_at: row.changed_at.toISOString() }));
  }

  /**
   * Moves a district's failed or not-attempted events back to pending for a replay and wakes
   * the listeners; returns those moved, as moved.
   */
  async requeue(district: string, ids: readonly string[], now: string): Promise<PgEventRow[]> {
    // The rows as moved (a worker woken by the notification may claim them at once), and one
    // notification: PostgreSQL delivers identical ones of a transaction once.
    const { rows } = await this.#pool.query<RawEventRow>(
      `WITH moved AS (
         UPDATE pswb_events SET state = 'pending', owner = NULL, lease_until = NULL,
           retry_at = NULL, retries = 0, updated_at = $3
         WHERE district = $1 AND id = ANY($2::text[]) AND state IN ('failed', 'not_attempted')
         RETURNING ${EVENT_COLUMNS})
       SELECT moved.*, pg_notify('${OUTBOX_CHANNEL}', $1) FROM moved`,
      [district, ids, now],
    );
    return rows.map(toPgEventRow);
  }

  /**
   * Moves a district's successful events back to pending (their records went missing from
   * PowerSchool: the read-back) and wakes the listeners; returns how many moved.
   */
  async requeueWritten(district: string, ids: readonly string[], now: string): Promise<number> {
    const { rows } = await this.#pool.query<{ moved: number }>(
      `WITH moved AS (
         UPDATE pswb_events SET state = 'pending', owner = NULL, lease_until = NULL,
           retry_at = NULL, retries = 0, updated_at = $3
         WHERE district = $1 AND id = ANY($2::text[]) AND state = 'successful'
         RETURNING district)
       SELECT count(*)::int AS moved,
         CASE WHEN count(*) > 0 THEN pg_notify('${OUTBOX_CHANNEL}', $1) END FROM moved`,
      [district, ids, now],
    );
    return rows[0]?.moved ?? 0;
  }

  /** The outbox's depth, of one district or of all (the partial outbox indexes answer it). */
  async queue(district?: string): Promise<PgQueueDepth> {
    const { rows } = await this.#pool.query<{
      pending: number;
      sending: number;
      oldest: Date | null;
    }>(
      `SELECT count(*) FILTER (WHERE state = 'pending')::int AS pending,
         count(*) FILTER (WHERE state = 'sending')::int AS sending,
         min(created_at) FILTER (WHERE state = 'pending') AS oldest
       FROM pswb_events WHERE state IN ('pending', 'sending')
       ${district === undefined ? '' : 'AND district = $1'}`,
      district === undefined ? [] : [district],
    );
    const row = rows[0]!;
    return {
      pending: row.pending,
      sending: row.sending,
      oldestPendingAt: row.oldest ? row.oldest.toISOString() : null,
    };
  }

  /**
   * Calls `onNotify(district)` whenever events of a district become claimable (accepted,
   * released, requeued), and `onDistrictChange(id)` (when given) whenever a district is added or
   * changed, on a connection of its own (a LISTEN holds its connection); resolves to the
   * function that stops listening and closes it. `onError` hears a lost connection.
   */
  async listen(
    onNotify: (district: string) => void,
    {
      onError,
      onDistrictChange,
    }: { onError?: (error: Error) => void; onDistrictChange?: (id: string) => void } = {},
  ): Promise<() => Promise<void>> {
    const client = new pg.Client(this.#pool.options as pg.ClientConfig);
    client.on('error', (error) => onError?.(error));
    client.on('notification', (message) => {
      if (message.channel === OUTBOX_CHANNEL) onNotify(message.payload ?? '');
      else if (message.channel === DISTRICTS_CHANNEL) onDistrictChange?.(message.payload ?? '');
    });
    await client.connect();
    try {
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      if (onDistrictChange) await client.query(`LISTEN ${DISTRICTS_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    let stopped = false;
    return async () => {
      if (stopped) return;
      stopped = true;
      client.removeAllListeners('notification');
      await client.end();
    };
  }
}

function heldBy(claim: PgClaim): unknown[] {
  return [claim.district, claim.id, claim.owner, claim.runs];
}
