/**
 * Users, sessions and the audit log on PostgreSQL (store/pg/accounts.ts, migration 6) against a
 * real server: the SQLite stores' rules (checks, hashes, error codes, session limits, redaction)
 * per district; one email for one account in the whole service; a district that cannot find,
 * list, remove or reset another district's user by id or email; operators apart; a user's
 * sessions ended with them; the database's own checks.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_REDACTED, emptySettings } from '../../connector/index.ts';
import {
  PgAudit,
  PgDistricts,
  PgSessions,
  PgUsers,
  migratePostgres,
  openPostgresPool,
  withTransaction,
} from '../../connector/store/pg/index.ts';
import { startTestPostgres, type TestPostgres } from '../support/postgres.ts';

let server: TestPostgres;
let pool: pg.Pool;
let users: PgUsers;
let sessions: PgSessions;
let audit: PgAudit;
let districtCount = 0;

const T0 = new Date('2026-10-14T12:00:00.000Z');
const after = (ms: number): Date => new Date(T0.getTime() + ms);
const PASSWORD = 'correct horse battery';
const HOUR = 60 * 60 * 1000;

beforeAll(async () => {
  server = await startTestPostgres();
  pool = openPostgresPool(await server.createDatabase('accounts'), { max: 4 });
  await migratePostgres(pool);
  users = new PgUsers(pool);
  sessions = new PgSessions(pool);
  audit = new PgAudit(pool);
}, 60_000);

afterAll(async () => {
  await pool?.end();
  await server?.stop();
});

/** Two new districts of the shared database, A and B. */
async function twoDistricts(): Promise<[string, string]> {
  const ids: string[] = [];
  for (let i = 0; i < 2; i += 1) {
    districtCount += 1;
    const id = `d${districtCount}`;
    await new PgDistricts(pool).add({ id, name: id, settings: emptySettings() }, T0.toISOString());
    ids.push(id);
  }
  return ids as [string, string];
}

let emails = 0;
function email(name = 'pat'): string {
  emails += 1;
  return `${name}.${emails}@district.org`;
}

