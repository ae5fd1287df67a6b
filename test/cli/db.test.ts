/**
 * pswb db migrate|status and pswb districts through the CLI, against a PostgreSQL server started
 * for this file: the migration and its JSON, the URL from PSWB_DATABASE_URL, and every refusal
 * (no URL, a bad URL, a server that is not there, a wrong password, a newer database, a bad or
 * taken district id) with its code and exit code, never printing the password.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SettingsStore } from '../../connector/index.ts';
import { PG_MIGRATIONS, PG_SCHEMA_VERSION } from '../../connector/store/pg/index.ts';
import { pswb } from './support.ts';
import { startTestPostgres, type TestPostgres } from '../support/postgres.ts';

let server: TestPostgres;
let databases = 0;

beforeAll(async () => {
  server = await startTestPostgres();
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

afterEach(() => {
  delete process.env.PSWB_DATABASE_URL;
});

async function freshDatabase(): Promise<{ url: string; password: string; shown: string }> {
  databases += 1;
  const url = await server.createDatabase(`cli_${databases}`);
  const password = new URL(url).password;
  return { url, password, shown: url.replace(`:${password}@`, ':***@') };
}

/** A port of 127.0.0.1 where nothing listens. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('pswb db migrate', () => {
  it('migrates a new database, then finds nothing to do; the password is never printed', async () => {
    const { url, password, shown } = await freshDatabase();
    const first = await pswb(['db', 'migrate', '--database', url]);
    expect(first).toMatchObject({ code: 0, err: '' });
    expect(first.out).toBe(
      `Migrated ${shown} from schema 0 to ${PG_SCHEMA_VERSION} (${PG_MIGRATIONS.map((m) => `${m.version} ${m.name}`).join('; ')}).\n`,
    );
    const again = await pswb(['db', 'migrate', '--database', url]);
    expect(again.code).toBe(0);
    expect(again.out).toBe(
      `${shown} is at schema ${PG_SCHEMA_VERSION}, the newest this pswb knows: nothing to do.\n`,
    );
    expect(first.out + again.out).not.toContain(password);
  });

  it('--json prints the database (redacted), the versions and what was applied; PSWB_DATABASE_URL gives the URL', async () => {
    const { url, password, shown } = await freshDatabase();
    process.env.PSWB_DATABASE_URL = url;
    const { code, out } = await pswb(['db', 'migrate', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({
      database: shown,
      from: 0,
      to: PG_SCHEMA_VERSION,
      applied: PG_MIGRATIONS.map(({ version, name }) => ({ version, name })),
    });
    expect(out).not.toContain(password);
    const status = await pswb(['db', 'status', '--json']);
    expect(JSON.parse(status.out)).toEqual({
      database: shown,
      version: PG_SCHEMA_VERSION,
      latest: PG_SCHEMA_VERSION,
      pending: [],
      newer: false,
    });
  });

  it('pswb db status says what is pending before the migration', async () => {
    const { url, shown } = await freshDatabase();
    const { code, out } = await pswb(['db', 'status', '--database', url]);
    expect(code).toBe(0);
    expect(out).toContain(
      `${shown} is at schema 0; this pswb needs ${PG_SCHEMA_VERSION}. Pending: 1 `,
    );
    expect(out).toContain('Run pswb db migrate.');
  });

  it('an unreachable server: database_unreachable, exit 3, the URL shown with its password redacted', async () => {
    const port = await closedPort();
    const password = 's3cret-pw';
    const url = `postgres://pswb:${password}@127.0.0.1:${port}/pswb`;
    const { code, out, err } = await pswb(['db', 'migrate', '--database', url]);
    expect(code).toBe(3);
    expect(out).toBe('');
    expect(err).toContain(
      `pswb db migrate: PostgreSQL at postgres://pswb:***@127.0.0.1:${port}/pswb could not be reached: connect ECONNREFUSED 127.0.0.1:${port}. [database_unreachable]`,
    );
    expect(err).toContain('  Fix: Check that the server is running');
    expect(err).not.toContain(password);
  });

  it("a wrong password: database_unreachable with the server's reason, and neither password printed", async () => {
    const { url, password } = await freshDatabase();
    const wrong = url.replace(`:${password}@`, ':not-the-password@');
    const { code, err } = await pswb(['db', 'migrate', '--database', wrong]);
    expect(code).toBe(3);
    expect(err).toContain(
      'password authentication failed for user "pswb" (SQLSTATE 28P01). [database_unreachable]',
    );
    expect(err).toContain(':***@127.0.0.1');
    expect(err).not.toContain('not-the-password');
    expect(err).not.toContain(password);
  });

  it("a URL that is not PostgreSQL's: invalid_database_url, exit 3, password redacted", async () => {
    const { code, err } = await pswb([
      'db',
      'migrate',
      '--database',
      'mysql://root:hunter22@db/pswb',
    ]);
    expect(code).toBe(3);
    expect(err).toContain(
      'The database URL "mysql://root:***@db/pswb" is not valid: it starts with mysql://, not postgres:// or postgresql://. [invalid_database_url]',
    );
    expect(err).not.toContain('hunter22');
  });

  it('no URL at all is a usage error (exit 2) naming both ways to give it', async () => {
    const { code, err } = await pswb(['db', 'migrate']);
    expect(code).toBe(2);
    expect(err).toContain('--database postgres://user:password@host:5432/database');
    expect(err).toContain('PSWB_DATABASE_URL');
  });

  it('a database written by a newer pswb: store_newer, exit 3, nothing changed', async () => {
    const { url, password, shown } = await freshDatabase();
    expect((await pswb(['db', 'migrate', '--database', url])).code).toBe(0);
    const pg = await import('pg');
    const client = new pg.default.Client({ connectionString: url });
    await client.connect();
    await client.query(
      "INSERT INTO pswb_schema_migrations (version, name) VALUES ($1, 'from the future')",
      [PG_SCHEMA_VERSION + 1],
    );
    await client.end();
    const { code, err } = await pswb(['db', 'migrate', '--database', url]);
    expect(code).toBe(3);
    expect(err).toContain(
      `${shown} was written by a newer pswb (log schema ${PG_SCHEMA_VERSION + 1}; this pswb reads up to ${PG_SCHEMA_VERSION}); it was not changed. [store_newer]`,
    );
    expect(err).not.toContain(password);
    const status = await pswb(['db', 'status', '--database', url]);
    expect(status.out).toContain(`newer than this pswb (${PG_SCHEMA_VERSION})`);
  });
});

describe('pswb districts', () => {
  /** A data directory with a saved connection (written directly: nothing is checked here). */
  async function connectedDataDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'pswb-district-'));
    const settings = await SettingsStore.openDataDir(dir);
    await settings.update((draft) => {
      draft.connection = {
        url: 'https://lincoln.powerschool.example',
        clientId: 'client-id',
        clientSecret: 'secret-that-stays-sealed',
        visibleStudentId: 'student_number',
        studentIdSource: 'dcid',
      };
    });
    return dir;
  }

  it('adds, lists and changes districts; refuses a bad id, a taken id and a missing source', async () => {
    const { url, password } = await freshDatabase();
    await pswb(['db', 'migrate', '--database', url]);
    const dir = await connectedDataDir();
    try {
      const empty = await pswb(['districts', '--database', url]);
      expect(empty.out).toContain('holds no district yet: add one with pswb districts add');

      const added = await pswb([
        'districts',
        'add',
        'lincoln-usd',
        '--from-data-dir',
        dir,
        '--data-dir',
        dir,
      ]).catch(() => undefined);
      expect(added?.code).toBe(2);
      expect(added?.err).toContain('give the database');

      const ok = await pswb([
        'districts',
        'add',
        'lincoln-usd',
        '--name',
        'Lincoln USD',
        '--from-data-dir',
        dir,
        '--data-dir',
        dir,
        '--database',
        url,
      ]);
      expect(ok.code).toBe(0);
      expect(ok.out).toContain('Added district lincoln-usd (Lincoln USD)');
      expect(ok.out).toContain(`sealed with the key file ${join(dir, 'secret.key')}`);
      expect(ok.out + ok.err).not.toContain(password);

      const again = await pswb([
        'districts',
        'add',
        'lincoln-usd',
        '--from-data-dir',
        dir,
        '--data-dir',
        dir,
        '--database',
        url,
      ]);
      expect(again.code).toBe(3);
      expect(again.err).toContain('[district_exists]');
      const bad = await pswb([
        'districts',
        'add',
        'Lincoln USD',
        '--from-data-dir',
        dir,
        '--database',
        url,
      ]);
      expect(bad.code).toBe(3);
      expect(bad.err).toContain('is not a district id: use 1 to 63 lower-case letters');
      const noSource = await pswb(['districts', 'add', 'other', '--database', url]);
      expect(noSource.code).toBe(2);
      expect(noSource.err).toContain('--from-data-dir DIR is required');

      const set = await pswb([
        'districts',
        'set',
        'lincoln-usd',
        '--concurrency',
        '8',
        '--database',
        url,
      ]);
      expect(set.out).toContain('District lincoln-usd: concurrency 8.');
      const listed = await pswb(['districts', '--database', url, '--json']);
      const parsed = JSON.parse(listed.out) as { districts: Record<string, unknown>[] };
      expect(parsed.districts).toEqual([
        expect.objectContaining({
          id: 'lincoln-usd',
          name: 'Lincoln USD',
          concurrency: 8,
          pending: 0,
          pausedUntil: null,
        }),
      ]);
      const table = await pswb(['districts', '--database', url]);
      expect(table.out).toMatch(/lincoln-usd\s+Lincoln USD\s+8\s+0\s+0\s+flowing/);

      const missing = await pswb(['districts', 'set', 'nope', '--resume', '--database', url]);
      expect(missing.code).toBe(3);
      expect(missing.err).toContain('[district_not_found]');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('writeback send --database needs --district, and refuses one the database does not hold', async () => {
    const { url } = await freshDatabase();
    await pswb(['db', 'migrate', '--database', url]);
    const args = [
      'writeback',
      'send',
      '--type',
      'late_checkin',
      '--dcid',
      '5001',
      '--name',
      'Ava',
      '--school',
      '101',
      '--at',
      '2026-10-14T08:40:00-04:00',
      '--reason',
      'T',
      '--database',
      url,
    ];
    const without = await pswb(args);
    expect(without.code).toBe(2);
    expect(without.err).toContain('--district ID');
    const unknown = await pswb([...args, '--district', 'nope']);
    expect(unknown.code).toBe(3);
    expect(unknown.err).toContain('There is no district "nope". [district_not_found]');
  });
});
