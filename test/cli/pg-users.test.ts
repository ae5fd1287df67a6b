/**
 * pswb users on PostgreSQL through the CLI (--district, --role operator, --operator), against a
 * server started for this file: a district's users added, listed, reset and removed, another
 * district's never reached, one email for one account, operators apart, the usage errors of a
 * bad mix of flags; and the pswb_audit entries that users, keys create|revoke --district and
 * districts add|set write in the same transaction as their change, never with a secret.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SettingsStore, emptySettings } from '../../connector/index.ts';
import {
  PgDistricts,
  PgUsers,
  migratePostgres,
  openPostgresPool,
} from '../../connector/store/pg/index.ts';
import { pswb } from './support.ts';
import { startTestPostgres, type TestPostgres } from '../support/postgres.ts';

let server: TestPostgres;
let url: string;
let pool: pg.Pool;
let districtCount = 0;
const ACTOR = `cli:${userInfo().username}`;

beforeAll(async () => {
  server = await startTestPostgres();
  url = await server.createDatabase('pg_users');
  pool = openPostgresPool(url, { max: 2 });
  await migratePostgres(pool);
}, 60_000);

afterAll(async () => {
  await pool?.end();
  await server?.stop();
});

afterEach(() => {
  delete process.env.PSWB_DATABASE_URL;
});

async function twoDistricts(): Promise<[string, string]> {
  const ids: string[] = [];
  for (let i = 0; i < 2; i += 1) {
    districtCount += 1;
    const id = `d${districtCount}`;
    await new PgDistricts(pool).add(
      { id, name: id, settings: emptySettings() },
      new Date().toISOString(),
    );
    ids.push(id);
  }
  return ids as [string, string];
}

interface AuditRow {
  district: string | null;
  actor: string;
  action: string;
  target: string;
  before: unknown;
  after: unknown;
  dump: string;
}

/** The audit entries of a district (null: the service's), oldest first, with their JSON text. */
async function auditOf(district: string | null): Promise<AuditRow[]> {
  const { rows } = await pool.query<AuditRow>(
    `SELECT district, actor, action, target, before, after,
       coalesce(before::text, '') || coalesce(after::text, '') AS dump
     FROM pswb_audit WHERE district IS NOT DISTINCT FROM $1 ORDER BY id`,
    [district],
  );
  return rows;
}

