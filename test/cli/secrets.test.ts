/**
 * pswb secrets status|rotate through the CLI: the status in text and JSON with its exit code
 * (plain text reported), the rotation with the default key file and with PSWB_SECRET_KEY_FILE +
 * --new-key-file, its audit entry, each refusal with its exit code, and no secret or key ever
 * printed or audited.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SettingsStore, WritebackStore } from '../../connector/index.ts';
import { pswb } from './support.ts';

const CLIENT_SECRET = 'cli-client-secret-4242';
const WEBHOOK_SECRET = 'cli-webhook-secret-0123456789';

let dir: string;
let keys: string[];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pswb-cli-secrets-'));
  keys = [];
  delete process.env.PSWB_SECRET_KEY;
  delete process.env.PSWB_SECRET_KEY_FILE;
});
afterEach(async () => {
  delete process.env.PSWB_SECRET_KEY;
  delete process.env.PSWB_SECRET_KEY_FILE;
  await rm(dir, { recursive: true, force: true });
});

/** A plain-text settings file, as an older pswb wrote it. */
async function writePlainSettings(): Promise<void> {
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
        clientSecret: CLIENT_SECRET,
        visibleStudentId: 'sis_id',
        studentIdSource: 'dcid',
      },
      alerts: {
        intervalMinutes: 15,
        webhook: { url: 'https://hooks.district.org/pswb', secret: WEBHOOK_SECRET },
      },
    }),
    { mode: 0o600 },
  );
}

async function keyText(path: string): Promise<string> {
  const text = (await readFile(path, 'utf8')).trim();
  keys.push(text);
  return text;
}

function expectNothingSecret(text: string): void {
  expect(text).not.toContain(CLIENT_SECRET);
  expect(text).not.toContain(WEBHOOK_SECRET);
  for (const key of keys) expect(text).not.toContain(key);
}

describe('pswb secrets status', () => {
  it('reports plain-text secrets (exit 1), then sealed ones (exit 0), never a secret', async () => {
    await writePlainSettings();
    const plain = await pswb(['secrets', 'status', '--data-dir', dir]);
    expect(plain.code).toBe(1);
    expect(plain.out).toBe(
      [
        `Key: the key file ${join(dir, 'secret.key')}: not made yet (made the first time a secret is saved)`,
        `Secrets in ${join(dir, 'connector-settings.json')}:`,
        '  connection.clientSecret  PLAIN TEXT (saved by an older pswb): the next save seals it, or run pswb secrets rotate',
        '  alerts.email.smtpUrl     not set',
        '  alerts.webhook.secret    PLAIN TEXT (saved by an older pswb): the next save seals it, or run pswb secrets rotate',
        '',
      ].join('\n'),
    );

    const store = await SettingsStore.openDataDir(dir);
    await store.update(() => undefined);
    const sealed = await pswb(['secrets', 'status', '--data-dir', dir, '--json']);
    expect(sealed.code).toBe(0);
    const keyId = (JSON.parse(sealed.out) as { key: { keyId: string } }).key.keyId;
    expect(JSON.parse(sealed.out)).toEqual({
      settingsFile: join(dir, 'connector-settings.json'),
      key: {
        source: 'default',
        path: join(dir, 'secret.key'),
        description: `the key file ${join(dir, 'secret.key')}`,
        keyId: expect.stringMatching(/^[0-9a-f]{8}$/),
      },
      secrets: [
        { field: 'connection.clientSecret', stored: 'sealed', keyId, opens: true },
        { field: 'alerts.email.smtpUrl', stored: 'absent' },
        { field: 'alerts.webhook.secret', stored: 'sealed', keyId, opens: true },
      ],
      settled: true,
    });
    await keyText(join(dir, 'secret.key'));
    expectNothingSecret(plain.out + sealed.out);
  });

  it('with a wrong key: says which key each secret needs (exit 1); a bad PSWB_SECRET_KEY: exit 3', async () => {
    await writePlainSettings();
    await (await SettingsStore.openDataDir(dir)).update(() => undefined);
    const other = randomBytes(32).toString('hex');
    keys.push(other);
    process.env.PSWB_SECRET_KEY = other;
    const wrong = await pswb(['secrets', 'status', '--data-dir', dir]);
    expect(wrong.code).toBe(1);
    expect(wrong.out).toMatch(/^Key: PSWB_SECRET_KEY, key id [0-9a-f]{8}\n/);
    expect(wrong.out).toMatch(
      /connection\.clientSecret {2}sealed, but does not open: .* is sealed with key id [0-9a-f]{8}, but the key given \(PSWB_SECRET_KEY\) has key id/,
    );

    process.env.PSWB_SECRET_KEY = 'not-a-key';
    const bad = await pswb(['secrets', 'status', '--data-dir', dir]);
    expect(bad.code).toBe(3);
    expect(bad.err).toContain('PSWB_SECRET_KEY is not a valid key');
    expect(bad.err).toContain('[invalid_secret_key]');
    expect(bad.err).not.toContain('not-a-key');
    expectNothingSecret(wrong.out + wrong.err + bad.out + bad.err);
  });
});