describe('users of a district', () => {
  it('adds (email lower-cased, schools sorted), verifies, resets the password and removes', async () => {
    const [a] = await twoDistricts();
    const address = email();
    const admin = await users.add(
      a,
      { email: address, role: 'district_admin', password: PASSWORD },
      T0,
    );
    const building = await users.add(
      a,
      {
        email: `  ${email('Front.Desk').toUpperCase()} `,
        name: 'Front desk',
        role: 'building_admin',
        schools: [102, 101, 102],
        password: PASSWORD,
      },
      T0,
    );
    expect(admin).toEqual({
      id: expect.stringMatching(/^u_[0-9a-f]{12}$/),
      district: a,
      email: address,
      name: address,
      role: 'district_admin',
      schools: [],
      createdAt: T0.toISOString(),
      updatedAt: T0.toISOString(),
      lastLoginAt: null,
    });
    expect(building).toMatchObject({ role: 'building_admin', schools: [101, 102] });
    expect(building.email).toMatch(/^front\.desk\.\d+@district\.org$/);
    expect(JSON.stringify([admin, building])).not.toMatch(/scrypt|password/i);

    expect(await users.verify(address.toUpperCase(), PASSWORD)).toEqual(admin);
    expect(await users.verify(address, 'wrong password here')).toBeUndefined();
    expect(await users.verify('nobody@district.org', PASSWORD)).toBeUndefined();

    const { rows } = await pool.query<{ password_hash: string }>(
      'SELECT password_hash FROM pswb_users WHERE id = $1',
      [admin.id],
    );
    expect(rows[0]!.password_hash).toMatch(
      /^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/,
    );
    expect(rows[0]!.password_hash).not.toContain(PASSWORD);

    const reset = await users.setPassword(a, address, 'a brand new password', after(1000));
    expect(reset).toMatchObject({ id: admin.id, updatedAt: after(1000).toISOString() });
    expect(await users.verify(address, PASSWORD)).toBeUndefined();
    expect((await users.verify(address, 'a brand new password'))?.id).toBe(admin.id);

    await users.markLogin(admin.id, after(2000));
    expect((await users.get(a, admin.id))?.lastLoginAt).toBe(after(2000).toISOString());
    expect(await users.count(a)).toBe(2);
    expect((await users.list(a)).map((user) => user.id)).toEqual([building.id, admin.id]);

    expect((await users.remove(a, building.id))?.email).toBe(building.email);
    expect(await users.list(a)).toEqual([expect.objectContaining({ id: admin.id })]);
    expect(await users.remove(a, building.id)).toBeUndefined();
  });

  it("refuses what SQLite refuses, with SQLite's codes and words", async () => {
    const [a] = await twoDistricts();
    const cases: [Parameters<PgUsers['add']>[1], string, RegExp][] = [
      [
        { email: 'not-an-email', role: 'support', password: PASSWORD },
        'invalid_user',
        /is not an email address/,
      ],
      [
        { email: email(), role: 'support', password: 'short' },
        'invalid_user',
        /12 to 1024 characters long; this one has 5/,
      ],
      [
        { email: email(), role: 'building_admin', password: PASSWORD },
        'invalid_user',
        /needs the school numbers/,
      ],
      [
        { email: email(), role: 'support', schools: [101], password: PASSWORD },
        'invalid_user',
        /Only a building_admin is assigned schools/,
      ],
      [
        { email: email(), role: 'root' as never, password: PASSWORD },
        'invalid_user',
        /Unknown role "root". Valid roles: district_admin, building_admin, support\./,
      ],
      [
        { email: email(), role: 'operator' as never, password: PASSWORD },
        'invalid_user',
        /belongs to no district, not to d\d+: add them as an operator/,
      ],
    ];
    for (const [user, code, message] of cases) {
      const refused = users.add(a, user, T0);
      await expect(refused).rejects.toMatchObject({ code });
      await expect(refused).rejects.toThrow(message);
    }
    await expect(
      users.add('No Such', { email: email(), role: 'support', password: PASSWORD }, T0),
    ).rejects.toMatchObject({ code: 'invalid_district' });
    await expect(
      users.add('nowhere', { email: email(), role: 'support', password: PASSWORD }, T0),
    ).rejects.toMatchObject({ code: 'district_not_found' });
    expect(await users.list(a)).toEqual([]);
  });

  it('one email is one account in the whole service: the same email is refused in another district, without naming it', async () => {
    const [a, b] = await twoDistricts();
    const address = email();
    const first = await users.add(
      a,
      { email: address, role: 'district_admin', password: PASSWORD },
      T0,
    );
    const same = users.add(
      a,
      { email: address.toUpperCase(), role: 'support', password: PASSWORD },
      T0,
    );
    await expect(same).rejects.toMatchObject({ code: 'user_exists' });
    await expect(same).rejects.toThrow(
      `A user with the email ${address} exists already (${first.id}).`,
    );
    const other = users.add(
      b,
      { email: ` ${address} `, role: 'district_admin', password: PASSWORD },
      T0,
    );
    await expect(other).rejects.toMatchObject({ code: 'user_exists' });
    await expect(other).rejects.toThrow('already signs in to another account of this service');
    await expect(other).rejects.not.toThrow(first.id);
    await expect(other).rejects.not.toThrow(a);
    await expect(
      users.addOperator({ email: address, password: PASSWORD }, T0),
    ).rejects.toMatchObject({
      code: 'user_exists',
    });
    expect(await users.list(b)).toEqual([]);
    // The database itself refuses a second row, whatever the code above checks.
    await expect(
      pool.query(
        `INSERT INTO pswb_users (id, district, email, name, role, password_hash, created_at, updated_at)
         VALUES ('u_000000000001', $1, $2, 'x', 'support', 'h', now(), now())`,
        [b, address],
      ),
    ).rejects.toMatchObject({ code: '23505' });
  });

  it("district A cannot get, find, list, remove or reset B's user, by id or by email", async () => {
    const [a, b] = await twoDistricts();
    await users.add(a, { email: email(), role: 'district_admin', password: PASSWORD }, T0);
    const bAdmin = await users.add(
      b,
      { email: email(), role: 'district_admin', password: PASSWORD },
      T0,
    );
    const bUser = await users.add(b, { email: email(), role: 'support', password: PASSWORD }, T0);
    for (const key of [bUser.id, bUser.email, bUser.email.toUpperCase()]) {
      expect(await users.find(a, key)).toBeUndefined();
      expect(await users.remove(a, key)).toBeUndefined();
      expect(await users.setPassword(a, key, 'another long password', T0)).toBeUndefined();
      expect(await users.findOperator(key)).toBeUndefined();
      expect(await users.removeOperator(key)).toBeUndefined();
    }
    expect(await users.get(a, bUser.id)).toBeUndefined();
    expect((await users.list(a)).map((user) => user.district)).toEqual([a]);
    expect(await users.count(a)).toBe(1);
    // B's user is untouched: found in B, password unchanged.
    expect(await users.find(b, bUser.email)).toEqual(bUser);
    expect((await users.verify(bUser.email, PASSWORD))?.id).toBe(bUser.id);
    expect((await users.list(b)).map((user) => user.id).sort()).toEqual(
      [bAdmin.id, bUser.id].sort(),
    );
  });

  it("refuses to remove a district's last district admin; another district's admins do not count", async () => {
    const [a, b] = await twoDistricts();
    const only = await users.add(
      a,
      { email: email(), role: 'district_admin', password: PASSWORD },
      T0,
    );
    await users.add(b, { email: email(), role: 'district_admin', password: PASSWORD }, T0);
    const refused = users.remove(a, only.email);
    await expect(refused).rejects.toMatchObject({ code: 'invalid_user' });
    await expect(refused).rejects.toThrow(
      `${only.email} is the last district admin: removing them would leave no one who can change the settings. Add another district admin first (pswb users add --district ${a} --role district-admin), then remove this one.`,
    );
    expect(await users.find(a, only.id)).toEqual(only);
    const second = await users.add(
      a,
      { email: email(), role: 'district_admin', password: PASSWORD },
      T0,
    );
    expect((await users.remove(a, only.id))?.id).toBe(only.id);
    await expect(users.remove(a, second.id)).rejects.toMatchObject({ code: 'invalid_user' });
  });
});

