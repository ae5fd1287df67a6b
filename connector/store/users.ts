/**
 * The admin page's users, in the log's SQLite file (table users). A user signs in with an email
 * and a password; the password is kept only as an scrypt hash (N=16384, r=8, p=1, a 16-byte
 * random salt, a 32-byte key: `scrypt$16384$8$1$<salt>$<hash>`, base64), compared in constant
 * time, and never returned by any method. A user is a district admin (every school), a building
 * admin (the schools assigned) or support (reads, for the people helping a district). Removing a
 * user or changing a password ends the user's sessions.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type Database from 'better-sqlite3';
import { ConnectorError } from '../domain/index.ts';

/** The roles a user may have, as stored. */
export const USER_ROLES = ['district_admin', 'building_admin', 'support'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** A user as stored (never the password or its hash). */
export interface UserRecord {
  /** `u_` and 12 hex characters. */
  id: string;
  /** The login name: trimmed and lower-cased. */
  email: string;
  /** The display name; the email when none was given. */
  name: string;
  role: UserRole;
  /** A building admin's assigned school numbers (at least one), ascending; [] for other roles. */
  schools: number[];
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
}

/** What add needs to make a user. */
export interface NewUser {
  email: string;
  /** Defaults to the email. */
  name?: string;
  role: UserRole;
  /** A building admin's schools (required for that role, refused for the others). */
  schools?: number[];
  password: string;
}

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  schools: string;
  password_hash: string;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}

/** The shortest password accepted. */
export const MIN_PASSWORD_LENGTH = 12;
/** The longest password accepted (a longer one would only make each sign-in dearer to check). */
export const MAX_PASSWORD_LENGTH = 1024;
const MAX_NAME_LENGTH = 100;
const MAX_EMAIL_LENGTH = 254;
const EMAIL_SHAPE = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const USER_ID = /^u_[0-9a-f]{12}$/;

/** Whether a text has the form of a user id (`u_` and 12 hex characters). */
export function isUserId(text: string): boolean {
  return USER_ID.test(text);
}

/** A new user id: `u_` and 12 random hex characters. */
export function newUserId(): string {
  return `u_${randomBytes(6).toString('hex')}`;
}

const SCRYPT = { N: 16384, r: 8, p: 1, saltBytes: 16, keyBytes: 32 } as const;
const HASH_FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