describe('pswb secrets rotate', () => {
  it('default key file: a new key opens the settings, the old does not, and it is audited without secrets', async () => {
    await writePlainSettings();
    await (await SettingsStore.openDataDir(dir)).update(() => undefined);
    const oldKey = await keyText(join(dir, 'secret.key'));
    const before = await pswb(['secrets', 'status', '--data-dir', dir, '--json']);
    const from = (JSON.parse(before.out) as { key: { keyId: string } }).key.keyId;

    const rotated = await pswb(['secrets', 'rotate', '--data-dir', dir]);
    expect(rotated.code).toBe(0);
    const newKey = await keyText(join(dir, 'secret.key'));
    expect(newKey).not.toBe(oldKey);
    const after = await pswb(['secrets', 'status', '--data-dir', dir, '--json']);
    const to = (JSON.parse(after.out) as { key: { keyId: string } }).key.keyId;
    expect(to).not.toBe(from);
    expect(rotated.out).toBe(
      `Re-sealed connection.clientSecret, alerts.webhook.secret with key id ${to} (was ${from}), in ${join(dir, 'secret.key')}. Back up the new key file, apart from the settings.\n`,
    );
    expect(after.code).toBe(0);

    // The settings are intact and open with the new key; the old key does not open them.
    const reopened = (await SettingsStore.openDataDir(dir)).get();
    expect(reopened.connection?.clientSecret).toBe(CLIENT_SECRET);
    expect(reopened.alerts?.webhook?.secret).toBe(WEBHOOK_SECRET);
    process.env.PSWB_SECRET_KEY = oldKey;
    const old = await pswb(['comment-template', '--data-dir', dir]);
    expect(old.code).toBe(3);
    expect(old.err).toContain(
      `is sealed with key id ${to}, but the key given (PSWB_SECRET_KEY) has key id ${from}`,
    );
    expect(old.err).toContain('[secret_undecryptable]');
    delete process.env.PSWB_SECRET_KEY;

    const store = WritebackStore.openDataDir(dir);
    const entries = store.audit
      .list({ limit: 10 })
      .filter((entry) => entry.action === 'settings.secrets_rotated');
    store.close();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor: expect.stringMatching(/^cli/),
      target: 'settings',
      before: { keyId: from },
      after: {
        keyId: to,
        keyFile: join(dir, 'secret.key'),
        resealed: ['connection.clientSecret', 'alerts.webhook.secret'],
      },
    });
    expectNothingSecret(JSON.stringify(entries) + rotated.out + rotated.err + after.out + old.err);
  });

  it('PSWB_SECRET_KEY_FILE: needs --new-key-file (exit 2), re-seals under it and says to point the variable at it', async () => {
    const oldFile = join(dir, 'key.1');
    const newFile = join(dir, 'key.2');
    await writeFile(oldFile, randomBytes(32).toString('base64'), { mode: 0o600 });
    await writeFile(newFile, randomBytes(32).toString('base64'), { mode: 0o600 });
    await keyText(oldFile);
    await keyText(newFile);
    process.env.PSWB_SECRET_KEY_FILE = oldFile;
    await writePlainSettings();
    await (await SettingsStore.openDataDir(dir)).update(() => undefined);

    const missing = await pswb(['secrets', 'rotate', '--data-dir', dir]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('give it with --new-key-file FILE');

    const rotated = await pswb([
      'secrets',
      'rotate',
      '--data-dir',
      dir,
      '--new-key-file',
      newFile,
      '--json',
    ]);
    expect(rotated.code).toBe(0);
    const result = JSON.parse(rotated.out) as { to: string; keyFile: string; source: string };
    expect(result).toMatchObject({ keyFile: newFile, source: 'PSWB_SECRET_KEY_FILE' });

    const human = await pswb(['secrets', 'status', '--data-dir', dir]);
    expect(human.code).toBe(1); // still pointing at the old key
    process.env.PSWB_SECRET_KEY_FILE = newFile;
    const status = await pswb(['secrets', 'status', '--data-dir', dir]);
    expect(status.code).toBe(0);
    expect(status.out).toContain(`key id ${result.to}`);
    expectNothingSecret(missing.err + rotated.out + human.out + status.out);
  });

  it('with the default key file, refuses --new-key-file (exit 2)', async () => {
    const refused = await pswb([
      'secrets',
      'rotate',
      '--data-dir',
      dir,
      '--new-key-file',
      join(dir, 'k'),
    ]);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain(
      '--new-key-file is for a key given by PSWB_SECRET_KEY or PSWB_SECRET_KEY_FILE',
    );
  });

  it('has --help for both verbs', async () => {
    for (const verb of ['status', 'rotate']) {
      const help = await pswb(['secrets', verb, '--help']);
      expect(help.code).toBe(0);
      expect(help.out).toMatch(new RegExp(`^Usage: pswb secrets ${verb}`));
      expect(help.out).toContain('PSWB_SECRET_KEY_FILE');
    }
  });
});