describe('operators', () => {
  it('are added without a district, listed apart, and reached only as operators', async () => {
    const [a] = await twoDistricts();
    const address = email('ops');
    const operator = await users.addOperator(
      { email: address, name: 'Ops', password: PASSWORD },
      T0,
    );
    expect(operator).toMatchObject({ district: null, role: 'operator', schools: [], name: 'Ops' });
    expect((await users.listOperators()).map((user) => user.id)).toContain(operator.id);
    expect(await users.list(a)).toEqual([]);
    expect(await users.find(a, operator.id)).toBeUndefined();
    expect(await users.remove(a, address)).toBeUndefined();
    expect(await users.findOperator(address.toUpperCase())).toEqual(operator);
    expect((await users.verify(address, PASSWORD))?.role).toBe('operator');
    await expect(
      users.addOperator({ email: email('ops'), password: PASSWORD, schools: [101] } as never, T0),
    ).rejects.toThrow(/Only a building_admin is assigned schools, not a operator/);
    expect((await users.setOperatorPassword(operator.id, 'operator new password', T0))?.id).toBe(
      operator.id,
    );
    expect((await users.removeOperator(address))?.id).toBe(operator.id);
    expect(await users.findOperator(operator.id)).toBeUndefined();
  });

  it('the database refuses an operator with a district and a district role without one', async () => {
    const [a] = await twoDistricts();
    const insert = (district: string | null, role: string): Promise<unknown> =>
      pool.query(
        `INSERT INTO pswb_users (id, district, email, name, role, password_hash, created_at, updated_at)
         VALUES ($1, $2, $3, 'x', $4, 'h', now(), now())`,
        [`u_${String(emails).padStart(12, '0')}`, district, email(), role],
      );
    await expect(insert(a, 'operator')).rejects.toMatchObject({
      constraint: 'pswb_users_operator_has_no_district',
    });
    await expect(insert(null, 'support')).rejects.toMatchObject({
      constraint: 'pswb_users_operator_has_no_district',
    });
    await expect(insert(a, 'root')).rejects.toMatchObject({ constraint: 'pswb_users_role' });
  });
});

