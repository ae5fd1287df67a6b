/**
 * The districts one PostgreSQL database holds (decision 084): each one's Settings document, how
 * many of its events a worker writes at once, and its pause. The document arrives with its
 * secrets already sealed (connector/setup/district-settings.ts): this layer stores it as it is.
 *
 * The pause is what keeps one district's failing PowerSchool from costing the others: a 429
 * pauses it for its Retry-After, and events deferred one after another for 5xx, timeouts or
 * network failures pause it for a while that grows with the streak. Every worker's claim skips a
 * paused district (outbox.ts), so the whole fleet backs off at once; a success ends the streak.
 */
import { inTransaction, type PgQueryable } from './transaction.ts';
import { ConnectorError } from '../../domain/index.ts';
import { DISTRICTS_CHANNEL, OUTBOX_CHANNEL } from './migrations.ts';

/** A district id: lower-case letters, digits and dashes, 1 to 63, starting with a letter or digit. */
export const DISTRICT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Events a worker writes at once for a district unless told otherwise. */
export const DEFAULT_DISTRICT_CONCURRENCY = 4;

/**
 * Deferrals in a row (each an event PowerSchool was unavailable for, after its retries) that
 * pause a district. Inferred: one or two are a passing fault the retry schedule covers; three
 * in a row are an outage worth not claiming more events into.
 */
export const PAUSE_AFTER_FAILURES = 3;

/** The first pause for a failure streak, doubled for each further failure, up to the most. */
export const STREAK_PAUSE_MS = 15_000;
export const MAX_PAUSE_MS = 5 * 60_000;

/** A 429 without a usable Retry-After pauses the district this long (inferred). */
export const RATE_LIMIT_PAUSE_MS = 30_000;

/** A district as stored. */
export interface DistrictRow {
  id: string;
  name: string;
  /** The Settings document, its secrets sealed. */
  settings: unknown;
  concurrency: number;
  /** ISO instant the pause lasts until, or null. */
  pausedUntil: string | null;
  pauseReason: string | null;
  failureStreak: number;
  createdAt: string;
  updatedAt: string;
}

/** A district's outbox and pause, for `pswb districts list` and the overview. */
export interface DistrictState {
  id: string;
  name: string;
  concurrency: number;
  pending: number;
  sending: number;
  /** When the oldest waiting event was accepted (ISO instant), or null. */
  oldestPendingAt: string | null;
  pausedUntil: string | null;
  pauseReason: string | null;
  failureStreak: number;
}

/** What a deferral of an unavailable PowerSchool tells the pause. */
export interface Unavailable {
  /** The failure code: rate_limited, server_error, timeout, network. */
  code: string;
  /** PowerSchool's Retry-After, in ms, when it sent one. */
  retryAfterMs?: number;
  /** The failure in a few words, kept as the pause's reason. */
  message: string;
}

interface RawDistrictRow {
  id: string;
  name: string;
  settings: unknown;
  concurrency: number;
  paused_until: Date | null;
  pause_reason: string | null;
  failure_streak: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS =
  'id, name, settings, concurrency, paused_until, pause_reason, failure_streak, created_at, updated_at';

function toRow(raw: RawDistrictRow): DistrictRow {
  return {
    id: raw.id,
    name: raw.name,
    settings: raw.settings,
    concurrency: raw.concurrency,
    pausedUntil: raw.paused_until?.toISOString() ?? null,
    pauseReason: raw.pause_reason,
    failureStreak: raw.failure_streak,
    createdAt: raw.created_at.toISOString(),
    updatedAt: raw.updated_at.toISOString(),
  };
}

/** A usage-level check of a district id, with what is valid. */
export function checkDistrictId(id: string): string {
  if (!DISTRICT_ID_PATTERN.test(id)) {
    throw new ConnectorError(
      'invalid_district',
      `"${id}" is not a district id: use 1 to 63 lower-case letters, digits and dashes, starting with a letter or digit (e.g. lincoln-usd).`,
    );
  }
  return id;
}

function checkConcurrency(concurrency: number): number {
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new ConnectorError(
      'invalid_district',
      `A district's concurrency must be a whole number from 1 to 64, not ${concurrency}.`,
    );
  }
  return concurrency;
}

