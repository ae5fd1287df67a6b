/**
 * The admin page's accounts on PostgreSQL (migration 6, decision 084 "Accounts"): users
 * (pswb_users), their sessions (pswb_sessions) and the audit log (pswb_audit), with the SQLite
 * stores' rules, checks and error codes, taken from their code (users.ts, sessions.ts,
 * audit.ts): scrypt hashes, 12-character passwords, a session token kept only as its SHA-256
 * with the same idle and absolute limits, secrets redacted from the audit log.
 *
 * What PostgreSQL adds is districts. A user belongs to one district, and every method that
 * reads or changes users takes that district and matches only its rows: another district's user
 * is not found, listed or removed by its id or its email. An operator (the vendor running the
 * service) belongs to no district and is reached only through the *Operator(s) methods. An email
 * is one account in the whole service, so a sign-in (verify) needs no district: it finds the one
 * user the email names, and that user's district scopes everything after.
 *
 * Each store takes the pool, or a transaction's client (transaction.ts, inTransaction) so that a
 * change and its audit entry commit together.
 */
import { ConnectorError } from '../../domain/index.ts';
import {
  auditInstant,
  auditPage,
  storedAuditValue,
  type AuditEntry,
  type NewAuditEntry,
} from '../audit.ts';
import {
  DEFAULT_SESSION_LIMITS,
  SESSION_TOUCH_EVERY_MS,
  newSession,
  noSuchSessionUser,
  sessionIsOver,
  sessionPruneBounds,
  sessionRecordOf,
  sessionTokenHash,
  type SessionLimits,
  type SessionRecord,
  type SessionRow,
} from '../sessions.ts';
import {
  USER_ROLES,
  checkPassword,
  checkedUser,
  hashPassword,
  invalidUser,
  isUserId,
  lastDistrictAdmin,
  newUserId,
  normalEmail,
  passwordSignsIn,
  type NewUser,
  type UserRecord,
} from '../users.ts';
import { checkDistrictId, districtNotFound } from './districts.ts';
import { inTransaction, type PgQueryable } from './transaction.ts';

/** The roles of PostgreSQL's users: a district's three, and the service's operator. */
export const PG_USER_ROLES = ['operator', ...USER_ROLES] as const;
export type PgUserRole = (typeof PG_USER_ROLES)[number];

/** A user as stored (never the password or its hash), with the district it belongs to. */
export interface PgUserRecord extends Omit<UserRecord, 'role'> {
  /** The district; null for an operator. */
  district: string | null;
  role: PgUserRole;
}

/** What addOperator needs: an operator has no role to choose and no schools. */
export type NewOperator = Omit<NewUser, 'role' | 'schools'>;

/** A session as stored, with its user's district (null: an operator's). */
export interface PgSessionRecord extends SessionRecord {
  district: string | null;
}

/** An audit entry as stored, with the district it belongs to (null: the service's own). */
export interface PgAuditEntry extends AuditEntry {
  district: string | null;
}

/** Whose users a call reaches: one district's, or the service's operators. */
type Scope = { district: string } | { operators: true };

interface RawUserRow {
  id: string;
  district: string | null;
  email: string;
  name: string;
  role: PgUserRole;
  schools: number[];
  password_hash: string;
  created_at: Date;
  updated_at: Date;
  last_login_at: Date | null;
}

/** The SQL condition (on a user's district) of a scope, its district as parameter $n. */
function scopeSql(scope: Scope, n: number): { sql: string; params: string[] } {
  return 'district' in scope
    ? { sql: `district = $${n}`, params: [scope.district] }
    : { sql: 'district IS NULL', params: [] };
}

/** A district's scope, its id checked (invalid_district names what is valid). */
function districtScope(district: string): Scope {
  return { district: checkDistrictId(String(district)) };
}

const OPERATORS: Scope = { operators: true };

function toUser(row: RawUserRow): PgUserRecord {
  return {
    id: row.id,
    district: row.district,
    email: row.email,
    name: row.name,
    role: row.role,
    schools: [...row.schools].sort((a, b) => a - b),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    lastLoginAt: row.last_login_at?.toISOString() ?? null,
  };
}

