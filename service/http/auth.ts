/**
 * The API key check of /api/v1: `Authorization: Bearer <key>`. A missing, malformed, unknown or
 * revoked key, or a key made for another district (another PowerSchool connection), is a 401
 * problem with `WWW-Authenticate: Bearer` (RFC 6750: `error="invalid_token"` once a token was
 * given); the key itself is never echoed. A good key sets c.var.apiKey and c.var.actor: the
 * whole district, or a building admin of the key's schools.
 */
import type { MiddlewareHandler } from 'hono';
import {
  DISTRICT_ADMIN,
  type Actor,
  type ApiKeyRecord,
  type ApiKeyStore,
} from '../../connector/index.ts';
import { problem } from './problem.ts';

/** What the check puts on the context. */
export interface AuthVariables {
  apiKey: ApiKeyRecord;
  actor: Actor;
}

/** The connector actor a key acts as. */
export function actorOfKey(record: ApiKeyRecord): Actor {
  return record.schools ? { role: 'building_admin', schools: record.schools } : DISTRICT_ADMIN;
}

/** Where keys are checked: SQLite's ApiKeyStore, or PostgreSQL's PgApiKeys (async). */
export interface ApiKeyChecker {
  verify(plaintext: string): ApiKeyRecord | undefined | Promise<ApiKeyRecord | undefined>;
  touch(record: ApiKeyRecord, now: Date): void | Promise<void>;
}

export function requireApiKey(options: {
  keys: ApiKeyChecker | ApiKeyStore;
  /**
   * The district the service serves now (the saved connection's URL); a key of another is
   * refused. Absent (a database of many districts): every key acts for its own district.
   */
  district?: () => string;
  now?: () => Date;
}): MiddlewareHandler<{ Variables: AuthVariables }> {
  const now = options.now ?? (() => new Date());
  return async (c, next) => {
    const header = c.req.header('authorization');
    const refuse = (detail: string, given: boolean) =>
      problem(c, 401, {
        title: 'No valid API key',
        detail,
        headers: {
          'www-authenticate': given
            ? 'Bearer realm="pswb", error="invalid_token"'
            : 'Bearer realm="pswb"',
        },
      });
    if (!header) {
      return refuse(
        'Send an API key as "Authorization: Bearer <key>"; pswb keys create makes one.',
        false,
      );
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) {
      return refuse(
        'The Authorization header must be "Bearer <key>", with the key from pswb keys create.',
        true,
      );
    }
    const record = await options.keys.verify(match[1]!);
    if (!record) {
      return refuse(
        'This API key is not valid: unknown, mistyped, or revoked. pswb keys list shows the keys.',
        true,
      );
    }
    if (options.district && record.district !== options.district()) {
      return refuse(
        `API key ${record.id} was made for another district (${record.district}); make one for this district with pswb keys create.`,
        true,
      );
    }
    await options.keys.touch(record, now());
    c.set('apiKey', record);
    c.set('actor', actorOfKey(record));
    await next();
  };
}
