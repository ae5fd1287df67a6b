/**
 * The admin page's accounts in the log file: users (scrypt passwords that never leave the store,
 * each refusal with invalid_user or user_exists), sessions (tokens kept only hashed, absolute and
 * idle expiry), the audit log (secrets redacted, newest first, paged).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AUDIT_REDACTED,
  ConnectorError,
  DEFAULT_SESSION_LIMITS,
  USER_ROLES,
  WritebackStore,
  type NewUser,
  type UserRecord,
} from '../../connector/index.ts';

const NOW = new Date('2026-10-14T12:00:00.000Z');
const PASSWORD = 'correct horse battery';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function later(ms: number): Date {
  return new Date(NOW.getTime() + ms);
}

async function rejection(work: () => Promise<unknown>): Promise<ConnectorError> {
  try {
    await work();
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorError);
    return error as ConnectorError;
  }
  throw new Error('expected a ConnectorError');
}

/** Every key of a record and its values, to look for a password hash anywhere. */
function expectNoSecret(value: unknown): void {
  const json = JSON.stringify(value);
  expect(json).not.toMatch(/scrypt\$/);
  expect(json).not.toMatch(/hash/i);
  expect(json).not.toContain(PASSWORD);
}

let store: WritebackStore;
beforeEach(() => {
  store = WritebackStore.inMemory();
});
afterEach(() => store.close());

const ALICE: NewUser = {
  email: '  Alice.Admin@District.org ',
  name: 'Alice Admin',
  role: 'district_admin',
  password: PASSWORD,
};