/** The SQLSTATE of a failed statement. */
function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The users of every district and the service's operators (pswb_users). */
export class PgUsers {
  readonly #db: PgQueryable;

  /** `db` reaches a database at this code's schema: the pool, or a transaction's client. */
  constructor(db: PgQueryable) {
    this.#db = db;
  }

  /**
   * Makes a user of a district. Throws invalid_user as UserStore.add does (a malformed email, an
   * unknown role, a building_admin without schools, schools for another role, a password not 12
   * to 1024 characters long) and for the role operator (an operator has no district:
   * addOperator); user_exists when any account of the service has the email (one email, one
   * account); district_not_found for a district the database does not hold.
   */
  async add(district: string, user: NewUser, now: Date): Promise<PgUserRecord> {
    const scope = districtScope(district);
    if ((user.role as string) === 'operator') {
      throw invalidUser(
        `An operator runs the whole service and belongs to no district, not to ${district}: add them as an operator (pswb users add --role operator, without --district).`,
      );
    }
    const fields = checkedUser(user);
    return this.#insert(scope, fields, checkPassword(user.password), now);
  }

  /** Makes an operator of the service (no district, no schools); the same refusals as add. */
  async addOperator(user: NewOperator, now: Date): Promise<PgUserRecord> {
    const fields = checkedUser<PgUserRole>({ ...user, role: 'operator' }, PG_USER_ROLES);
    return this.#insert(OPERATORS, fields, checkPassword(user.password), now);
  }

