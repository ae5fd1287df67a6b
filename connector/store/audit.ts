/**
 * Who changed what, in the log's SQLite file (table audit_log): one entry per change made on the
 * admin page or with the CLI (settings saved, a school changed, reasons imported, a user or an
 * API key added or removed), with the thing as it was before and after. Secrets never reach the
 * table: every value under a key that names one (secret, password, hash, token, key) is stored
 * as AUDIT_REDACTED. Entries are only ever added.
 */
import type Database from 'better-sqlite3';
import { ConnectorError } from '../domain/index.ts';

/** One change, as stored. */
export interface AuditEntry {
  /** Grows with every entry: a later entry has a larger id. */
  id: number;
  at: string;
  /** Who made the change: a user's email on the page, `cli:<os user>` from the CLI. */
  actor: string;
  /** What kind of change, e.g. settings.save, school.update, user.add, key.revoke. */
  action: string;
  /** What was changed, e.g. a school number, a user's email, a key's id. */
  target: string;
  /** The thing before the change (secrets redacted); null when it did not exist. */
  before: unknown;
  /** The thing after the change (secrets redacted); null when it no longer exists. */
  after: unknown;
}

/** What record takes. */
export interface NewAuditEntry {
  at: Date | string;
  actor: string;
  action: string;
  target: string;
  before?: unknown;
  after?: unknown;
}

/** The moment an entry was made, as stored: an ISO instant for a Date, the text as given. */
export function auditInstant(at: Date | string): string {
  return at instanceof Date ? at.toISOString() : at;
}

/** What a secret's value is stored as. */
export const AUDIT_REDACTED = '********';

/** Keys whose values are secrets: a Client Secret, a password, a hash, a token, an API key. */
const SECRET_KEY = /secret|password|hash|token|^key$/i;

/** The most entries one list call returns, and how many it returns by default. */
export const MAX_AUDIT_LIMIT = 500;
const MAX_LIMIT = MAX_AUDIT_LIMIT;
const DEFAULT_LIMIT = 100;

interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  before: string | null;
  after: string | null;
}

/** A deep copy of JSON data with every value under a secret key redacted (null left as null). */
function redacted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redacted);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      SECRET_KEY.test(key) && inner !== null && inner !== undefined
        ? AUDIT_REDACTED
        : redacted(inner),
    ]),
  );
}

/** The stored JSON of a before or after value: redacted, or null when absent. */
export function storedAuditValue(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  // Through JSON first, so a Date, a Map's toJSON or a class instance is stored as JSON shows it.
  const json = JSON.stringify(value);
  return json === undefined ? null : JSON.stringify(redacted(JSON.parse(json)));
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    target: row.target,
    before: row.before === null ? null : (JSON.parse(row.before) as unknown),
    after: row.after === null ? null : (JSON.parse(row.after) as unknown),
  };
}

/** The audit_log table of one log file. */
export class AuditLog {
  readonly #statements;

  constructor(db: Database.Database) {
    this.#statements = {
      insert: db.prepare<[string, string, string, string, string | null, string | null], AuditRow>(
        'INSERT INTO audit_log (at, actor, action, target, before, after) VALUES (?, ?, ?, ?, ?, ?) RETURNING *',
      ),
      page: db.prepare<[number, number], AuditRow>(
        'SELECT * FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?',
      ),
    };
  }

  /** Adds an entry, secrets redacted; returns it as stored. */
  record(entry: NewAuditEntry): AuditEntry {
    const at = auditInstant(entry.at);
    const row = this.#statements.insert.get(
      at,
      entry.actor,
      entry.action,
      entry.target,
      storedAuditValue(entry.before),
      storedAuditValue(entry.after),
    )!;
    return toEntry(row);
  }

  /**
   * The newest entries first: `limit` of them (100 by default, at most 500), older than the entry
   * `beforeId` when given (the next page starts before the last id of this one).
   */
  list(options: { limit?: number; beforeId?: number } = {}): AuditEntry[] {
    const { limit, beforeId } = auditPage(options);
    return this.#statements.page.all(beforeId, limit).map(toEntry);
  }
}

/**
 * A list call's page, checked: `limit` (100 by default, 1 to 500) and the id entries must be
 * older than (every entry when not given); invalid_filter naming what is wrong.
 */
export function auditPage(options: { limit?: number; beforeId?: number }): {
  limit: number;
  beforeId: number;
} {
  const limit = options.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new ConnectorError(
      'invalid_filter',
      `limit must be a whole number from 1 to ${MAX_LIMIT}; got ${limit}.`,
    );
  }
  const beforeId = options.beforeId ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isInteger(beforeId)) {
    throw new ConnectorError(
      'invalid_filter',
      `beforeId must be the id of an audit entry (a whole number); got ${beforeId}.`,
    );
  }
  return { limit, beforeId };
}
