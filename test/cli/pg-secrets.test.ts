/**
 * pswb secrets status|rotate --districts: every district's settings in PostgreSQL re-sealed under
 * a new key in one go, with the data directory's secret.key and with a key of
 * PSWB_SECRET_KEY_FILE; no setting (and no updated_at) changes, no secret is ever stored or
 * printed in clear, and the old key no longer opens what was re-sealed.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SecretKeyring, SettingsStore, openDistrictSettings } from '../../connector/index.ts';
import { PgDistricts, openPostgresPool } from '../../connector/store/pg/index.ts';
import { pswb } from './support.ts';
import { startTestPostgres, type TestPostgres } from '../support/postgres.ts';

const SECRET = 'secret-that-stays-sealed';

let server: TestPostgres;
let databases = 0;

beforeAll(async () => {
  server = await startTestPostgres();
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

afterEach(() => {
  delete process.env.PSWB_SECRET_KEY_FILE;
});

/**
 * A migrated database holding districts a and b, both from one connected data directory, whose
 * secret.key seals them (unless PSWB_SECRET_KEY_FILE names another key).
 */
async function twoDistricts(): Promise<{ url: string; dir: string }> {
  databases += 1;
  const url = await server.createDatabase(`secrets_${databases}`);
  expect((await pswb(['db', 'migrate', '--database', url])).code).toBe(0);
  const dir = await mkdtemp(join(tmpdir(), 'pswb-secrets-'));
  const settings = await SettingsStore.openDataDir(dir);
  await settings.update((draft) => {
    draft.connection = {
      url: 'https://lincoln.powerschool.example',
      clientId: 'client-id',
      clientSecret: SECRET,
      visibleStudentId: 'student_number',
      studentIdSource: 'dcid',
    };
  });
  for (const id of ['a', 'b']) {
    const added = await pswb([
      'districts',
      'add',
      id,
      '--from-data-dir',
      dir,
      '--data-dir',
      dir,
      '--database',
      url,
    ]);
    expect(added.code).toBe(0);
  }
  return { url, dir };
}

/** What the database holds of each district: the stored document and updated_at. */
async function stored(url: string) {
  const pool = openPostgresPool(url, { max: 1 });
  try {
    return (await new PgDistricts(pool).list()).map((row) => ({
      id: row.id,
      settings: row.settings,
      updatedAt: row.updatedAt,
    }));
  } finally {
    await pool.end();
  }
}

async function keyFile(dir: string, name: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, randomBytes(32).toString('base64'), { mode: 0o600 });
  return path;
}

describe('pswb secrets --districts', () => {
  it("re-seals every district's secrets under a new secret.key; settings and updated_at unchanged", async () => {
    const { url, dir } = await twoDistricts();
    const before = await stored(url);
    expect(JSON.stringify(before)).not.toContain(SECRET);

    const status = await pswb([
      'secrets',
      'status',
      '--database',
      url,
      '--data-dir',
      dir,
      '--json',
    ]);
    expect(status.code).toBe(0);
    const first = JSON.parse(status.out) as {
      key: { keyId: string };
      documents: { place: string; secrets: { field: string; stored: string; keyId?: string }[] }[];
      settled: boolean;
    };
    expect(first.settled).toBe(true);
    expect(first.documents.map((document) => document.place)).toEqual([
      'the settings of district a',
      'the settings of district b',
    ]);
    for (const document of first.documents) {
      expect(document.secrets).toContainEqual({
        field: 'connection.clientSecret',
        stored: 'sealed',
        keyId: first.key.keyId,
        opens: true,
      });
    }

    const rotated = await pswb(['secrets', 'rotate', '--database', url, '--data-dir', dir]);
    expect(rotated.code).toBe(0);
    expect(rotated.out).toContain('Re-sealed connection.clientSecret of 2 district(s) in');
    expect(rotated.out + rotated.err).not.toContain(SECRET);
    const after = await stored(url);
    expect(JSON.stringify(after)).not.toContain(SECRET);
    // Only the sealing changed: each document is another, its updated_at the same.
    expect(after.map((row) => row.updatedAt)).toEqual(before.map((row) => row.updatedAt));
    expect(after.map((row) => row.settings)).not.toEqual(before.map((row) => row.settings));
    for (const row of after) {
      const settings = await openDistrictSettings(row, new SecretKeyring(dir));
      expect(settings.get().connection?.clientSecret).toBe(SECRET);
    }
    // Every secret under the new key; no key file of the rotation left behind.
    const second = JSON.parse(
      (
        await pswb([
          'secrets',
          'status',
          '--districts',
          '--database',
          url,
          '--data-dir',
          dir,
          '--json',
        ])
      ).out,
    ) as typeof first;
    expect(second.key.keyId).not.toBe(first.key.keyId);
    expect(second.settled).toBe(true);
    expect(second.documents.map((document) => document.secrets[0]!.keyId)).toEqual([
      second.key.keyId,
      second.key.keyId,
    ]);
    expect((await readdir(dir)).filter((name) => name.startsWith('secret.key'))).toEqual([
      'secret.key',
    ]);
    // Audited as a change of the service (no district), with key ids only.
    const pool = openPostgresPool(url, { max: 1 });
    try {
      const { rows } = await pool.query<{ district: string | null; after: unknown }>(
        "SELECT district, after FROM pswb_audit WHERE action = 'settings.secrets_rotated'",
      );
      expect(rows).toEqual([
        {
          district: null,
          after: {
            keyId: second.key.keyId,
            keyFile: join(dir, 'secret.key'),
            resealed: ['connection.clientSecret'],
            districts: 2,
          },
        },
      ]);
    } finally {
      await pool.end();
    }
  });

  it('with PSWB_SECRET_KEY_FILE: needs --new-key-file, then only the new key opens the districts', async () => {
    const keys = await mkdtemp(join(tmpdir(), 'pswb-keys-'));
    const oldKey = await keyFile(keys, 'key.1');
    const newKey = await keyFile(keys, 'key.2');
    process.env.PSWB_SECRET_KEY_FILE = oldKey;
    const { url, dir } = await twoDistricts();

    const refused = await pswb(['secrets', 'rotate', '--database', url, '--data-dir', dir]);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('--new-key-file');

    const rotated = await pswb([
      'secrets',
      'rotate',
      '--database',
      url,
      '--new-key-file',
      newKey,
      '--json',
    ]);
    expect(rotated.code).toBe(0);
    expect(JSON.parse(rotated.out)).toMatchObject({
      keyFile: newKey,
      source: 'PSWB_SECRET_KEY_FILE',
      resealed: ['connection.clientSecret'],
    });
    // The old key no longer opens them: status says so and exits 1.
    const stale = await pswb(['secrets', 'status', '--database', url]);
    expect(stale.code).toBe(1);
    expect(stale.out).toContain('sealed, but does not open');
    process.env.PSWB_SECRET_KEY_FILE = newKey;
    const current = await pswb(['secrets', 'status', '--database', url]);
    expect(current.code).toBe(0);
    expect(current.out).toContain('Secrets in the settings of district b:');
    for (const row of await stored(url)) {
      const settings = await openDistrictSettings(row, new SecretKeyring(dir));
      expect(settings.get().connection?.clientSecret).toBe(SECRET);
    }
  });
});