function scryptKey(
  password: string,
  salt: Buffer,
  keyBytes: number,
  options: ScryptOptions,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem: 128 * N * r bytes are needed; twice that leaves room (Node's default is 32 MiB).
    const maxmem = 256 * (options.N ?? SCRYPT.N) * (options.r ?? SCRYPT.r);
    scrypt(password.normalize('NFC'), salt, keyBytes, { ...options, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** The stored form of a new password: `scrypt$16384$8$1$<salt b64>$<hash b64>`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SCRYPT.saltBytes);
  const key = await scryptKey(password, salt, SCRYPT.keyBytes, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Whether a password matches a stored hash (false for a hash in a form this code does not know). */
async function passwordMatches(password: string, stored: string): Promise<boolean> {
  const match = HASH_FORMAT.exec(stored);
  if (!match) return false;
  const [N, r, p] = match.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(match[4]!, 'base64');
  const expected = Buffer.from(match[5]!, 'base64');
  const given = await scryptKey(password, salt, expected.length, { N, r, p });
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Checked against for an unknown email, so a wrong email takes as long to refuse as a wrong
 * password: a hash of the stored form (random salt and key) that no password matches.
 */
const DECOY_HASH = `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${randomBytes(SCRYPT.saltBytes).toString('base64')}$${randomBytes(SCRYPT.keyBytes).toString('base64')}`;

/**
 * Whether a password signs in the user whose stored hash is `stored`; undefined (no such user)
 * still runs one scrypt against a decoy, so the time taken does not tell which emails have
 * users. A password that is not text, empty or longer than MAX_PASSWORD_LENGTH never signs in.
 */
export async function passwordSignsIn(
  stored: string | undefined,
  password: unknown,
): Promise<boolean> {
  const usable =
    typeof password === 'string' && [...password].length <= MAX_PASSWORD_LENGTH ? password : '';
  if (stored === undefined) {
    await passwordMatches(usable, DECOY_HASH);
    return false;
  }
  const matches = await passwordMatches(usable, stored);
  return matches && usable !== '';
}

/** The email as stored: trimmed and lower-cased. */
export function normalEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function invalidUser(message: string): ConnectorError {
  return new ConnectorError('invalid_user', message);
}

/** Throws invalid_user unless the password is 12 to 1024 characters long. */
export function checkPassword(password: unknown): string {
  if (typeof password !== 'string') throw invalidUser('A password must be text.');
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH || length > MAX_PASSWORD_LENGTH) {
    throw invalidUser(
      `A password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters long; this one has ${length}.`,
    );
  }
  return password;
}

/**
 * The user's fields as stored, or invalid_user naming the first thing that is wrong. `roles` are
 * the roles the store holds (PostgreSQL's adds the service's operators).
 */
export function checkedUser<Role extends string = UserRole>(
  user: Omit<NewUser, 'role' | 'password'> & { role: Role },
  roles: readonly Role[] = USER_ROLES as readonly string[] as readonly Role[],
): {
  email: string;
  name: string;
  role: Role;
  schools: number[];
} {
  const email = normalEmail(String(user.email ?? ''));
  if (email.length > MAX_EMAIL_LENGTH || !EMAIL_SHAPE.test(email)) {
    throw invalidUser(
      `"${String(user.email ?? '')}" is not an email address: a user signs in with one, such as pat.lee@district.org.`,
    );
  }
  const name = user.name === undefined ? email : String(user.name).trim() || email;
  if (name.length > MAX_NAME_LENGTH) {
    throw invalidUser(
      `A user's name may have up to ${MAX_NAME_LENGTH} characters; this one has ${name.length}.`,
    );
  }
  const role = user.role as string;
  if (!(roles as readonly string[]).includes(role)) {
    throw invalidUser(`Unknown role "${role}". Valid roles: ${roles.join(', ')}.`);
  }
  const given = user.schools ?? [];
  if (role === 'building_admin') {
    if (given.length === 0) {
      throw invalidUser(
        'A building_admin needs the school numbers they are assigned (one or more), e.g. 101.',
      );
    }
    if (given.some((n) => !Number.isSafeInteger(n) || n < 1)) {
      throw invalidUser(
        `School numbers are whole numbers from 1, e.g. 101; got ${given.join(', ')}.`,
      );
    }
  } else if (given.length > 0) {
    throw invalidUser(
      `Only a building_admin is assigned schools, not a ${role}: give no schools, or make the user a building_admin.`,
    );
  }
  const schools = [...new Set(given)].sort((a, b) => a - b);
  return { email, name, role: role as Role, schools };
}

function toRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    schools: JSON.parse(row.schools) as number[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastLoginAt: row.last_login_at,
  };
}

/**
 * The refusal to remove a district's last district admin (the district would be left without
 * anyone who can change its settings or sign-ins); `add` is the command that adds another.
 */
export function lastDistrictAdmin(
  email: string,
  add = 'pswb users add --role district-admin',
): ConnectorError {
  return invalidUser(
    `${email} is the last district admin: removing them would leave no one who can change the settings. Add another district admin first (${add}), then remove this one.`,
  );
}

/** Whether a failure is SQLite refusing a second row with the same unique value. */
function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** The users table of one log file. */
export class UserStore {
  readonly #db: Database.Database;
  readonly #statements;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#statements = {
      insert: db.prepare(`INSERT INTO users (id, email, name, role, schools, password_hash,
        created_at, updated_at) VALUES (@id, @email, @name, @role, @schools, @password_hash,
        @now, @now)`),
      byId: db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?'),
      byEmail: db.prepare<[string], UserRow>('SELECT * FROM users WHERE email = ?'),
      all: db.prepare<[], UserRow>('SELECT * FROM users ORDER BY email'),
      count: db.prepare<[], number>('SELECT count(*) FROM users').pluck(),
      remove: db.prepare('DELETE FROM users WHERE id = ?'),
      endSessions: db.prepare('DELETE FROM sessions WHERE user_id = ?'),
      setPassword: db.prepare(
        'UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ? RETURNING *',
      ),
      markLogin: db.prepare('UPDATE users SET last_login_at = ? WHERE id = ?'),
    };
  }

  /**
   * Makes a user. Throws invalid_user for a malformed email, an unknown role, a building_admin
   * without schools, schools for another role or a password shorter than 12 characters;
   * user_exists when a user has the email already.
   */
  async add(user: NewUser, now: Date): Promise<UserRecord> {
    const fields = checkedUser(user);
    const password = checkPassword(user.password);
    const exists = (): ConnectorError => {
      const other = this.#statements.byEmail.get(fields.email);
      return new ConnectorError(
        'user_exists',
        `A user with the email ${fields.email} exists already${other ? ` (${other.id})` : ''}.`,
      );
    };
    if (this.#statements.byEmail.get(fields.email)) throw exists();
    const hash = await hashPassword(password);
    const id = newUserId();
    try {
      this.#statements.insert.run({
        id,
        email: fields.email,
        name: fields.name,
        role: fields.role,
        schools: JSON.stringify(fields.schools),
        password_hash: hash,
        now: now.toISOString(),
      });
    } catch (error) {
      // Another process added the same email while this one was hashing.
      if (isUniqueViolation(error)) throw exists();
      throw error;
    }
    return this.get(id)!;
  }

  /** Every user, by email. */
  list(): UserRecord[] {
    return this.#statements.all.all().map(toRecord);
  }

  /** The user with this id. */
  get(id: string): UserRecord | undefined {
    const row = this.#statements.byId.get(id);
    return row ? toRecord(row) : undefined;
  }

  /** The user with this id, or with this email (in any case, spaces around it ignored). */
  find(emailOrId: string): UserRecord | undefined {
    const row = this.#row(emailOrId);
    return row ? toRecord(row) : undefined;
  }

  #row(emailOrId: string): UserRow | undefined {
    const key = emailOrId.trim();
    return (
      (USER_ID.test(key) ? this.#statements.byId.get(key) : undefined) ??
      this.#statements.byEmail.get(normalEmail(key))
    );
  }

  /** Removes a user and ends their sessions; returns the removed user, undefined when unknown. */
  remove(emailOrId: string): UserRecord | undefined {
    return this.#db
      .transaction(() => {
        const row = this.#row(emailOrId);
        if (!row) return undefined;
        // The district would be left without anyone who can change its settings or sign-ins.
        const admins = this.#db
          .prepare("SELECT count(*) FROM users WHERE role = 'district_admin'")
          .pluck()
          .get() as number;
        if (row.role === 'district_admin' && admins === 1) throw lastDistrictAdmin(row.email);
        this.#statements.endSessions.run(row.id);
        this.#statements.remove.run(row.id);
        return toRecord(row);
      })
      .immediate();
  }

  /**
   * Gives a user a new password (12 characters or more, else invalid_user) and ends their
   * sessions; undefined when no user has this email or id.
   */
  async setPassword(
    emailOrId: string,
    password: string,
    now: Date,
  ): Promise<UserRecord | undefined> {
    checkPassword(password);
    if (!this.#row(emailOrId)) return undefined;
    const hash = await hashPassword(password);
    return this.#db
      .transaction(() => {
        // Looked up again: the user may have gone while the password was hashed.
        const row = this.#row(emailOrId);
        if (!row) return undefined;
        const updated = this.#statements.setPassword.get(hash, now.toISOString(), row.id) as
          UserRow | undefined;
        this.#statements.endSessions.run(row.id);
        return updated ? toRecord(updated) : undefined;
      })
      .immediate();
  }

  /**
   * The user an email and password sign in, or undefined for an unknown email or a wrong
   * password. An unknown email still runs one scrypt, so the time taken does not tell which
   * emails have users.
   */
  async verify(email: string, password: string): Promise<UserRecord | undefined> {
    const row =
      typeof email === 'string' ? this.#statements.byEmail.get(normalEmail(email)) : undefined;
    return (await passwordSignsIn(row?.password_hash, password)) && row ? toRecord(row) : undefined;
  }

  /** Notes that a user signed in. */
  markLogin(id: string, now: Date): void {
    this.#statements.markLogin.run(now.toISOString(), id);
  }

  /** How many users there are (none: the page has to be set up with pswb users add). */
  count(): number {
    return this.#statements.count.get()!;
  }
}