describe('sessions', () => {
  async function someUser(): Promise<{ id: string; district: string }> {
    const [a] = await twoDistricts();
    const user = await users.add(a, { email: email(), role: 'support', password: PASSWORD }, T0);
    return { id: user.id, district: a };
  }

  it("creates a session its token finds (with the user's district); keeps only the token's SHA-256", async () => {
    const user = await someUser();
    const { token, session } = await sessions.create(user.id, T0);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session).toEqual({
      userId: user.id,
      district: user.district,
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      createdAt: T0.toISOString(),
      lastSeenAt: T0.toISOString(),
      expiresAt: after(12 * HOUR).toISOString(),
    });
    expect(await sessions.find(token, after(1000))).toEqual(session);
    expect(await sessions.find(`${token}x`, after(1000))).toBeUndefined();
    const { rows } = await pool.query<{ token_hash: string }>(
      'SELECT token_hash FROM pswb_sessions WHERE user_id = $1',
      [user.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]!.token_hash).not.toContain(token);
    await expect(sessions.create('u_ffffffffffff', T0)).rejects.toMatchObject({
      code: 'user_not_found',
    });
  });

  it('ends a session after 2 hours idle, and 12 hours after sign-in however busy', async () => {
    const user = await someUser();
    const idle = await sessions.create(user.id, T0);
    expect(await sessions.find(idle.token, after(2 * HOUR - 1))).toBeDefined();
    // Seen at 2 h - 1 ms (more than a minute after the last note): idle counts from there.
    expect(await sessions.find(idle.token, after(4 * HOUR - 2))).toBeDefined();
    expect(await sessions.find(idle.token, after(6 * HOUR))).toBeUndefined();

    const busy = await sessions.create(user.id, T0);
    for (let h = 1; h < 12; h += 1) {
      expect((await sessions.find(busy.token, after(h * HOUR)))?.lastSeenAt).toBe(
        after(h * HOUR).toISOString(),
      );
    }
    expect(await sessions.find(busy.token, after(12 * HOUR))).toBeUndefined();
    const { rows } = await pool.query('SELECT 1 FROM pswb_sessions WHERE user_id = $1', [user.id]);
    expect(rows).toEqual([]);
  });

  it('writes lastSeenAt at most once a minute', async () => {
    const user = await someUser();
    const { token } = await sessions.create(user.id, T0);
    expect((await sessions.find(token, after(59_999)))?.lastSeenAt).toBe(T0.toISOString());
    expect((await sessions.find(token, after(60_000)))?.lastSeenAt).toBe(
      after(60_000).toISOString(),
    );
  });

  it('prunes only the sessions that are over; signs out one, or all of a user', async () => {
    const user = await someUser();
    const other = await someUser();
    const old = await sessions.create(user.id, T0);
    const fresh = await sessions.create(user.id, after(3 * HOUR));
    const others = await sessions.create(other.id, after(3 * HOUR));
    expect(await sessions.prune(after(3 * HOUR))).toBeGreaterThanOrEqual(1);
    expect(await sessions.find(old.token, after(3 * HOUR))).toBeUndefined();
    expect(await sessions.find(fresh.token, after(3 * HOUR))).toBeDefined();
    const second = await sessions.create(user.id, after(3 * HOUR));
    expect(await sessions.deleteForUser(user.id)).toBe(2);
    expect(await sessions.find(second.token, after(3 * HOUR))).toBeUndefined();
    expect(await sessions.find(others.token, after(3 * HOUR))).toBeDefined();
    await sessions.delete(others.token);
    expect(await sessions.find(others.token, after(3 * HOUR))).toBeUndefined();
  });

  it('end with their user (removed: cascade) and with a password reset', async () => {
    const [a] = await twoDistricts();
    await users.add(a, { email: email(), role: 'district_admin', password: PASSWORD }, T0);
    const user = await users.add(a, { email: email(), role: 'support', password: PASSWORD }, T0);
    const first = await sessions.create(user.id, T0);
    await users.setPassword(a, user.id, 'the next password', T0);
    expect(await sessions.find(first.token, T0)).toBeUndefined();
    const second = await sessions.create(user.id, T0);
    await users.remove(a, user.email);
    expect(await sessions.find(second.token, T0)).toBeUndefined();
    const { rows } = await pool.query('SELECT 1 FROM pswb_sessions WHERE user_id = $1', [user.id]);
    expect(rows).toEqual([]);
  });
});