  async #insert(
    scope: Scope,
    fields: { email: string; name: string; role: PgUserRole; schools: number[] },
    password: string,
    now: Date,
  ): Promise<PgUserRecord> {
    const taken = await this.#db.query<RawUserRow>('SELECT * FROM pswb_users WHERE email = $1', [
      fields.email,
    ]);
    if (taken.rows[0]) throw emailTaken(fields.email, scope, taken.rows[0]);
    const hash = await hashPassword(password);
    const district = 'district' in scope ? scope.district : null;
    try {
      const { rows } = await this.#db.query<RawUserRow>(
        `INSERT INTO pswb_users (id, district, email, name, role, schools, password_hash,
           created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING *`,
        [
          newUserId(),
          district,
          fields.email,
          fields.name,
          fields.role,
          fields.schools,
          hash,
          now.toISOString(),
        ],
      );
      return toUser(rows[0]!);
    } catch (error) {
      // Another process added the same email while this one was hashing (nothing more can be
      // read here: inside a transaction, the failed statement has ended it).
      if (sqlState(error) === '23505') throw emailTaken(fields.email, scope, undefined);
      if (sqlState(error) === '23503' && district !== null) throw districtNotFound(district);
      throw error;
    }
  }

  /** A district's users, by email. */
  async list(district: string): Promise<PgUserRecord[]> {
    return this.#list(districtScope(district));
  }

  /** The service's operators, by email. */
  async listOperators(): Promise<PgUserRecord[]> {
    return this.#list(OPERATORS);
  }

  async #list(scope: Scope): Promise<PgUserRecord[]> {
    const where = scopeSql(scope, 1);
    const { rows } = await this.#db.query<RawUserRow>(
      `SELECT * FROM pswb_users WHERE ${where.sql} ORDER BY email`,
      where.params,
    );
    return rows.map(toUser);
  }

  /** The district's user with this id (undefined for another district's). */
  async get(district: string, id: string): Promise<PgUserRecord | undefined> {
    const scope = districtScope(district);
    const where = scopeSql(scope, 2);
    const { rows } = await this.#db.query<RawUserRow>(
      `SELECT * FROM pswb_users WHERE id = $1 AND ${where.sql}`,
      [String(id), ...where.params],
    );
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  /** The district's user with this id or email (any case, spaces around ignored). */
  async find(district: string, emailOrId: string): Promise<PgUserRecord | undefined> {
    const row = await this.#row(this.#db, districtScope(district), emailOrId);
    return row ? toUser(row) : undefined;
  }

  /** The operator with this id or email. */
  async findOperator(emailOrId: string): Promise<PgUserRecord | undefined> {
    const row = await this.#row(this.#db, OPERATORS, emailOrId);
    return row ? toUser(row) : undefined;
  }

  /** The scope's user an id or an email names, optionally locked for the transaction. */
  async #row(
    db: PgQueryable,
    scope: Scope,
    emailOrId: string,
    lock = false,
  ): Promise<RawUserRow | undefined> {
    const key = String(emailOrId).trim();
    const where = scopeSql(scope, 3);
    const { rows } = await db.query<RawUserRow>(
      `SELECT * FROM pswb_users WHERE (id = $1 OR email = $2) AND ${where.sql}
       ${lock ? 'FOR UPDATE' : ''}`,
      [isUserId(key) ? key : null, normalEmail(key), ...where.params],
    );
    return rows[0];
  }

  /**
   * Removes a district's user (their sessions end with them); the removed user, or undefined
   * when the district has none with this email or id. invalid_user for the district's last
   * district admin, as on SQLite.
   */
  async remove(district: string, emailOrId: string): Promise<PgUserRecord | undefined> {
    return this.#remove(districtScope(district), emailOrId);
  }

  /** Removes an operator (their sessions end with them); undefined when there is none. */
  async removeOperator(emailOrId: string): Promise<PgUserRecord | undefined> {
    return this.#remove(OPERATORS, emailOrId);
  }

  async #remove(scope: Scope, emailOrId: string): Promise<PgUserRecord | undefined> {
    return inTransaction(this.#db, async (db) => {
      const row = await this.#row(db, scope, emailOrId, true);
      if (!row) return undefined;
      if (row.role === 'district_admin') {
        // Every admin of the district locked: two removals at once cannot both pass the count.
        const admins = await db.query(
          "SELECT id FROM pswb_users WHERE district = $1 AND role = 'district_admin' FOR UPDATE",
          [row.district],
        );
        if (admins.rowCount === 1) {
          throw lastDistrictAdmin(
            row.email,
            `pswb users add --district ${row.district} --role district-admin`,
          );
        }
      }
      await db.query('DELETE FROM pswb_users WHERE id = $1', [row.id]);
      return toUser(row);
    });
  }

  /**
   * Gives a district's user a new password (invalid_user unless 12 to 1024 characters) and ends
   * their sessions; undefined when the district has no user with this email or id.
   */
  async setPassword(
    district: string,
    emailOrId: string,
    password: string,
    now: Date,
  ): Promise<PgUserRecord | undefined> {
    return this.#setPassword(districtScope(district), emailOrId, password, now);
  }

  /** Gives an operator a new password and ends their sessions; undefined when there is none. */
  async setOperatorPassword(
    emailOrId: string,
    password: string,
    now: Date,
  ): Promise<PgUserRecord | undefined> {
    return this.#setPassword(OPERATORS, emailOrId, password, now);
  }

  async #setPassword(
    scope: Scope,
    emailOrId: string,
    password: string,
    now: Date,
  ): Promise<PgUserRecord | undefined> {
    checkPassword(password);
    if (!(await this.#row(this.#db, scope, emailOrId))) return undefined;
    const hash = await hashPassword(password);
    return inTransaction(this.#db, async (db) => {
      // Looked up again: the user may have gone while the password was hashed.
      const row = await this.#row(db, scope, emailOrId, true);
      if (!row) return undefined;
      const { rows } = await db.query<RawUserRow>(
        'UPDATE pswb_users SET password_hash = $2, updated_at = $3 WHERE id = $1 RETURNING *',
        [row.id, hash, now.toISOString()],
      );
      await db.query('DELETE FROM pswb_sessions WHERE user_id = $1', [row.id]);
      return toUser(rows[0]!);
    });
  }

  /**
   * The user (of any district, or an operator) an email and password sign in, or undefined;
   * an unknown email still runs one scrypt (passwordSignsIn), as on SQLite.
   */
  async verify(email: string, password: string): Promise<PgUserRecord | undefined> {
    const row =
      typeof email === 'string'
        ? (
            await this.#db.query<RawUserRow>('SELECT * FROM pswb_users WHERE email = $1', [
              normalEmail(email),
            ])
          ).rows[0]
        : undefined;
    return (await passwordSignsIn(row?.password_hash, password)) && row ? toUser(row) : undefined;
  }

  /** Notes that a user signed in. */
  async markLogin(id: string, now: Date): Promise<void> {
    await this.#db.query('UPDATE pswb_users SET last_login_at = $2 WHERE id = $1', [
      id,
      now.toISOString(),
    ]);
  }

  /** How many users a district has (none: its page has to be set up with pswb users add). */
  async count(district: string): Promise<number> {
    const { rows } = await this.#db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pswb_users WHERE district = $1',
      [checkDistrictId(String(district))],
    );
    return rows[0]!.n;
  }

  /** Whether the service has any user at all, operators included (the page's first run). */
  async any(): Promise<boolean> {
    const { rows } = await this.#db.query('SELECT 1 FROM pswb_users LIMIT 1');
    return rows.length > 0;
  }
}

