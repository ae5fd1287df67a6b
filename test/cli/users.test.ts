/**
 * pswb users add|list|remove|reset-password through the CLI: a generated password printed once
 * and usable, one read from stdin, the list without hashes, removal and reset ending sessions,
 * each refusal with its exit code, and an audit entry for every change to a user or an API key.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { WritebackStore, type AuditEntry, type UserRecord } from '../../connector/index.ts';
import { pswb } from './support.ts';

/** Opens the data directory's log beside the CLI, as a running service would. */
async function withStore<T>(dir: string, work: (store: WritebackStore) => T): Promise<T> {
  const store = WritebackStore.openDataDir(dir);
  try {
    return await work(store);
  } finally {
    store.close();
  }
}

const ACTOR = `cli:${userInfo().username}`;

let dir: string;
beforeEach(async () => {
  // No settings file: users are managed before pswb connect.
  dir = await mkdtemp(join(tmpdir(), 'pswb-users-'));
});

describe('pswb users', () => {
  it('adds a user with a generated password printed once, alone on stdout, that signs in', async () => {
    const added = await pswb([
      'users',
      'add',
      '--email',
      'Pat.Lee@District.org',
      '--role',
      'District-Admin',
      '--name',
      'Pat Lee',
      '--data-dir',
      dir,
    ]);
    expect(added.code).toBe(0);
    const password = added.out.trim();
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(added.err).toContain('pat.lee@district.org ("Pat Lee"), district admin');
    expect(added.err).toContain('only time the password is shown');
    expect(added.err).not.toContain(password);
    const user = await withStore(dir, (store) =>
      store.users.verify('pat.lee@district.org', password),
    );
    expect(user).toMatchObject({ name: 'Pat Lee', role: 'district_admin', schools: [] });

    // Shown once: nothing lists it again.
    const listed = await pswb(['users', 'list', '--data-dir', dir]);
    expect(listed.code).toBe(0);
    expect(listed.out).toContain('pat.lee@district.org');
    expect(listed.out).toContain('district-admin');
    expect(listed.out).not.toContain(password);
  });

  it('adds a building admin with the password from stdin (trailing newline dropped)', async () => {
    const added = await pswb(
      [
        'users',
        'add',
        '--email',
        'front.desk@district.org',
        '--role',
        'building_admin',
        '--school',
        '102',
        '--school',
        '101',
        '--password-stdin',
        '--data-dir',
        dir,
      ],
      'a password from stdin\n',
    );
    expect(added.code).toBe(0);
    expect(added.out).toMatch(
      /^Added user u_[0-9a-f]{12} front\.desk@district\.org, building admin of school\(s\) 101, 102\.\n$/,
    );
    expect(added.out + added.err).not.toContain('a password from stdin');
    await withStore(dir, async (store) => {
      expect(
        await store.users.verify('front.desk@district.org', 'a password from stdin'),
      ).toMatchObject({ role: 'building_admin', schools: [101, 102] });
      expect(await store.users.verify('front.desk@district.org', 'a password from stdin\n')).toBe(
        undefined,
      );
    });
  });

  it('prints JSON with the generated password once, and lists users as JSON without hashes', async () => {
    const added = await pswb([
      'users',
      'add',
      '--email',
      'help@vendor.example',
      '--role',
      'SUPPORT',
      '--json',
      '--data-dir',
      dir,
    ]);
    expect(added.code).toBe(0);
    const json = JSON.parse(added.out) as { user: UserRecord; password: string };
    expect(json.user).toMatchObject({ email: 'help@vendor.example', role: 'support' });
    expect(json.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    await pswb(
      [
        'users',
        'add',
        '--email',
        'a@d.org',
        '--role',
        'district-admin',
        '--password-stdin',
        '--json',
        '--data-dir',
        dir,
      ],
      'twelve chars',
    );
    const listed = await pswb(['users', 'list', '--json', '--data-dir', dir]);
    const { users } = JSON.parse(listed.out) as { users: Record<string, unknown>[] };
    expect(users.map((user) => user.email)).toEqual(['a@d.org', 'help@vendor.example']);
    for (const user of users) {
      expect(Object.keys(user).sort()).toEqual([
        'createdAt',
        'email',
        'id',
        'lastLoginAt',
        'name',
        'role',
        'schools',
        'updatedAt',
      ]);
    }
    expect(listed.out).not.toMatch(/scrypt|hash|password/i);
    expect(listed.out).not.toContain(json.password);
  });

  it('says there are no users yet, and how to add the first', async () => {
    const listed = await pswb(['users', 'list', '--data-dir', dir]);
    expect(listed.code).toBe(0);
    expect(listed.out).toContain('No users yet');
    expect(listed.out).toContain('pswb users add');
  });

  it('removes a user by email and ends their sessions', async () => {
    await pswb(['users', 'add', '--email', 'pat@d.org', '--role', 'support', '--data-dir', dir]);
    const { token } = await withStore(dir, (store) =>
      store.sessions.create(store.users.find('pat@d.org')!.id, new Date()),
    );
    const removed = await pswb(['users', 'remove', 'PAT@d.org', '--data-dir', dir]);
    expect(removed.code).toBe(0);
    expect(removed.out).toMatch(
      /^Removed user u_[0-9a-f]{12} pat@d\.org, support: their sessions are ended/,
    );
    await withStore(dir, (store) => {
      expect(store.users.count()).toBe(0);
      expect(store.sessions.find(token, new Date())).toBeUndefined();
    });
    const again = await pswb(['users', 'remove', 'pat@d.org', '--data-dir', dir]);
    expect(again.code).toBe(3);
    expect(again.err).toContain(
      'No user with the email or id "pat@d.org". pswb users list shows them. [user_not_found]',
    );
    expect(again.err).toContain('Fix: Run pswb users list');
  });

  it('resets a password: a new one printed once, the old one refused, sessions ended', async () => {
    const first = (
      await pswb(['users', 'add', '--email', 'pat@d.org', '--role', 'support', '--data-dir', dir])
    ).out.trim();
    const { id, token } = await withStore(dir, (store) => {
      const user = store.users.find('pat@d.org')!;
      return { id: user.id, token: store.sessions.create(user.id, new Date()).token };
    });
    const reset = await pswb(['users', 'reset-password', id, '--data-dir', dir]);
    expect(reset.code).toBe(0);
    const second = reset.out.trim();
    expect(second).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(second).not.toBe(first);
    expect(reset.err).toContain('their sessions are ended');
    expect(reset.err).toContain('only time the password is shown');
    await withStore(dir, async (store) => {
      expect(await store.users.verify('pat@d.org', first)).toBeUndefined();
      expect((await store.users.verify('pat@d.org', second))?.id).toBe(id);
      expect(store.sessions.find(token, new Date())).toBeUndefined();
    });

    const chosen = await pswb(
      ['users', 'reset-password', 'pat@d.org', '--password-stdin', '--data-dir', dir],
      'my own long password\r\n',
    );
    expect(chosen.code).toBe(0);
    expect(chosen.out).toContain('New password set for user');
    expect(chosen.out).not.toContain('my own long password');
    await withStore(dir, async (store) => {
      expect((await store.users.verify('pat@d.org', 'my own long password'))?.id).toBe(id);
    });

    const unknown = await pswb(['users', 'reset-password', 'nobody@d.org', '--data-dir', dir]);
    expect(unknown.code).toBe(3);
    expect(unknown.err).toContain('[user_not_found]');
    expect(unknown.out).toBe('');
  });

  it.each([
    [['users', 'add', '--role', 'support'], 2, '--email is required'],
    [
      ['users', 'add', '--email', 'a@d.org'],
      2,
      "--role is required: district-admin, building-admin, support; or operator (of a PostgreSQL database's service, without --district).",
    ],
    [
      ['users', 'add', '--email', 'a@d.org', '--role', 'principal'],
      2,
      '--role "principal" is not valid. Valid: district-admin, building-admin, support, operator.',
    ],
    [
      ['users', 'add', '--email', 'a@d.org', '--role', 'distict-admin'],
      2,
      'Did you mean "district-admin"?',
    ],
    [
      ['users', 'add', '--email', 'a@d.org', '--role', 'building-admin'],
      2,
      '--role building-admin needs --school with the school number(s) the user is assigned',
    ],
    [
      ['users', 'add', '--email', 'a@d.org', '--role', 'support', '--school', '101'],
      2,
      '--school assigns schools to a building admin only',
    ],
    [
      ['users', 'add', '--email', 'a@d.org', '--role', 'building-admin', '--school', 'main'],
      2,
      '--school takes school numbers',
    ],
    [
      ['users', 'add', '--email', 'not-an-email', '--role', 'support'],
      3,
      'is not an email address',
    ],
    [['users', 'remove'], 2, 'give the email or id of the user to remove'],
    [['users', 'reset-password'], 2, 'give the email or id of the user'],
    [['users', 'remove', 'nobody@d.org'], 3, '[user_not_found]'],
    [['users', 'rmove', 'x'], 2, 'Did you mean "pswb users remove"?'],
  ])('refuses %j with exit %i', async (argv, code, message) => {
    const result = await pswb([...argv, '--data-dir', dir]);
    expect(result.code).toBe(code);
    expect(result.err).toContain(message);
  });

  it('refuses a short password from stdin (invalid_user) and an empty one (usage)', async () => {
    const argv = [
      'users',
      'add',
      '--email',
      'a@d.org',
      '--role',
      'support',
      '--password-stdin',
      '--data-dir',
      dir,
    ];
    const short = await pswb(argv, 'too short\n');
    expect(short.code).toBe(3);
    expect(short.err).toContain(
      'A password must be 12 to 1024 characters long; this one has 9. [invalid_user]',
    );
    const empty = await pswb(argv, '\n');
    expect(empty.code).toBe(2);
    expect(empty.err).toContain('--password-stdin read no password');
    await withStore(dir, (store) => expect(store.users.count()).toBe(0));
  });

  it('refuses a second user with the same email (user_exists, exit 3)', async () => {
    await pswb(['users', 'add', '--email', 'a@d.org', '--role', 'support', '--data-dir', dir]);
    const again = await pswb([
      'users',
      'add',
      '--email',
      'A@D.org',
      '--role',
      'support',
      '--data-dir',
      dir,
    ]);
    expect(again.code).toBe(3);
    expect(again.err).toContain('[user_exists]');
    expect(again.err).toContain('Fix: Run pswb users list');
    expect(again.out).toBe('');
  });
});

describe('the audit log of CLI changes', () => {
  it('records every change to a user, as the OS user, with the user record and never a password', async () => {
    const generated = (
      await pswb([
        'users',
        'add',
        '--email',
        'pat@d.org',
        '--role',
        'building-admin',
        '--school',
        '101',
        '--data-dir',
        dir,
      ])
    ).out.trim();
    const reset = (
      await pswb(['users', 'reset-password', 'pat@d.org', '--data-dir', dir])
    ).out.trim();
    await pswb(['users', 'remove', 'pat@d.org', '--data-dir', dir]);
    // A refused change is not recorded.
    await pswb(['users', 'remove', 'pat@d.org', '--data-dir', dir]);
    const entries = await withStore(dir, (store) => store.audit.list());
    expect(entries.map((entry) => entry.action)).toEqual([
      'user.remove',
      'user.reset_password',
      'user.add',
    ]);
    for (const entry of entries) {
      expect(entry.actor).toBe(ACTOR);
      expect(entry.target).toBe('pat@d.org');
    }
    const [removed, resetEntry, added] = entries as [AuditEntry, AuditEntry, AuditEntry];
    expect(added.before).toBeNull();
    expect(added.after).toMatchObject({
      email: 'pat@d.org',
      role: 'building_admin',
      schools: [101],
    });
    expect(resetEntry.before).toEqual(added.after);
    expect(resetEntry.after).toMatchObject({ id: (added.after as UserRecord).id });
    expect(removed.before).toMatchObject({ email: 'pat@d.org' });
    expect(removed.after).toBeNull();
    const raw = await withStore(dir, (store) =>
      JSON.stringify(store.db.prepare('SELECT * FROM audit_log').all()),
    );
    expect(raw).not.toMatch(/scrypt|hash/i);
    expect(raw).not.toContain(generated);
    expect(raw).not.toContain(reset);
  });

  it('records API keys made and revoked, without the key or its hash', async () => {
    await writeFile(
      join(dir, 'connector-settings.json'),
      JSON.stringify({
        version: 1,
        preventSchoolOverrides: false,
        schools: {},
        reasons: {},
        connection: {
          url: 'https://district.powerschool.com',
          clientId: 'id',
          clientSecret: 'secret',
          visibleStudentId: 'sis_id',
          studentIdSource: 'dcid',
        },
      }),
    );
    const key = (
      await pswb(['keys', 'create', '--name', 'Front desk', '--school', '101', '--data-dir', dir])
    ).out.trim();
    const id = key.split('_')[1]!;
    expect((await pswb(['keys', 'revoke', id, '--data-dir', dir])).code).toBe(0);
    // Already revoked: nothing changed, nothing recorded.
    expect((await pswb(['keys', 'revoke', id, '--data-dir', dir])).code).toBe(0);
    const entries = await withStore(dir, (store) => store.audit.list());
    expect(entries.map((entry) => [entry.action, entry.target, entry.actor])).toEqual([
      ['key.revoke', id, ACTOR],
      ['key.create', id, ACTOR],
    ]);
    const [revoked, created] = entries as [AuditEntry, AuditEntry];
    expect(created.before).toBeNull();
    expect(created.after).toMatchObject({
      id,
      name: 'Front desk',
      schools: [101],
      revokedAt: null,
    });
    expect(revoked.before).toEqual(created.after);
    expect(revoked.after).toMatchObject({ id, revokedAt: expect.any(String) });
    const raw = await withStore(dir, (store) =>
      JSON.stringify(store.db.prepare('SELECT * FROM audit_log').all()),
    );
    // The secret is everything after pswb_<id>_ (it may itself hold underscores).
    expect(raw).not.toContain(key.slice(`pswb_${id}_`.length));
    expect(raw).not.toMatch(/hash/i);
  });
});