describe('pswb users --district', () => {
  it("adds, lists, resets and removes a district's users, each change audited in the district", async () => {
    const [a, b] = await twoDistricts();
    const added = await pswb([
      'users',
      'add',
      '--district',
      a,
      '--database',
      url,
      '--email',
      'Pat.Lee@Lincoln.org',
      '--role',
      'district-admin',
      '--name',
      'Pat Lee',
    ]);
    expect(added).toMatchObject({ code: 0 });
    const password = added.out.trim();
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(added.err).toContain(`pat.lee@lincoln.org ("Pat Lee"), district admin of district ${a}`);
    expect(added.err).toContain(`pswb users reset-password pat.lee@lincoln.org --district ${a}`);
    const users = new PgUsers(pool);
    const pat = (await users.verify('pat.lee@lincoln.org', password))!;
    expect(pat).toMatchObject({ district: a, role: 'district_admin', name: 'Pat Lee' });

    process.env.PSWB_DATABASE_URL = url;
    const building = await pswb(
      [
        'users',
        'add',
        '--district',
        a,
        '--email',
        'desk@lincoln.org',
        '--role',
        'building-admin',
        '--school',
        '102,101',
        '--password-stdin',
      ],
      'desk password 1234\n',
    );
    expect(building.code).toBe(0);
    expect(building.out).toContain(
      `desk@lincoln.org, building admin of school(s) 101, 102 of district ${a}.`,
    );

    const listed = await pswb(['users', 'list', '--district', a, '--json']);
    const parsed = JSON.parse(listed.out) as { users: Record<string, unknown>[] };
    expect(parsed.users.map((user) => [user.email, user.district, user.role])).toEqual([
      ['desk@lincoln.org', a, 'building_admin'],
      ['pat.lee@lincoln.org', a, 'district_admin'],
    ]);
    expect(listed.out).not.toMatch(/scrypt|password/i);
    const none = await pswb(['users', 'list', '--district', b]);
    expect(none.out).toContain(`District ${b} has no users yet.`);

    const reset = await pswb(
      ['users', 'reset-password', 'DESK@lincoln.org', '--district', a, '--password-stdin'],
      'a new desk password\n',
    );
    expect(reset.code).toBe(0);
    expect(reset.out).toContain('New password set for user');
    expect(await users.verify('desk@lincoln.org', 'desk password 1234')).toBeUndefined();
    expect((await users.verify('desk@lincoln.org', 'a new desk password'))?.district).toBe(a);

    const removed = await pswb(['users', 'remove', 'desk@lincoln.org', '--district', a]);
    expect(removed.code).toBe(0);
    expect(removed.out).toContain('Removed user');
    expect(await users.find(a, 'desk@lincoln.org')).toBeUndefined();

    const entries = await auditOf(a);
    expect(entries.map((entry) => [entry.actor, entry.action, entry.target])).toEqual([
      [ACTOR, 'user.add', 'pat.lee@lincoln.org'],
      [ACTOR, 'user.add', 'desk@lincoln.org'],
      [ACTOR, 'user.reset_password', 'desk@lincoln.org'],
      [ACTOR, 'user.remove', 'desk@lincoln.org'],
    ]);
    expect(entries[0]!.after).toMatchObject({ id: pat.id, district: a, role: 'district_admin' });
    expect(entries[3]!.before).toMatchObject({ email: 'desk@lincoln.org', schools: [101, 102] });
    expect(entries[3]!.after).toBeNull();
    for (const entry of entries) {
      expect(entry.dump).not.toMatch(/scrypt|desk password|new desk password/);
      expect(entry.dump).not.toContain(password);
    }
    expect(await auditOf(b)).toEqual([]);
  });

  it("never reaches another district's user, and refuses its email for a new one", async () => {
    const [a, b] = await twoDistricts();
    process.env.PSWB_DATABASE_URL = url;
    const add = (district: string, email: string): Promise<{ code: number; err: string }> =>
      pswb(['users', 'add', '--district', district, '--email', email, '--role', 'support']);
    expect((await add(a, 'lee@a.org')).code).toBe(0);
    const lee = (await new PgUsers(pool).find(a, 'lee@a.org'))!;

    const taken = await add(b, 'LEE@a.org');
    expect(taken.code).toBe(3);
    expect(taken.err).toContain(
      'The email lee@a.org already signs in to another account of this service',
    );
    expect(taken.err).toContain('[user_exists]');
    expect(taken.err).not.toContain(lee.id);

    for (const key of [lee.id, 'lee@a.org']) {
      const remove = await pswb(['users', 'remove', key, '--district', b]);
      expect(remove.code).toBe(3);
      expect(remove.err).toContain(
        `No user with the email or id "${key}" in district ${b}. pswb users list --district ${b} shows them. [user_not_found]`,
      );
      const reset = await pswb(['users', 'reset-password', key, '--district', b]);
      expect(reset.code).toBe(3);
      expect(reset.out).toBe('');
    }
    const listB = await pswb(['users', 'list', '--district', b, '--json']);
    expect(JSON.parse(listB.out)).toEqual({ users: [] });
    expect(await new PgUsers(pool).find(a, lee.id)).toEqual(lee);
    expect((await auditOf(b)).length).toBe(0);
  });

  it('a change and its audit entry are one transaction: a failing audit insert undoes the removal', async () => {
    const [a] = await twoDistricts();
    process.env.PSWB_DATABASE_URL = url;
    await pswb(['users', 'add', '--district', a, '--email', 'kept@a.org', '--role', 'support']);
    await pool.query(
      "ALTER TABLE pswb_audit ADD CONSTRAINT test_no_remove CHECK (action <> 'user.remove') NOT VALID",
    );
    try {
      const removed = await pswb(['users', 'remove', 'kept@a.org', '--district', a]);
      expect(removed.code).not.toBe(0);
      expect(removed.err).toContain('test_no_remove');
    } finally {
      await pool.query('ALTER TABLE pswb_audit DROP CONSTRAINT test_no_remove');
    }
    expect((await new PgUsers(pool).find(a, 'kept@a.org'))?.email).toBe('kept@a.org');
  });
});

