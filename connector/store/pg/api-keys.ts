/**
 * The ingest API's keys on PostgreSQL (pswb_api_keys, decision 084): the same keys as SQLite's
 * (api-keys.ts: `pswb_<id>_<secret>`, only the SHA-256 of the secret kept, compared in constant
 * time), each belonging to one district of the database, and optionally to some of its
 * buildings. Every check reads the table, so a key revoked elsewhere is refused at once.
 */
import { districtNotFound } from './districts.ts';
import { type PgQueryable } from './transaction.ts';
import { ConnectorError } from '../../domain/index.ts';
import { hashMatches, newApiKey, parseApiKey, touchDue, type ApiKeyRecord } from '../api-keys.ts';

interface RawKeyRow {
  id: string;
  district: string;
  name: string;
  hash: string;
  schools: number[] | null;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

function toRecord(row: RawKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    district: row.district,
    schools: row.schools,
    createdAt: row.created_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
  };
}

export class PgApiKeys {
  readonly #pool: PgQueryable;

  constructor(pool: PgQueryable) {
    this.#pool = pool;
  }

  /** Makes a key of a district; its plaintext is returned once and never stored. */
  async create(options: {
    district: string;
    name: string;
    schools?: readonly number[] | null;
    now?: Date;
  }): Promise<{ key: string; record: ApiKeyRecord }> {
    const made = newApiKey(options);
    try {
      const { rows } = await this.#pool.query<RawKeyRow>(
        `INSERT INTO pswb_api_keys (id, district, name, hash, schools, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
        [
          made.id,
          options.district,
          made.name,
          made.hash,
          made.schools,
          (options.now ?? new Date()).toISOString(),
        ],
      );
      return { key: made.key, record: toRecord(rows[0]!) };
    } catch (error) {
      // The district's foreign key: there is no such district.
      if ((error as { code?: string }).code === '23503') throw districtNotFound(options.district);
      throw error;
    }
  }

  /** The district's key with this id (undefined for another district's). */
  async get(district: string, id: string): Promise<ApiKeyRecord | undefined> {
    const { rows } = await this.#pool.query<RawKeyRow>(
      'SELECT * FROM pswb_api_keys WHERE district = $1 AND id = $2',
      [district, id],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** A district's keys, oldest first, revoked ones included. */
  async list(district: string): Promise<ApiKeyRecord[]> {
    const { rows } = await this.#pool.query<RawKeyRow>(
      'SELECT * FROM pswb_api_keys WHERE district = $1 ORDER BY created_at, id',
      [district],
    );
    return rows.map(toRecord);
  }

  /**
   * Revokes a district's key; false when it was revoked already. api_key_not_found for an id
   * the district does not have (another district's key included).
   */
  async revoke(district: string, id: string, now = new Date()): Promise<boolean> {
    const { rows } = await this.#pool.query<{ revoked: boolean }>(
      `WITH target AS (SELECT id, revoked_at FROM pswb_api_keys WHERE district = $1 AND id = $2),
         done AS (UPDATE pswb_api_keys k SET revoked_at = $3 FROM target
           WHERE k.id = target.id AND k.revoked_at IS NULL RETURNING k.id)
       SELECT (SELECT count(*) FROM done) > 0 AS revoked FROM target`,
      [district, id, now.toISOString()],
    );
    if (!rows[0]) {
      throw new ConnectorError(
        'api_key_not_found',
        `District ${district} has no API key with id "${id}". pswb keys list shows the ids.`,
      );
    }
    return rows[0].revoked;
  }

  /** The key a plaintext names, if it is well formed, known, matches and is not revoked. */
  async verify(plaintext: string): Promise<ApiKeyRecord | undefined> {
    const given = parseApiKey(plaintext);
    if (!given) return undefined;
    const { rows } = await this.#pool.query<RawKeyRow>(
      'SELECT * FROM pswb_api_keys WHERE id = $1 AND revoked_at IS NULL',
      [given.id],
    );
    const row = rows[0];
    return row && hashMatches(row.hash, given.hash) ? toRecord(row) : undefined;
  }

  /** Notes that a key was used (at most once a minute per key). */
  async touch(record: ApiKeyRecord, now = new Date()): Promise<void> {
    if (!touchDue(record, now)) return;
    await this.#pool.query('UPDATE pswb_api_keys SET last_used_at = $2 WHERE id = $1', [
      record.id,
      now.toISOString(),
    ]);
  }
}
