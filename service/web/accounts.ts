/**
 * The page's accounts, whichever store holds them: a data directory's connector.db (one
 * district: storeAccounts) or a PostgreSQL database of many (pgAccounts, decision 084), where a
 * session carries its user's district and every district-scoped read is made in that district.
 * Sign-in, sessions and the audit log go through this port; the rules (hashes, limits, expiry,
 * redaction) are the stores' own.
 */
import type {
  AuditEntry,
  NewAuditEntry,
  SessionLimits,
  SessionRecord,
  UserRecord,
  WritebackStore,
} from '../../connector/index.ts';
import type { PgAudit, PgSessions, PgUsers } from '../../connector/store/pg/index.ts';

/**
 * A signed-in user of the page: a district's user (UserRecord), or on PostgreSQL an operator of
 * the whole service, who sees the districts' overview only.
 */
export interface PageUser extends Omit<UserRecord, 'role'> {
  role: UserRecord['role'] | 'operator';
}

export interface PageAccounts {
  /** Whether anyone can sign in yet (the sign-in page says how to add the first user). */
  hasUsers(): Promise<boolean>;
  /** The user an email and password name, or undefined (the store's timing-safe check). */
  verify(email: string, password: string): Promise<PageUser | undefined>;
  /**
   * The live session a token names, its user and the district they act in ('' for a data
   * directory's one district, or an operator); undefined when over, unknown or its user gone.
   */
  session(
    token: string,
    now: Date,
    limits: SessionLimits,
  ): Promise<{ user: PageUser; session: SessionRecord; district: string } | undefined>;
  /**
   * Starts a session for a user who just signed in, ending `replacing` (the browser's earlier
   * one) and sessions nobody came back to; the new token (stored only as its SHA-256).
   */
  startSession(
    userId: string,
    replacing: string | undefined,
    now: Date,
    limits: SessionLimits,
  ): Promise<string>;
  /** Ends a session (sign-out). */
  endSession(token: string): Promise<void>;
  /** Records a change in a district's audit log. */
  recordAudit(district: string, entry: NewAuditEntry): Promise<void>;
  /** A district's audit log, newest first. */
  auditLog(district: string, options: { limit: number; beforeId?: number }): Promise<AuditEntry[]>;
}

/** A data directory's accounts, in connector.db (one district). */
export function storeAccounts(store: () => WritebackStore): PageAccounts {
  return {
    async hasUsers() {
      return store().users.count() > 0;
    },
    verify: (email, password) => store().users.verify(email, password),
    async session(token, now, limits) {
      const session = store().sessions.find(token, now, limits);
      if (!session) return undefined;
      const user = store().users.get(session.userId);
      if (!user) {
        store().sessions.delete(token);
        return undefined;
      }
      return { user, session, district: '' };
    },
    async startSession(userId, replacing, now, limits) {
      if (replacing) store().sessions.delete(replacing);
      // Sessions nobody came back to are deleted here, at each sign-in (one indexed DELETE).
      store().sessions.prune(now, limits);
      const { token } = store().sessions.create(userId, now, limits);
      store().users.markLogin(userId, now);
      return token;
    },
    async endSession(token) {
      store().sessions.delete(token);
    },
    async recordAudit(_district, entry) {
      store().audit.record(entry);
    },
    async auditLog(_district, options) {
      return store().audit.list(options);
    },
  };
}

/**
 * A PostgreSQL database's accounts: one email is one account in the whole service, so a
 * sign-in finds its user without a district, and the session then acts in the user's district
 * (an operator's: none).
 */
export function pgAccounts(stores: {
  users: PgUsers;
  sessions: PgSessions;
  audit: PgAudit;
}): PageAccounts {
  const { users, sessions, audit } = stores;
  return {
    hasUsers: () => users.any(),
    verify: (email, password) => users.verify(email, password),
    async session(token, now, limits) {
      const session = await sessions.find(token, now, limits);
      if (!session) return undefined;
      const user =
        session.district === null
          ? await users.findOperator(session.userId)
          : await users.get(session.district, session.userId);
      if (!user) {
        await sessions.delete(token);
        return undefined;
      }
      return { user, session, district: session.district ?? '' };
    },
    async startSession(userId, replacing, now, limits) {
      if (replacing) await sessions.delete(replacing);
      await sessions.prune(now, limits);
      const { token } = await sessions.create(userId, now, limits);
      await users.markLogin(userId, now);
      return token;
    },
    async endSession(token) {
      await sessions.delete(token);
    },
    async recordAudit(district, entry) {
      await audit.record(district, entry);
    },
    auditLog: (district, options) => audit.list(district, options),
  };
}