describe('users', () => {
  it('adds a user with a normal email and finds them by id or email in any case', async () => {
    const alice = await store.users.add(ALICE, NOW);
    expect(alice).toEqual({
      id: expect.stringMatching(/^u_[0-9a-f]{12}$/),
      email: 'alice.admin@district.org',
      name: 'Alice Admin',
      role: 'district_admin',
      schools: [],
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
      lastLoginAt: null,
    } satisfies UserRecord);
    expect(store.users.get(alice.id)).toEqual(alice);
    expect(store.users.find(alice.id)).toEqual(alice);
    expect(store.users.find('ALICE.admin@district.ORG')).toEqual(alice);
    expect(store.users.find(' alice.admin@district.org ')).toEqual(alice);
    expect(store.users.find('bob@district.org')).toBeUndefined();
    expect(store.users.get('u_000000000000')).toBeUndefined();
    expect(store.users.count()).toBe(1);
  });

  it('names a user by their email when no name is given, and sorts building schools', async () => {
    const bob = await store.users.add(
      {
        email: 'bob@district.org',
        role: 'building_admin',
        schools: [102, 101, 102],
        password: PASSWORD,
      },
      NOW,
    );
    expect(bob.name).toBe('bob@district.org');
    expect(bob.schools).toEqual([101, 102]);
  });

  it('verifies the right password, refuses a wrong one and an unknown email alike', async () => {
    const alice = await store.users.add(ALICE, NOW);
    expect(await store.users.verify('alice.admin@district.org', PASSWORD)).toEqual(alice);
    expect(await store.users.verify('ALICE.ADMIN@district.org', PASSWORD)).toEqual(alice);
    expect(await store.users.verify('alice.admin@district.org', `${PASSWORD}!`)).toBeUndefined();
    expect(await store.users.verify('alice.admin@district.org', '')).toBeUndefined();
    expect(await store.users.verify('nobody@district.org', PASSWORD)).toBeUndefined();
  });

  it('runs scrypt for an unknown email too (about as long as for a wrong password)', async () => {
    await store.users.add(ALICE, NOW);
    const time = async (email: string): Promise<number> => {
      const start = performance.now();
      for (let i = 0; i < 3; i += 1) await store.users.verify(email, 'wrong password!!');
      return performance.now() - start;
    };
    await time('nobody@district.org');
    const known = await time('alice.admin@district.org');
    const unknown = await time('nobody@district.org');
    // An unknown email that skipped scrypt would answer in well under a millisecond.
    expect(unknown).toBeGreaterThan(known / 4);
  });

  it('stores the password as scrypt$16384$8$1$<salt>$<hash>, and never returns it', async () => {
    const alice = await store.users.add(ALICE, NOW);
    const stored = store.db
      .prepare('SELECT password_hash FROM users WHERE id = ?')
      .pluck()
      .get(alice.id) as string;
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(stored).not.toContain(PASSWORD);
    await store.users.add({ ...ALICE, email: 'carol@district.org' }, NOW);
    const again = store.db
      .prepare('SELECT password_hash FROM users WHERE email = ?')
      .pluck()
      .get('carol@district.org') as string;
    expect(again).not.toBe(stored);
    for (const value of [
      alice,
      store.users.list(),
      store.users.get(alice.id),
      store.users.find(alice.email),
      await store.users.verify(alice.email, PASSWORD),
      await store.users.setPassword(alice.id, 'another long password', NOW),
      store.users.remove(alice.id),
    ]) {
      expectNoSecret(value);
    }
  });

  it('refuses a second user with the same email (user_exists), whatever its case', async () => {
    const alice = await store.users.add(ALICE, NOW);
    const error = await rejection(() =>
      store.users.add({ ...ALICE, email: 'ALICE.ADMIN@DISTRICT.ORG', role: 'support' }, NOW),
    );
    expect(error.code).toBe('user_exists');
    expect(error.message).toBe(
      `A user with the email alice.admin@district.org exists already (${alice.id}).`,
    );
    expect(store.users.count()).toBe(1);
  });

  it.each<[string, Partial<NewUser> & Record<string, unknown>, RegExp]>([
    ['an email without @', { email: 'alice.district.org' }, /not an email address/],
    ['an email without a domain dot', { email: 'alice@district' }, /not an email address/],
    ['an email with a space', { email: 'alice admin@district.org' }, /not an email address/],
    [
      'an unknown role, naming the valid ones',
      { role: 'principal' as never },
      /^Unknown role "principal"\. Valid roles: district_admin, building_admin, support\.$/,
    ],
    [
      'a building admin without schools',
      { role: 'building_admin' },
      /building_admin needs the school numbers/,
    ],
    [
      'a building admin with an empty school list',
      { role: 'building_admin', schools: [] },
      /building_admin needs the school numbers/,
    ],
    [
      'a building admin with a school that is not a number from 1',
      { role: 'building_admin', schools: [0] },
      /whole numbers from 1/,
    ],
    [
      'schools for a district admin',
      { role: 'district_admin', schools: [101] },
      /^Only a building_admin is assigned schools, not a district_admin: give no schools/,
    ],
    ['schools for support', { role: 'support', schools: [101] }, /not a support:/],
    [
      'a password of 11 characters',
      { password: 'elevenchars' },
      /^A password must be 12 to 1024 characters long; this one has 11\.$/,
    ],
    ['a name over 100 characters', { name: 'x'.repeat(101) }, /up to 100 characters/],
  ])('refuses %s with invalid_user and stores nothing', async (_name, change, message) => {
    const error = await rejection(() => store.users.add({ ...ALICE, ...change } as NewUser, NOW));
    expect(error.code).toBe('invalid_user');
    expect(error.message).toMatch(message);
    expect(error.fix).toContain('Correct the value');
    expect(store.users.count()).toBe(0);
  });

  it('accepts a password of exactly 12 characters, and every role', async () => {
    for (const role of USER_ROLES) {
      const user = await store.users.add(
        {
          email: `${role}@district.org`,
          role,
          password: 'twelve chars',
          ...(role === 'building_admin' ? { schools: [101] } : {}),
        },
        NOW,
      );
      expect(user.role).toBe(role);
    }
    expect(store.users.list().map((user) => user.email)).toEqual([
      'building_admin@district.org',
      'district_admin@district.org',
      'support@district.org',
    ]);
  });

  it('lists users by email', async () => {
    for (const email of ['zoe@d.org', 'adam@d.org', 'mia@d.org']) {
      await store.users.add({ email, role: 'support', password: PASSWORD }, NOW);
    }
    expect(store.users.list().map((user) => user.email)).toEqual([
      'adam@d.org',
      'mia@d.org',
      'zoe@d.org',
    ]);
  });

  it('removes a user by email or id and ends their sessions; unknown: undefined', async () => {
    const alice = await store.users.add(ALICE, NOW);
    await store.users.add({ ...ALICE, email: 'dana@district.org' }, NOW);
    const bob = await store.users.add(
      { email: 'bob@district.org', role: 'support', password: PASSWORD },
      NOW,
    );
    const { token } = store.sessions.create(alice.id, NOW);
    const bobs = store.sessions.create(bob.id, NOW);
    expect(store.users.remove('Alice.Admin@district.org')).toEqual(alice);
    expect(store.users.find(alice.id)).toBeUndefined();
    expect(store.sessions.find(token, NOW)).toBeUndefined();
    expect(store.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(1);
    expect(store.sessions.find(bobs.token, NOW)?.userId).toBe(bob.id);
    expect(store.users.remove(alice.id)).toBeUndefined();
    expect(store.users.remove(bob.id)?.email).toBe('bob@district.org');
    expect(store.users.count()).toBe(1);
  });

  it('refuses to remove the last district admin, and removes nothing', async () => {
    const alice = await store.users.add(ALICE, NOW);
    await store.users.add({ email: 'bob@district.org', role: 'support', password: PASSWORD }, NOW);
    const error = await rejection(async () => store.users.remove(alice.id));
    expect(error).toMatchObject({ code: 'invalid_user' });
    expect(String(error)).toContain('last district admin');
    expect(store.users.count()).toBe(2);
  });

  it('resets a password: the old one stops working, the new one works, sessions end', async () => {
    const alice = await store.users.add(ALICE, NOW);
    const { token } = store.sessions.create(alice.id, NOW);
    const updated = await store.users.setPassword(alice.email, 'a brand new password', later(HOUR));
    expect(updated).toEqual({ ...alice, updatedAt: later(HOUR).toISOString() });
    expect(await store.users.verify(alice.email, PASSWORD)).toBeUndefined();
    expect((await store.users.verify(alice.email, 'a brand new password'))?.id).toBe(alice.id);
    expect(store.sessions.find(token, later(HOUR))).toBeUndefined();
    expect(await store.users.setPassword('nobody@district.org', 'a brand new password', NOW)).toBe(
      undefined,
    );
    const error = await rejection(() => store.users.setPassword(alice.id, 'short', NOW));
    expect(error.code).toBe('invalid_user');
    expect((await store.users.verify(alice.email, 'a brand new password'))?.id).toBe(alice.id);
  });

  it('notes the last sign-in', async () => {
    const alice = await store.users.add(ALICE, NOW);
    store.users.markLogin(alice.id, later(MINUTE));
    expect(store.users.get(alice.id)?.lastLoginAt).toBe(later(MINUTE).toISOString());
  });
});

describe('sessions', () => {
  let userId: string;
  beforeEach(async () => {
    userId = (await store.users.add(ALICE, NOW)).id;
  });

  it('creates a session whose token finds it, with its own CSRF token', () => {
    const { token, session } = store.sessions.create(userId, NOW);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session).toEqual({
      userId,
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      createdAt: NOW.toISOString(),
      lastSeenAt: NOW.toISOString(),
      expiresAt: later(12 * HOUR).toISOString(),
    });
    expect(session.csrfToken).not.toBe(token);
    expect(store.sessions.find(token, later(MINUTE))?.userId).toBe(userId);
    expect(store.sessions.find(`${token}x`, NOW)).toBeUndefined();
    expect(store.sessions.find('', NOW)).toBeUndefined();
    const other = store.sessions.create(userId, NOW);
    expect(other.token).not.toBe(token);
    expect(other.session.csrfToken).not.toBe(session.csrfToken);
  });

  it('refuses a session for an unknown user (user_not_found)', () => {
    expect(() => store.sessions.create('u_000000000000', NOW)).toThrow(
      expect.objectContaining({ code: 'user_not_found' }),
    );
  });

  it('keeps only the SHA-256 of the token in the table', async () => {
    const { token } = store.sessions.create(userId, NOW);
    const rows = store.db.prepare('SELECT * FROM sessions').all() as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    const { createHash } = await import('node:crypto');
    expect(rows[0]!.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('ends a session 12 hours after sign-in however busy it is (absolute expiry)', () => {
    const { token } = store.sessions.create(userId, NOW);
    for (let at = HOUR; at < 12 * HOUR; at += HOUR) {
      expect(store.sessions.find(token, later(at)), `after ${at / HOUR} h`).toBeDefined();
    }
    expect(store.sessions.find(token, later(12 * HOUR))).toBeUndefined();
    // Deleted, not only refused: an earlier clock does not bring it back.
    expect(store.sessions.find(token, NOW)).toBeUndefined();
  });

  it('ends a session after 2 hours without a request (idle expiry)', () => {
    const { token } = store.sessions.create(userId, NOW);
    expect(store.sessions.find(token, later(2 * HOUR - MINUTE))).toBeDefined();
    // Seen at 1 h 59 min: idle from there.
    expect(store.sessions.find(token, later(4 * HOUR - 2 * MINUTE))).toBeDefined();
    expect(store.sessions.find(token, later(6 * HOUR - 2 * MINUTE))).toBeUndefined();
    expect(store.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);
  });

  it('takes other limits', () => {
    const limits = { absoluteMs: 10 * MINUTE, idleMs: 3 * MINUTE };
    const { token, session } = store.sessions.create(userId, NOW, limits);
    expect(session.expiresAt).toBe(later(10 * MINUTE).toISOString());
    expect(store.sessions.find(token, later(2 * MINUTE), limits)).toBeDefined();
    expect(store.sessions.find(token, later(5 * MINUTE + 1), limits)).toBeUndefined();
    // The default limits are the documented ones.
    expect(DEFAULT_SESSION_LIMITS).toEqual({ absoluteMs: 12 * HOUR, idleMs: 2 * HOUR });
  });

  it('writes lastSeenAt at most once a minute', () => {
    const { token } = store.sessions.create(userId, NOW);
    const lastSeen = () =>
      store.db.prepare('SELECT last_seen_at FROM sessions').pluck().get() as string;
    expect(store.sessions.find(token, later(30_000))?.lastSeenAt).toBe(NOW.toISOString());
    expect(lastSeen()).toBe(NOW.toISOString());
    expect(store.sessions.find(token, later(MINUTE))?.lastSeenAt).toBe(later(MINUTE).toISOString());
    expect(lastSeen()).toBe(later(MINUTE).toISOString());
    expect(store.sessions.find(token, later(MINUTE + 59_000))?.lastSeenAt).toBe(
      later(MINUTE).toISOString(),
    );
  });

  it('signs out one session, or every session of a user', async () => {
    const bob = await store.users.add(
      { email: 'bob@district.org', role: 'support', password: PASSWORD },
      NOW,
    );
    const first = store.sessions.create(userId, NOW);
    const second = store.sessions.create(userId, NOW);
    const bobs = store.sessions.create(bob.id, NOW);
    store.sessions.delete(first.token);
    expect(store.sessions.find(first.token, NOW)).toBeUndefined();
    expect(store.sessions.find(second.token, NOW)).toBeDefined();
    store.sessions.create(userId, NOW);
    expect(store.sessions.deleteForUser(userId)).toBe(2);
    expect(store.sessions.find(second.token, NOW)).toBeUndefined();
    expect(store.sessions.find(bobs.token, NOW)).toBeDefined();
    expect(store.sessions.deleteForUser(userId)).toBe(0);
  });

  it('prunes the sessions that are over, and only those', () => {
    const old = store.sessions.create(userId, new Date(NOW.getTime() - 13 * HOUR));
    const idle = store.sessions.create(userId, new Date(NOW.getTime() - 3 * HOUR));
    const live = store.sessions.create(userId, new Date(NOW.getTime() - HOUR));
    expect(store.sessions.prune(NOW)).toBe(2);
    const left = store.db.prepare('SELECT token_hash FROM sessions').pluck().all();
    expect(left).toHaveLength(1);
    expect(store.sessions.find(live.token, NOW)).toBeDefined();
    expect(store.sessions.find(old.token, NOW)).toBeUndefined();
    expect(store.sessions.find(idle.token, NOW)).toBeUndefined();
    expect(store.sessions.prune(NOW)).toBe(0);
  });
});

describe('audit log', () => {
  it('redacts every secret, password, hash and token, however deep, and key by name', () => {
    const entry = store.audit.record({
      at: NOW,
      actor: 'alice.admin@district.org',
      action: 'settings.save',
      target: 'connection',
      before: {
        connection: { url: 'https://a.example', clientId: 'id', clientSecret: 'old secret' },
        absent: null,
      },
      after: {
        connection: { url: 'https://b.example', clientId: 'id', clientSecret: 'new secret' },
        users: [{ email: 'x@d.org', passwordHash: 'scrypt$1', password: 'p', csrfToken: 't' }],
        apiKey: { key: 'pswb_x_y', keyId: 'x', HASH: { nested: 'h' } },
        secretQuestion: null,
        accessToken: undefined,
        count: 3,
      },
    });
    const expected = {
      id: 1,
      at: NOW.toISOString(),
      actor: 'alice.admin@district.org',
      action: 'settings.save',
      target: 'connection',
      before: {
        connection: { url: 'https://a.example', clientId: 'id', clientSecret: AUDIT_REDACTED },
        absent: null,
      },
      after: {
        connection: { url: 'https://b.example', clientId: 'id', clientSecret: AUDIT_REDACTED },
        users: [
          {
            email: 'x@d.org',
            passwordHash: AUDIT_REDACTED,
            password: AUDIT_REDACTED,
            csrfToken: AUDIT_REDACTED,
          },
        ],
        apiKey: { key: AUDIT_REDACTED, keyId: 'x', HASH: AUDIT_REDACTED },
        secretQuestion: null,
        count: 3,
      },
    };
    expect(entry).toEqual(expected);
    expect(store.audit.list()).toEqual([expected]);
    const raw = JSON.stringify(store.db.prepare('SELECT * FROM audit_log').all());
    for (const secret of ['old secret', 'new secret', 'scrypt$1', 'pswb_x_y', '"h"']) {
      expect(raw).not.toContain(secret);
    }
  });

  it('does not change the objects it is given', () => {
    const after = { clientSecret: 's3cret', nested: { token: 't' } };
    store.audit.record({ at: NOW, actor: 'a', action: 'x', target: 'y', after });
    expect(after).toEqual({ clientSecret: 's3cret', nested: { token: 't' } });
  });

  it('keeps absent before and after as null, and an ISO string time as given', () => {
    const entry = store.audit.record({
      at: '2026-10-14T08:00:00.000Z',
      actor: 'cli:root',
      action: 'user.add',
      target: 'bob@district.org',
    });
    expect(entry).toMatchObject({ at: '2026-10-14T08:00:00.000Z', before: null, after: null });
  });

  it('lists the newest first, 100 by default, paged with beforeId', () => {
    for (let i = 0; i < 120; i += 1) {
      store.audit.record({ at: later(i * MINUTE), actor: 'a', action: 'x', target: `t${i}` });
    }
    const first = store.audit.list();
    expect(first).toHaveLength(100);
    expect(first[0]!.target).toBe('t119');
    expect(first.map((entry) => entry.id)).toEqual(
      [...first.map((entry) => entry.id)].sort((a, b) => b - a),
    );
    const next = store.audit.list({ beforeId: first.at(-1)!.id, limit: 15 });
    expect(next.map((entry) => entry.target)).toEqual(
      Array.from({ length: 15 }, (_, i) => `t${19 - i}`),
    );
    const last = store.audit.list({ beforeId: next.at(-1)!.id, limit: 500 });
    expect(last.map((entry) => entry.target)).toEqual(['t4', 't3', 't2', 't1', 't0']);
    expect(store.audit.list({ beforeId: last.at(-1)!.id })).toEqual([]);
  });

  it.each([0, 501, 2.5])('refuses limit %s with invalid_filter', (limit) => {
    expect(() => store.audit.list({ limit })).toThrow(
      expect.objectContaining({ code: 'invalid_filter' }),
    );
  });
});

describe('the store', () => {
  it('may be closed twice', () => {
    const other = WritebackStore.inMemory();
    other.close();
    expect(() => other.close()).not.toThrow();
  });
});