/**
 * user_exists for an email some account has. The account's id is named only when it is in the
 * scope asked about: another district's user is not revealed, only that the email is taken.
 */
function emailTaken(email: string, scope: Scope, other: RawUserRow | undefined): ConnectorError {
  const same =
    other !== undefined &&
    ('district' in scope ? other.district === scope.district : other.district === null);
  if (other === undefined || same) {
    return new ConnectorError(
      'user_exists',
      `A user with the email ${email} exists already${other ? ` (${other.id})` : ''}.`,
    );
  }
  return new ConnectorError(
    'user_exists',
    `The email ${email} already signs in to another account of this service: one email is one account, in one district. Use another email for this one.`,
  );
}

interface RawSessionRow {
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  district: string | null;
}

function toSessionRow(raw: RawSessionRow): SessionRow {
  return {
    token_hash: raw.token_hash,
    user_id: raw.user_id,
    csrf_token: raw.csrf_token,
    created_at: raw.created_at.toISOString(),
    last_seen_at: raw.last_seen_at.toISOString(),
    expires_at: raw.expires_at.toISOString(),
  };
}

/** The sign-in sessions of every user (pswb_sessions), as SessionStore keeps them. */
export class PgSessions {
  readonly #db: PgQueryable;

  constructor(db: PgQueryable) {
    this.#db = db;
  }

  /**
   * Starts a session for a user (user_not_found for an unknown id). The token is returned once
   * and only its SHA-256 is stored.
   */
  async create(
    userId: string,
    now: Date,
    limits: SessionLimits = DEFAULT_SESSION_LIMITS,
  ): Promise<{ token: string; session: PgSessionRecord }> {
    const { token, row } = newSession(userId, now, limits);
    // One statement: the user is read and the session inserted together.
    const { rows } = await this.#db.query<{ district: string | null }>(
      `INSERT INTO pswb_sessions (token_hash, user_id, csrf_token, created_at, last_seen_at,
         expires_at)
       SELECT $1, id, $3, $4, $4, $5 FROM pswb_users WHERE id = $2
       RETURNING (SELECT district FROM pswb_users WHERE id = $2)`,
      [row.token_hash, String(userId), row.csrf_token, row.created_at, row.expires_at],
    );
    if (!rows[0]) throw noSuchSessionUser(userId);
    return { token, session: { ...sessionRecordOf(row), district: rows[0].district } };
  }

  /**
   * The live session a token names, with its user's district. A session past its expiry or idle
   * for idleMs is deleted and not returned; a request is noted at most once a minute.
   */
  async find(
    token: string,
    now: Date,
    limits: SessionLimits = DEFAULT_SESSION_LIMITS,
  ): Promise<PgSessionRecord | undefined> {
    if (typeof token !== 'string' || token === '') return undefined;
    const hash = sessionTokenHash(token);
    const { rows } = await this.#db.query<RawSessionRow>(
      `SELECT s.*, u.district FROM pswb_sessions s JOIN pswb_users u ON u.id = s.user_id
       WHERE s.token_hash = $1`,
      [hash],
    );
    if (!rows[0]) return undefined;
    const row = toSessionRow(rows[0]);
    const at = now.getTime();
    if (sessionIsOver(row, at, limits)) {
      await this.#db.query('DELETE FROM pswb_sessions WHERE token_hash = $1', [hash]);
      return undefined;
    }
    if (at - Date.parse(row.last_seen_at) >= SESSION_TOUCH_EVERY_MS) {
      row.last_seen_at = now.toISOString();
      await this.#db.query('UPDATE pswb_sessions SET last_seen_at = $2 WHERE token_hash = $1', [
        hash,
        row.last_seen_at,
      ]);
    }
    return { ...sessionRecordOf(row), district: rows[0].district };
  }

  /** Ends the session a token names (sign-out); nothing happens for an unknown token. */
  async delete(token: string): Promise<void> {
    await this.#db.query('DELETE FROM pswb_sessions WHERE token_hash = $1', [
      sessionTokenHash(token),
    ]);
  }

  /** Ends every session of a user (ids are unique in the service); returns how many. */
  async deleteForUser(userId: string): Promise<number> {
    const { rowCount } = await this.#db.query('DELETE FROM pswb_sessions WHERE user_id = $1', [
      userId,
    ]);
    return rowCount ?? 0;
  }

  /** Deletes the sessions that are over at `now`, as find would find them; returns how many. */
  async prune(now: Date, limits: SessionLimits = DEFAULT_SESSION_LIMITS): Promise<number> {
    const bounds = sessionPruneBounds(now, limits);
    const { rowCount } = await this.#db.query(
      `DELETE FROM pswb_sessions WHERE expires_at <= $1 OR created_at <= $2 OR last_seen_at <= $3`,
      [bounds.now, bounds.signed_in_before, bounds.seen_before],
    );
    return rowCount ?? 0;
  }
}