describe('audit log', () => {
  it('records per district, lists newest first within the district only, secrets redacted', async () => {
    const [a, b] = await twoDistricts();
    const first = await audit.record(a, {
      at: T0,
      actor: 'cli:pat',
      action: 'settings.save',
      target: 'settings',
      before: null,
      after: {
        connection: { clientSecret: 'do-not-store', url: 'https://ps.example' },
        users: [{ password: 'hunter2 hunter2', passwordHash: 'scrypt$...', name: 'x' }],
        token: 'abc',
        key: 'pswb_x_y',
        keys: 3,
      },
    });
    expect(first).toEqual({
      id: expect.any(Number),
      district: a,
      at: T0.toISOString(),
      actor: 'cli:pat',
      action: 'settings.save',
      target: 'settings',
      before: null,
      after: {
        connection: { clientSecret: AUDIT_REDACTED, url: 'https://ps.example' },
        users: [{ password: AUDIT_REDACTED, passwordHash: AUDIT_REDACTED, name: 'x' }],
        token: AUDIT_REDACTED,
        key: AUDIT_REDACTED,
        keys: 3,
      },
    });
    const { rows } = await pool.query<{ dump: string }>(
      'SELECT after::text AS dump FROM pswb_audit WHERE id = $1',
      [first.id],
    );
    expect(rows[0]!.dump).not.toMatch(/do-not-store|hunter2|pswb_x_y|"abc"/);

    const second = await audit.record(a, {
      at: after(1),
      actor: 'cli:pat',
      action: 'user.add',
      target: 'x@d.org',
    });
    const theirs = await audit.record(b, {
      at: after(2),
      actor: 'cli:lee',
      action: 'user.add',
      target: 'y@d.org',
    });
    const service = await audit.record(null, {
      at: after(3),
      actor: 'cli:ops',
      action: 'district.add',
      target: 'zz',
    });
    expect(second.id).toBeGreaterThan(first.id);
    expect((await audit.list(a)).map((entry) => entry.id)).toEqual([second.id, first.id]);
    expect((await audit.list(a, { limit: 1 })).map((entry) => entry.id)).toEqual([second.id]);
    expect((await audit.list(a, { beforeId: second.id })).map((entry) => entry.id)).toEqual([
      first.id,
    ]);
    expect((await audit.list(b)).map((entry) => entry.id)).toEqual([theirs.id]);
    const serviceIds = (await audit.listService()).map((entry) => entry.id);
    expect(serviceIds).toContain(service.id);
    expect(serviceIds).not.toContain(first.id);
    expect(await audit.list(a)).not.toContainEqual(expect.objectContaining({ id: service.id }));
    await expect(audit.list(a, { limit: 501 })).rejects.toMatchObject({ code: 'invalid_filter' });
    await expect(audit.list(a, { limit: 0 })).rejects.toThrow(
      'limit must be a whole number from 1 to 500; got 0.',
    );
  });

  it('an entry commits or rolls back with its change in one transaction', async () => {
    const [a] = await twoDistricts();
    const address = email();
    await expect(
      withTransaction(pool, async (client) => {
        const user = await new PgUsers(client).add(
          a,
          { email: address, role: 'support', password: PASSWORD },
          T0,
        );
        await new PgAudit(client).record(a, {
          at: T0,
          actor: 'cli:pat',
          action: 'user.add',
          target: user.email,
          after: user,
        });
        throw new Error('something after failed');
      }),
    ).rejects.toThrow('something after failed');
    expect(await users.find(a, address)).toBeUndefined();
    expect(await audit.list(a)).toEqual([]);
  });
});
