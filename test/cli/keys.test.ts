/**
 * pswb keys create|list|revoke through the CLI: the key printed once and usable, the scope, the
 * list without secrets, revocation, and each refusal with its exit code.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { WritebackStore } from '../../connector/index.ts';
import { pswb } from './support.ts';

const URL_OF_DISTRICT = 'https://district.powerschool.com';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pswb-keys-'));
  await writeFile(
    join(dir, 'connector-settings.json'),
    JSON.stringify({
      version: 1,
      preventSchoolOverrides: false,
      schools: {},
      reasons: {},
      connection: {
        url: URL_OF_DISTRICT,
        clientId: 'id',
        clientSecret: 'secret',
        visibleStudentId: 'sis_id',
        studentIdSource: 'dcid',
      },
    }),
  );
});

describe('pswb keys', () => {
  it('creates a building key, prints it alone on stdout once, and the store verifies it', async () => {
    const created = await pswb([
      'keys',
      'create',
      '--name',
      'Front desk',
      '--school',
      '102,101',
      '--data-dir',
      dir,
    ]);
    expect(created.code).toBe(0);
    const key = created.out.trim();
    expect(key).toMatch(/^pswb_[a-z0-9]{12}_\S{43}$/);
    expect(created.err).toContain('school(s) 101, 102');
    expect(created.err).toContain('only time the key is shown');
    const store = WritebackStore.openDataDir(dir);
    const record = store.keys.verify(key);
    store.close();
    expect(record).toMatchObject({
      name: 'Front desk',
      district: URL_OF_DISTRICT,
      schools: [101, 102],
    });

    const listed = await pswb(['keys', 'list', '--data-dir', dir]);
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(record!.id);
    expect(listed.out).toContain('schools 101, 102');
    // The secret is everything after pswb_<id>_: it may itself hold underscores.
    const secret = key.slice(`pswb_${record!.id}_`.length);
    expect(listed.out).not.toContain(secret);
    const json = JSON.parse((await pswb(['keys', 'list', '--json', '--data-dir', dir])).out) as {
      keys: Record<string, unknown>[];
    };
    expect(json.keys).toHaveLength(1);
    expect(JSON.stringify(json)).not.toContain(secret);
  });

  it('revokes a key: the store refuses it at once, and a second revoke says so', async () => {
    const key = (await pswb(['keys', 'create', '--name', 'doomed', '--data-dir', dir])).out.trim();
    const id = key.split('_')[1]!;
    const revoked = await pswb(['keys', 'revoke', id, '--data-dir', dir]);
    expect(revoked.code).toBe(0);
    expect(revoked.out).toContain(`Revoked API key ${id}`);
    const store = WritebackStore.openDataDir(dir);
    expect(store.keys.verify(key)).toBeUndefined();
    store.close();
    expect((await pswb(['keys', 'revoke', id, '--data-dir', dir])).out).toContain(
      'already revoked',
    );
    expect((await pswb(['keys', 'list', '--data-dir', dir])).out).toMatch(
      /revoked \d{4}-\d{2}-\d{2}/,
    );
  });

  it.each([
    [['keys', 'create'], 2, '--name is required'],
    [['keys', 'create', '--name', 'x', '--school', 'abc'], 2, '--school takes school numbers'],
    [['keys', 'revoke'], 2, 'give the id of the key'],
    [['keys', 'revoke', 'nosuchkey000'], 3, '[api_key_not_found]'],
    [['keys', 'craete'], 2, 'Did you mean'],
  ])('refuses %j with exit %i', async (argv, code, message) => {
    const result = await pswb([...argv, '--data-dir', dir]);
    expect(result.code).toBe(code);
    expect(result.err).toContain(message);
  });

  it('refuses to make a key without a saved connection (not_connected, exit 3)', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'pswb-keys-'));
    const result = await pswb(['keys', 'create', '--name', 'x', '--data-dir', empty]);
    expect(result.code).toBe(3);
    expect(result.err).toContain('[not_connected]');
  });
});