/** How long a district pauses for an unavailable PowerSchool; undefined: not (yet) paused. */
export function pauseFor(failure: Unavailable, streak: number): number | undefined {
  if (failure.code === 'rate_limited') {
    const asked = failure.retryAfterMs;
    return Math.min(asked !== undefined && asked > 0 ? asked : RATE_LIMIT_PAUSE_MS, MAX_PAUSE_MS);
  }
  if (streak < PAUSE_AFTER_FAILURES) return undefined;
  return Math.min(STREAK_PAUSE_MS * 2 ** (streak - PAUSE_AFTER_FAILURES), MAX_PAUSE_MS);
}

/** The districts of one database. */
export class PgDistricts {
  readonly #pool: PgQueryable;

  /**
   * `pool` must reach a database at this code's schema (checkPostgresSchema); a transaction's
   * client makes the changes part of its transaction (their NOTIFY is sent at its commit).
   */
  constructor(pool: PgQueryable) {
    this.#pool = pool;
  }

  /** Adds a district; district_exists (nothing changed) when the id is taken. */
  async add(
    district: { id: string; name: string; settings: unknown; concurrency?: number },
    now: string,
  ): Promise<DistrictRow> {
    checkDistrictId(district.id);
    const concurrency = checkConcurrency(district.concurrency ?? DEFAULT_DISTRICT_CONCURRENCY);
    const { rows } = await this.#pool.query<RawDistrictRow>(
      `WITH added AS (
         INSERT INTO pswb_districts (id, name, settings, concurrency, created_at, updated_at)
         VALUES ($1, $2, $3::jsonb, $4, $5, $5) ON CONFLICT (id) DO NOTHING RETURNING ${COLUMNS})
       SELECT added.*, pg_notify('${DISTRICTS_CHANNEL}', added.id) FROM added`,
      [district.id, district.name, JSON.stringify(district.settings), concurrency, now],
    );
    if (!rows[0]) {
      throw new ConnectorError('district_exists', `There is already a district "${district.id}".`, {
        fix: 'Choose another id, or change that district with pswb districts set.',
      });
    }
    return toRow(rows[0]);
  }

  /** Changes a district's name, settings or concurrency; district_not_found when there is none. */
  async update(
    id: string,
    change: { name?: string; settings?: unknown; concurrency?: number },
    now: string,
  ): Promise<DistrictRow> {
    if (change.concurrency !== undefined) checkConcurrency(change.concurrency);
    const { rows } = await this.#pool.query<RawDistrictRow>(
      `WITH changed AS (
         UPDATE pswb_districts SET name = coalesce($2, name),
           settings = coalesce($3::jsonb, settings), concurrency = coalesce($4, concurrency),
           updated_at = $5
         WHERE id = $1 RETURNING ${COLUMNS})
       SELECT changed.*, pg_notify('${DISTRICTS_CHANNEL}', changed.id) FROM changed`,
      [
        id,
        change.name ?? null,
        change.settings === undefined ? null : JSON.stringify(change.settings),
        change.concurrency ?? null,
        now,
      ],
    );
    if (!rows[0]) throw districtNotFound(id);
    return toRow(rows[0]);
  }

  /**
   * Rewrites every district's settings document through `change`, in one transaction with every
   * row locked (FOR UPDATE: a `districts set` meanwhile waits and then writes over the result,
   * never under it). A throw changes nothing. For the secrets' rotation (connector/setup/
   * secrets.ts), which re-seals and changes no setting: updated_at stays and no worker is
   * notified, so running workers keep the settings they opened rather than reopening them with
   * a key they may not have yet.
   */
  async rewriteSettings(
    change: (district: { id: string; settings: unknown }) => Promise<unknown>,
  ): Promise<string[]> {
    return inTransaction(this.#pool, async (client) => {
      const { rows } = await client.query<{ id: string; settings: unknown }>(
        'SELECT id, settings FROM pswb_districts ORDER BY id FOR UPDATE',
      );
      for (const row of rows) {
        await client.query('UPDATE pswb_districts SET settings = $2::jsonb WHERE id = $1', [
          row.id,
          JSON.stringify(await change(row)),
        ]);
      }
      return rows.map((row) => row.id);
    });
  }

  /** The district with this id, or undefined. */
  async get(id: string): Promise<DistrictRow | undefined> {
    const { rows } = await this.#pool.query<RawDistrictRow>(
      `SELECT ${COLUMNS} FROM pswb_districts WHERE id = $1`,
      [id],
    );
    return rows[0] ? toRow(rows[0]) : undefined;
  }

  /** Every district, by id. */
  async list(): Promise<DistrictRow[]> {
    const { rows } = await this.#pool.query<RawDistrictRow>(
      `SELECT ${COLUMNS} FROM pswb_districts ORDER BY id`,
    );
    return rows.map(toRow);
  }

  /** Each district's outbox depth and pause (the outbox's partial index answers the counts). */
  async states(): Promise<DistrictState[]> {
    const { rows } = await this.#pool.query<
      RawDistrictRow & { pending: number; sending: number; oldest: Date | null }
    >(
      `SELECT d.id, d.name, d.concurrency, d.paused_until, d.pause_reason, d.failure_streak,
         coalesce(q.pending, 0) AS pending, coalesce(q.sending, 0) AS sending, q.oldest
       FROM pswb_districts d LEFT JOIN (
         SELECT district, count(*) FILTER (WHERE state = 'pending')::int AS pending,
           count(*) FILTER (WHERE state = 'sending')::int AS sending,
           min(created_at) FILTER (WHERE state = 'pending') AS oldest
         FROM pswb_events WHERE state IN ('pending', 'sending') GROUP BY district
       ) q ON q.district = d.id
       ORDER BY d.id`,
    );
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      concurrency: row.concurrency,
      pending: row.pending,
      sending: row.sending,
      oldestPendingAt: row.oldest?.toISOString() ?? null,
      pausedUntil: row.paused_until?.toISOString() ?? null,
      pauseReason: row.pause_reason,
      failureStreak: row.failure_streak,
    }));
  }

  /**
   * Counts an event deferred because the district's PowerSchool was unavailable, and pauses the
   * district when that calls for it (pauseFor); the pause it set (ISO instant), or undefined.
   * During a pause nothing is counted: the events a worker was still writing when the pause
   * began end as they will, and only a failure after the pause (its first event, a probe)
   * lengthens the next pause. A pause only ever moves later.
   */
  async noteUnavailable(
    id: string,
    failure: Unavailable,
    now: string,
  ): Promise<string | undefined> {
    const { rows } = await this.#pool.query<{ failure_streak: number }>(
      `UPDATE pswb_districts SET failure_streak = failure_streak + 1
       WHERE id = $1 AND (paused_until IS NULL OR paused_until <= $2)
       RETURNING failure_streak`,
      [id, now],
    );
    const streak = rows[0]?.failure_streak;
    if (streak === undefined) return undefined;
    const ms = pauseFor(failure, streak);
    if (ms === undefined) return undefined;
    const until = new Date(Date.parse(now) + ms).toISOString();
    const reason =
      failure.code === 'rate_limited'
        ? `PowerSchool asked to slow down (429): ${failure.message}`
        : `${streak} events in a row met an unavailable PowerSchool: ${failure.message}`;
    const { rowCount } = await this.#pool.query(
      `UPDATE pswb_districts SET paused_until = $2, pause_reason = $3
       WHERE id = $1 AND (paused_until IS NULL OR paused_until < $2)`,
      [id, until, reason.slice(0, 500)],
    );
    return rowCount === 1 ? until : undefined;
  }

  /** An event of the district was written: its failure streak ends (a write only when it had one). */
  async noteSuccess(id: string): Promise<void> {
    await this.#pool.query(
      'UPDATE pswb_districts SET failure_streak = 0 WHERE id = $1 AND failure_streak > 0',
      [id],
    );
  }

  /** Ends a district's pause now (an operator who knows its PowerSchool is back). */
  async resume(id: string, now: string): Promise<void> {
    const { rowCount } = await this.#pool.query(
      `WITH resumed AS (
         UPDATE pswb_districts SET paused_until = NULL, pause_reason = NULL, failure_streak = 0,
           updated_at = $2 WHERE id = $1 RETURNING id)
       SELECT pg_notify('${OUTBOX_CHANNEL}', id) FROM resumed`,
      [id, now],
    );
    if (rowCount === 0) throw districtNotFound(id);
  }
}

/** district_not_found, saying where the districts are listed. */
export function districtNotFound(id: string): ConnectorError {
  return new ConnectorError('district_not_found', `There is no district "${id}".`, {
    fix: 'pswb districts lists the districts of the database.',
  });
}