describe('pswb users: operators and usage errors', () => {
  it('--role operator adds an operator of no district, listed and removed with --operator, audited as the service', async () => {
    const [a] = await twoDistricts();
    const before = (await auditOf(null)).length;
    const added = await pswb([
      'users',
      'add',
      '--role',
      'operator',
      '--email',
      'ops@vendor.example',
      '--database',
      url,
      '--json',
    ]);
    expect(added.code).toBe(0);
    const json = JSON.parse(added.out) as { user: Record<string, unknown>; password: string };
    expect(json.user).toMatchObject({ district: null, role: 'operator', schools: [] });
    expect(json.password).toMatch(/^[A-Za-z0-9_-]{24}$/);

    const operators = await pswb(['users', 'list', '--operator', '--database', url]);
    expect(operators.out).toMatch(/ops@vendor\.example\s+operator/);
    const inA = await pswb(['users', 'list', '--district', a, '--database', url, '--json']);
    expect(JSON.parse(inA.out)).toEqual({ users: [] });
    const notInA = await pswb([
      'users',
      'remove',
      'ops@vendor.example',
      '--district',
      a,
      '--database',
      url,
    ]);
    expect(notInA.code).toBe(3);

    const removed = await pswb([
      'users',
      'remove',
      'ops@vendor.example',
      '--operator',
      '--database',
      url,
    ]);
    expect(removed.code).toBe(0);
    expect(removed.out).toContain('operator of the service');
    const service = (await auditOf(null)).slice(before);
    expect(service.map((entry) => [entry.district, entry.action, entry.target])).toEqual([
      [null, 'user.add', 'ops@vendor.example'],
      [null, 'user.remove', 'ops@vendor.example'],
    ]);
    expect(service[0]!.dump).not.toContain(json.password);
  });

  it('refuses a bad mix of flags with a usage error (exit 2) saying what is valid', async () => {
    const [a] = await twoDistricts();
    const dir = await mkdtemp(join(tmpdir(), 'pswb-pg-users-'));
    try {
      const cases: [string[], string][] = [
        [
          [
            'users',
            'add',
            '--email',
            'x@a.org',
            '--role',
            'operator',
            '--district',
            a,
            '--database',
            url,
          ],
          '--role operator is an operator of the whole service, who belongs to no district: leave out --district',
        ],
        [
          ['users', 'add', '--email', 'x@a.org', '--role', 'operator', '--data-dir', dir],
          "--data-dir is a data directory's users; --role operator is a PostgreSQL database's: give one or the other.",
        ],
        [
          ['users', 'add', '--email', 'x@a.org', '--role', 'operator'],
          "--role operator names an operator of a PostgreSQL database's service: give --database",
        ],
        [
          ['users', 'add', '--email', 'x@a.org', '--role', 'support', '--database', url],
          "--database holds the users of many districts: give --district ID for a district's (pswb districts lists them), or --role operator",
        ],
        [
          ['users', 'list', '--database', url],
          "--database holds the users of many districts: give --district ID for a district's (pswb districts lists them), or --operator for the service's operators.",
        ],
        [
          ['users', 'remove', 'x@a.org', '--operator', '--district', a, '--database', url],
          '--operator is an operator of the whole service, who belongs to no district',
        ],
        [
          [
            'users',
            'add',
            '--email',
            'x@a.org',
            '--role',
            'operator',
            '--school',
            '101',
            '--database',
            url,
          ],
          '--school assigns schools to a building admin only; leave it out for --role operator.',
        ],
      ];
      for (const [argv, message] of cases) {
        const refused = await pswb(argv);
        expect(refused.code, argv.join(' ')).toBe(2);
        expect(refused.err).toContain(message);
      }
      const badDistrict = await pswb([
        'users',
        'list',
        '--district',
        'Not A District',
        '--database',
        url,
      ]);
      expect(badDistrict.code).toBe(3);
      expect(badDistrict.err).toContain('is not a district id');
      const unknown = await pswb([
        'users',
        'add',
        '--district',
        'nowhere',
        '--email',
        'x@a.org',
        '--role',
        'support',
        '--database',
        url,
      ]);
      expect(unknown.code).toBe(3);
      expect(unknown.err).toContain('There is no district "nowhere". [district_not_found]');
      expect(await new PgUsers(pool).listOperators()).not.toContainEqual(
        expect.objectContaining({ email: 'x@a.org' }),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('audit entries of keys and districts on PostgreSQL', () => {
  it('keys create and revoke --district write key.create and key.revoke in the district, never the key', async () => {
    const [a, b] = await twoDistricts();
    process.env.PSWB_DATABASE_URL = url;
    const created = await pswb(['keys', 'create', '--district', a, '--name', 'Front desk']);
    expect(created.code).toBe(0);
    const key = created.out.trim();
    const id = /^pswb_([a-z0-9]{12})_/.exec(key)![1]!;
    const otherDistrict = await pswb(['keys', 'revoke', id, '--district', b]);
    expect(otherDistrict.code).toBe(3);
    expect((await pswb(['keys', 'revoke', id, '--district', a])).code).toBe(0);
    expect((await pswb(['keys', 'revoke', id, '--district', a])).out).toContain('already revoked');
    const entries = await auditOf(a);
    expect(entries.map((entry) => [entry.actor, entry.action, entry.target])).toEqual([
      [ACTOR, 'key.create', id],
      [ACTOR, 'key.revoke', id],
    ]);
    expect(entries[1]!.before).toMatchObject({ id, revokedAt: null });
    expect(entries[1]!.after).toMatchObject({ id, revokedAt: expect.any(String) });
    for (const entry of entries) expect(entry.dump).not.toContain(key.slice(`pswb_${id}_`.length));
    expect(await auditOf(b)).toEqual([]);
  });

  it('districts add and set write district.add, district.update and district.resume in that district, secrets redacted', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pswb-pg-district-'));
    try {
      const settings = await SettingsStore.openDataDir(dir);
      await settings.update((draft) => {
        draft.connection = {
          url: 'https://audit.powerschool.example',
          clientId: 'client-id',
          clientSecret: 'secret-that-stays-sealed',
          visibleStudentId: 'student_number',
          studentIdSource: 'dcid',
        };
      });
      process.env.PSWB_DATABASE_URL = url;
      const add = await pswb([
        'districts',
        'add',
        'audited',
        '--from-data-dir',
        dir,
        '--data-dir',
        dir,
      ]);
      expect(add.code).toBe(0);
      const set = await pswb(['districts', 'set', 'audited', '--concurrency', '8', '--resume']);
      expect(set.code).toBe(0);
      const entries = await auditOf('audited');
      expect(entries.map((entry) => [entry.actor, entry.action, entry.target])).toEqual([
        [ACTOR, 'district.add', 'audited'],
        [ACTOR, 'district.resume', 'audited'],
        [ACTOR, 'district.update', 'audited'],
      ]);
      expect(entries[0]!.after).toMatchObject({
        id: 'audited',
        name: 'https://audit.powerschool.example',
        concurrency: 4,
        settings: { connection: { clientSecret: '********', clientId: 'client-id' } },
      });
      expect(entries[2]!.before).toMatchObject({ concurrency: 4 });
      expect(entries[2]!.after).toMatchObject({ concurrency: 8 });
      for (const entry of entries) {
        expect(entry.dump).not.toContain('secret-that-stays-sealed');
        expect(entry.dump).not.toContain('pswb:enc:');
      }
      const missing = await pswb(['districts', 'set', 'nope', '--name', 'N']);
      expect(missing.code).toBe(3);
      expect(await auditOf('nope')).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