interface RawAuditRow {
  id: string;
  district: string | null;
  at: Date;
  actor: string;
  action: string;
  target: string;
  before: unknown;
  after: unknown;
}

function toEntry(row: RawAuditRow): PgAuditEntry {
  return {
    id: Number(row.id),
    district: row.district,
    at: row.at.toISOString(),
    actor: row.actor,
    action: row.action,
    target: row.target,
    before: row.before ?? null,
    after: row.after ?? null,
  };
}

/** Who changed what, by district (pswb_audit), as AuditLog keeps it: secrets redacted, only added. */
export class PgAudit {
  readonly #db: PgQueryable;

  constructor(db: PgQueryable) {
    this.#db = db;
  }

  /**
   * Adds an entry of a district, or of the service itself with district null (a district
   * added, an operator's account); secrets redacted; returns it as stored.
   */
  async record(district: string | null, entry: NewAuditEntry): Promise<PgAuditEntry> {
    if (district !== null) checkDistrictId(String(district));
    const { rows } = await this.#db.query<RawAuditRow>(
      `INSERT INTO pswb_audit (district, at, actor, action, target, before, after)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb) RETURNING *`,
      [
        district,
        auditInstant(entry.at),
        entry.actor,
        entry.action,
        entry.target,
        storedAuditValue(entry.before),
        storedAuditValue(entry.after),
      ],
    );
    return toEntry(rows[0]!);
  }

  /**
   * A district's entries, newest first: `limit` of them (100 by default, at most 500), older than
   * `beforeId` when given; invalid_filter for a bad limit or id, as on SQLite.
   */
  async list(
    district: string,
    options: { limit?: number; beforeId?: number } = {},
  ): Promise<PgAuditEntry[]> {
    return this.#list(districtScope(district), options);
  }

  /** The service's own entries (no district), newest first, paged as list. */
  async listService(options: { limit?: number; beforeId?: number } = {}): Promise<PgAuditEntry[]> {
    return this.#list(OPERATORS, options);
  }

  async #list(
    scope: Scope,
    options: { limit?: number; beforeId?: number },
  ): Promise<PgAuditEntry[]> {
    const { limit, beforeId } = auditPage(options);
    const where = scopeSql(scope, 3);
    const { rows } = await this.#db.query<RawAuditRow>(
      `SELECT * FROM pswb_audit WHERE id < $1 AND ${where.sql} ORDER BY id DESC LIMIT $2`,
      [beforeId, limit, ...where.params],
    );
    return rows.map(toEntry);
  }
}
