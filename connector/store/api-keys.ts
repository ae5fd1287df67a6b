/**
 * The service's API keys, in the log's SQLite file (table api_keys). A key is `pswb_<id>_<secret>`
 * with 32 random bytes of secret; only the SHA-256 of the secret is kept (a fast hash is right for
 * a random secret of that length: there is nothing to guess), compared in constant time. A key
 * belongs to the district it was made for (the PowerSchool URL of the saved connection) and,
 * optionally, to some buildings. Every check reads the table, so a key revoked by another process
 * (the CLI beside a running service) is refused at its next request.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type Database from 'better-sqlite3';
import { ConnectorError } from '../domain/index.ts';

/** An API key as stored (never its secret or hash). */
export interface ApiKeyRecord {
  id: string;
  name: string;
  /** The PowerSchool base URL of the district the key was made for. */
  district: string;
  /** The buildings (school numbers) the key may send and read; null for the whole district. */
  schools: number[] | null;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

interface KeyRow {
  id: string;
  name: string;
  hash: string;
  district: string;
  schools: string | null;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

const KEY_FORMAT = /^pswb_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
/** last_used_at is written at most this often per key: one write per request would be a write per request. */
const TOUCH_EVERY_MS = 60_000;

function hashOf(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/** A new key's parts, checked: the plaintext (shown once), its id, name, hash and schools. */
export function newApiKey(options: { name: string; schools?: readonly number[] | null }): {
  key: string;
  id: string;
  name: string;
  hash: string;
  schools: number[] | null;
} {
  const name = options.name.trim();
  if (!name || name.length > 100) {
    throw new ConnectorError(
      'invalid_settings',
      'An API key needs a name of 1 to 100 characters saying who uses it, e.g. "Front desk, Lincoln Elementary".',
    );
  }
  const schools = options.schools ?? null;
  if (schools && (schools.length === 0 || schools.some((n) => !Number.isSafeInteger(n) || n < 1))) {
    throw new ConnectorError(
      'invalid_settings',
      'A building key needs one or more school numbers (whole numbers from 1), e.g. 101,102.',
    );
  }
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return {
    key: `pswb_${id}_${secret}`,
    id,
    name,
    hash: hashOf(secret).toString('hex'),
    schools: schools ? [...new Set(schools)].sort((a, b) => a - b) : null,
  };
}

/** A plaintext key's id and the hash of its secret; undefined when it is not a pswb key. */
export function parseApiKey(plaintext: string): { id: string; hash: Buffer } | undefined {
  const match = KEY_FORMAT.exec(plaintext);
  return match ? { id: match[1]!, hash: hashOf(match[2]!) } : undefined;
}

/** Whether a stored hash (hex) is the given one, compared in constant time. */
export function hashMatches(storedHex: string, given: Buffer): boolean {
  const stored = Buffer.from(storedHex, 'hex');
  return stored.length === given.length && timingSafeEqual(stored, given);
}

/** Whether a key's last use is old enough to be written again (at most once a minute). */
export function touchDue(record: ApiKeyRecord, now: Date): boolean {
  const last = record.lastUsedAt ? Date.parse(record.lastUsedAt) : 0;
  return now.getTime() - last >= TOUCH_EVERY_MS;
}

function toRecord(row: KeyRow): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    district: row.district,
    schools: row.schools === null ? null : (JSON.parse(row.schools) as number[]),
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

/** The api_keys table of one log file. */
export class ApiKeyStore {
  readonly #statements;

  constructor(db: Database.Database) {
    this.#statements = {
      insert: db.prepare(`INSERT INTO api_keys (id, name, hash, district, schools, created_at)
        VALUES (@id, @name, @hash, @district, @schools, @created_at)`),
      byId: db.prepare<[string], KeyRow>('SELECT * FROM api_keys WHERE id = ?'),
      all: db.prepare<[], KeyRow>('SELECT * FROM api_keys ORDER BY created_at, id'),
      revoke: db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
      touch: db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?'),
    };
  }

  /** Makes a key; its plaintext is returned once and never stored. */
  create(options: {
    name: string;
    district: string;
    schools?: readonly number[] | null;
    now?: Date;
  }): { key: string; record: ApiKeyRecord } {
    const made = newApiKey(options);
    this.#statements.insert.run({
      id: made.id,
      name: made.name,
      hash: made.hash,
      district: options.district,
      schools: made.schools ? JSON.stringify(made.schools) : null,
      created_at: (options.now ?? new Date()).toISOString(),
    });
    return { key: made.key, record: this.get(made.id)! };
  }

  /** The key with this id. */
  get(id: string): ApiKeyRecord | undefined {
    const row = this.#statements.byId.get(id);
    return row ? toRecord(row) : undefined;
  }

  /** Every key, oldest first, revoked ones included. */
  list(): ApiKeyRecord[] {
    return this.#statements.all.all().map(toRecord);
  }

  /** Revokes a key; false when it was revoked already. Throws api_key_not_found for an unknown id. */
  revoke(id: string, now = new Date()): boolean {
    if (!this.#statements.byId.get(id)) {
      throw new ConnectorError(
        'api_key_not_found',
        `No API key with id "${id}". pswb keys list shows the ids.`,
      );
    }
    return this.#statements.revoke.run(now.toISOString(), id).changes > 0;
  }

  /** The key a plaintext names, if it is well formed, known, matches and is not revoked. */
  verify(plaintext: string): ApiKeyRecord | undefined {
    const given = parseApiKey(plaintext);
    if (!given) return undefined;
    const row = this.#statements.byId.get(given.id);
    if (!row || row.revoked_at !== null) return undefined;
    return hashMatches(row.hash, given.hash) ? toRecord(row) : undefined;
  }

  /** Notes that a key was used (at most once a minute per key). */
  touch(record: ApiKeyRecord, now = new Date()): void {
    if (!touchDue(record, now)) return;
    this.#statements.touch.run(now.toISOString(), record.id);
  }
}
