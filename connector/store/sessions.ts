/**
 * The admin page's sign-in sessions, in the log's SQLite file (table sessions). A session token is
 * 32 random bytes (base64url), handed to the browser once and kept only as its SHA-256 (a fast
 * hash is right for a random secret of that length: there is nothing to guess); each session has
 * its own CSRF token. A session ends 12 hours after sign-in, or after 2 hours without a request,
 * whichever comes first (DEFAULT_SESSION_LIMITS), when the user is removed or their password is
 * changed, or at sign-out. Every check reads the table, so a session ended by another process
 * (pswb users remove beside a running service) is refused at its next request.
 */
import { createHash, randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { ConnectorError } from '../domain/index.ts';

/** A session as stored (never its token). */
export interface SessionRecord {
  userId: string;
  /** Sent back by the page with every change (a header or form field), compared with this. */
  csrfToken: string;
  createdAt: string;
  /** The last request seen, to the minute (written at most once a minute). */
  lastSeenAt: string;
  /** When the session ends whatever happens: createdAt + the absolute limit. */
  expiresAt: string;
}

/** How long a session lasts: at most absoluteMs after sign-in, and idleMs without a request. */
export interface SessionLimits {
  absoluteMs: number;
  idleMs: number;
}

/** 12 hours from sign-in, 2 hours idle. */
export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  absoluteMs: 12 * 60 * 60 * 1000,
  idleMs: 2 * 60 * 60 * 1000,
};

/** A session as stored, its instants as ISO text (the PostgreSQL store converts to this). */
export interface SessionRow {
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

/** last_seen_at is written at most this often per session: not one write per request. */
export const SESSION_TOUCH_EVERY_MS = 60_000;
const TOUCH_EVERY_MS = SESSION_TOUCH_EVERY_MS;

/** What a session token is stored as: its SHA-256, hex. */
export function sessionTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
const hashOf = sessionTokenHash;

/** A new session of a user: its token (handed out once) and its row (only the token's hash). */
export function newSession(
  userId: string,
  now: Date,
  limits: SessionLimits,
): { token: string; row: SessionRow } {
  const token = randomBytes(32).toString('base64url');
  return {
    token,
    row: {
      token_hash: hashOf(token),
      user_id: userId,
      csrf_token: randomBytes(32).toString('base64url'),
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: new Date(now.getTime() + limits.absoluteMs).toISOString(),
    },
  };
}

/** The instants at or before which a session is over at `now` (what prune deletes). */
export function sessionPruneBounds(
  now: Date,
  limits: SessionLimits,
): { now: string; signed_in_before: string; seen_before: string } {
  const at = now.getTime();
  return {
    now: now.toISOString(),
    signed_in_before: new Date(at - limits.absoluteMs).toISOString(),
    seen_before: new Date(at - limits.idleMs).toISOString(),
  };
}

/** The unknown user a session cannot be started for. */
export function noSuchSessionUser(userId: string): ConnectorError {
  return new ConnectorError(
    'user_not_found',
    `No user with id "${userId}", so no session was started.`,
  );
}

export function sessionRecordOf(row: SessionRow): SessionRecord {
  return {
    userId: row.user_id,
    csrfToken: row.csrf_token,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
  };
}

/** Whether a session is over at `now`: past its expiry, its absolute limit, or idle too long. */
export function sessionIsOver(row: SessionRow, now: number, limits: SessionLimits): boolean {
  return (
    now >= Date.parse(row.expires_at) ||
    now - Date.parse(row.created_at) >= limits.absoluteMs ||
    now - Date.parse(row.last_seen_at) >= limits.idleMs
  );
}

/** The sessions table of one log file. */
export class SessionStore {
  readonly #statements;

  constructor(db: Database.Database) {
    this.#statements = {
      insert: db.prepare(`INSERT INTO sessions (token_hash, user_id, csrf_token, created_at,
        last_seen_at, expires_at) VALUES (@token_hash, @user_id, @csrf_token, @now, @now,
        @expires_at)`),
      user: db.prepare<[string], number>('SELECT count(*) FROM users WHERE id = ?').pluck(),
      byHash: db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE token_hash = ?'),
      touch: db.prepare('UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?'),
      delete: db.prepare('DELETE FROM sessions WHERE token_hash = ?'),
      deleteForUser: db.prepare('DELETE FROM sessions WHERE user_id = ?'),
      prune: db.prepare(`DELETE FROM sessions WHERE expires_at <= @now
        OR created_at <= @signed_in_before OR last_seen_at <= @seen_before`),
    };
  }

  /**
   * Starts a session for a user (user_not_found for an unknown id). The token is returned once
   * and only its SHA-256 is stored.
   */
  create(
    userId: string,
    now: Date,
    limits: SessionLimits = DEFAULT_SESSION_LIMITS,
  ): { token: string; session: SessionRecord } {
    if (this.#statements.user.get(userId) === 0) throw noSuchSessionUser(userId);
    const { token, row } = newSession(userId, now, limits);
    this.#statements.insert.run({ ...row, now: row.created_at });
    return { token, session: sessionRecordOf(row) };
  }

  /**
   * The live session a token names. A session past its expiry or idle for idleMs is deleted and
   * not returned. The request is noted in lastSeenAt at most once a minute.
   */
  find(
    token: string,
    now: Date,
    limits: SessionLimits = DEFAULT_SESSION_LIMITS,
  ): SessionRecord | undefined {
    if (typeof token !== 'string' || token === '') return undefined;
    const hash = hashOf(token);
    const row = this.#statements.byHash.get(hash);
    if (!row) return undefined;
    const at = now.getTime();
    if (sessionIsOver(row, at, limits)) {
      this.#statements.delete.run(hash);
      return undefined;
    }
    if (at - Date.parse(row.last_seen_at) >= TOUCH_EVERY_MS) {
      row.last_seen_at = now.toISOString();
      this.#statements.touch.run(row.last_seen_at, hash);
    }
    return sessionRecordOf(row);
  }

  /** Ends the session a token names (sign-out); nothing happens for an unknown token. */
  delete(token: string): void {
    this.#statements.delete.run(hashOf(token));
  }

  /** Ends every session of a user; returns how many there were. */
  deleteForUser(userId: string): number {
    return this.#statements.deleteForUser.run(userId).changes;
  }

  /**
   * Deletes the sessions that are over at `now` (past their expiry, or beyond the limits, as
   * find would find them); returns how many.
   */
  prune(now: Date, limits: SessionLimits = DEFAULT_SESSION_LIMITS): number {
    return this.#statements.prune.run(sessionPruneBounds(now, limits)).changes;
  }
}
