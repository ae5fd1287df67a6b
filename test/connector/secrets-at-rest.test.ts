/**
 * The settings' secrets sealed at rest (decision 081): round trip, nothing in clear on disk,
 * the key's sources (PSWB_SECRET_KEY as base64 or hex, PSWB_SECRET_KEY_FILE, the data
 * directory's secret.key) and their refusals, a wrong key or a changed value refused with the
 * file left as it was, a plain-text file from before sealed on the next save, and rotation
 * (also one cut short).
 */
import { randomBytes } from 'node:crypto';
import {
  chmod,
  copyFile,
  link,
  mkdtemp,
  readFile,
  readdir,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConnectorError,
  SECRET_FIELDS,
  SettingsStore,
  rotateSecrets,
  secretsStatus,
  type ConnectorSettings,
} from '../../connector/index.ts';
import { SealedSettingsFile } from '../../connector/setup/sealed-settings-file.ts';
import { secretKey, secretKeyId } from '../../connector/setup/secret-box.ts';
import { writeKeyFile } from '../../connector/setup/secret-key.ts';

const CLIENT_SECRET = 'client-secret-Zq81-very-secret';
const SMTP_PASSWORD = 'sm7p-Pa55word-xyz';
const SMTP_URL = `smtps://alerts%40district.org:${SMTP_PASSWORD}@smtp.district.org:465`;
const WEBHOOK_SECRET = 'whsec-0123456789abcdef-secret';
const IN_CLEAR = [CLIENT_SECRET, SMTP_PASSWORD, SMTP_URL, WEBHOOK_SECRET];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pswb-secrets-'));
  delete process.env.PSWB_SECRET_KEY;
  delete process.env.PSWB_SECRET_KEY_FILE;
});
afterEach(async () => {
  delete process.env.PSWB_SECRET_KEY;
  delete process.env.PSWB_SECRET_KEY_FILE;
  await rm(dir, { recursive: true, force: true });
});

const settingsPath = (): string => join(dir, 'connector-settings.json');
const keyPath = (): string => join(dir, 'secret.key');

/** Saves a connection and both alert channels: the three secrets. */
async function saveSecrets(store: SettingsStore): Promise<ConnectorSettings> {
  return store.update((draft) => {
    draft.connection = {
      url: 'https://d.powerschool.com',
      clientId: 'client-id',
      clientSecret: CLIENT_SECRET,
      visibleStudentId: 'student_number',
      studentIdSource: 'dcid',
    };
    draft.alerts = {
      intervalMinutes: 15,
      email: { to: ['office@district.org'], from: 'pswb@district.org', smtpUrl: SMTP_URL },
      webhook: { url: 'https://hooks.district.org/pswb', secret: WEBHOOK_SECRET },
    };
  });
}

async function caught(work: () => Promise<unknown>): Promise<ConnectorError> {
  try {
    await work();
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorError);
    return error as ConnectorError;
  }
  throw new Error('expected a ConnectorError');
}

function expectNoSecret(text: string): void {
  for (const secret of IN_CLEAR) expect(text).not.toContain(secret);
}

describe('secrets sealed in the settings file', () => {
  it('round trip: saved, reopened, the same plain values in memory', async () => {
    const saved = await saveSecrets(await SettingsStore.openDataDir(dir));
    const again = (await SettingsStore.openDataDir(dir)).get();
    expect(again).toEqual(saved);
    expect(again.connection?.clientSecret).toBe(CLIENT_SECRET);
    expect(again.alerts?.email?.smtpUrl).toBe(SMTP_URL);
    expect(again.alerts?.webhook?.secret).toBe(WEBHOOK_SECRET);
  });

  it('the file on disk holds no secret in clear, each is sealed, and the key file is made 0600', async () => {
    await saveSecrets(await SettingsStore.openDataDir(dir));
    const raw = await readFile(settingsPath(), 'utf8');
    // Fails as soon as sealing is removed from the write path.
    expectNoSecret(raw);
    const stored = JSON.parse(raw) as ConnectorSettings;
    const keyId = secretKeyId(Buffer.from((await readFile(keyPath(), 'utf8')).trim(), 'base64'));
    for (const value of [
      stored.connection?.clientSecret,
      stored.alerts?.email?.smtpUrl,
      stored.alerts?.webhook?.secret,
    ]) {
      expect(value).toMatch(new RegExp(`^pswb:enc:v1:${keyId}:[\\w-]{16}:[\\w-]{22}:[\\w-]+$`));
    }
    // The rest stays readable.
    expect(stored.connection?.clientId).toBe('client-id');
    expect((await stat(settingsPath())).mode & 0o777).toBe(0o600);
    expect((await stat(keyPath())).mode & 0o777).toBe(0o600);
    // A data directory without the key reveals nothing either: the key is the only way in.
    const copy = await mkdtemp(join(tmpdir(), 'pswb-secrets-copy-'));
    try {
      await copyFile(settingsPath(), join(copy, 'connector-settings.json'));
      const error = await caught(() => SettingsStore.openDataDir(copy));
      expect(error.code).toBe('secret_key_missing');
      expect(error.message).toContain(`sealed with key id ${keyId}`);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });

  it('makes no key while no secret is saved', async () => {
    const store = await SettingsStore.openDataDir(dir);
    await store.update((draft) => {
      draft.preventSchoolOverrides = true;
    });
    expect(await readdir(dir)).toEqual(['connector-settings.json']);
  });

  it('a wrong key is refused naming the key id needed and the one given; the file is untouched', async () => {
    await saveSecrets(await SettingsStore.openDataDir(dir));
    const before = await readFile(settingsPath());
    const needed = secretKeyId(Buffer.from((await readFile(keyPath(), 'utf8')).trim(), 'base64'));
    const other = randomBytes(32);
    process.env.PSWB_SECRET_KEY = other.toString('base64');
    const error = await caught(() => SettingsStore.openDataDir(dir));
    expect(error.code).toBe('secret_undecryptable');
    expect(error.message).toContain(
      `connection.clientSecret in ${settingsPath()} is sealed with key id ${needed}, but the key given (PSWB_SECRET_KEY) has key id ${secretKeyId(other)}`,
    );
    expect(error.fix).toContain(`key with id ${needed}`);
    expectNoSecret(`${error.message} ${error.fix}`);
    expect(await readFile(settingsPath())).toEqual(before);
  });

  it('a changed ciphertext is refused as changed, and so is a sealed value moved to another field', async () => {
    await saveSecrets(await SettingsStore.openDataDir(dir));
    const original = await readFile(settingsPath(), 'utf8');
    const stored = JSON.parse(original) as ConnectorSettings;
    const sealed = stored.connection!.clientSecret;
    const last = sealed.at(-1) === 'A' ? 'B' : 'A';
    stored.connection!.clientSecret = `${sealed.slice(0, -1)}${last}`;
    await writeFile(settingsPath(), JSON.stringify(stored));
    const tampered = await caught(() => SettingsStore.openDataDir(dir));
    expect(tampered.code).toBe('secret_undecryptable');
    expect(tampered.message).toMatch(/does not open with key id [0-9a-f]{8} .*changed or damaged/);

    const moved = JSON.parse(original) as ConnectorSettings;
    moved.alerts!.webhook!.secret = moved.connection!.clientSecret;
    await writeFile(settingsPath(), JSON.stringify(moved));
    const swapped = await caught(() => SettingsStore.openDataDir(dir));
    expect(swapped.message).toContain('alerts.webhook.secret');
    expect(swapped.message).toContain('changed or damaged');

    stored.connection!.clientSecret = 'pswb:enc:v1:cut-short';
    await writeFile(settingsPath(), JSON.stringify(stored));
    expect((await caught(() => SettingsStore.openDataDir(dir))).message).toContain(
      'is not one: it was changed or cut short',
    );
  });

  it('reads a plain-text file from an older pswb, reports it, and seals it on the next save', async () => {
    const old = {
      version: 1,
      preventSchoolOverrides: false,
      schools: {},
      reasons: {},
      connection: {
        url: 'https://d.powerschool.com',
        clientId: 'client-id',
        clientSecret: CLIENT_SECRET,
        visibleStudentId: 'student_number',
        studentIdSource: 'dcid',
      },
    };
    await writeFile(settingsPath(), JSON.stringify(old), { mode: 0o600 });
    const store = await SettingsStore.openDataDir(dir);
    expect(store.get().connection?.clientSecret).toBe(CLIENT_SECRET);
    const status = await secretsStatus(dir);
    expect(status.secrets).toEqual([
      { field: 'connection.clientSecret', stored: 'plain' },
      { field: 'alerts.email.smtpUrl', stored: 'absent' },
      { field: 'alerts.webhook.secret', stored: 'absent' },
    ]);
    expect(status.key).toMatchObject({ source: 'default', keyId: null });

    await store.update((draft) => {
      draft.preventSchoolOverrides = true;
    });
    expectNoSecret(await readFile(settingsPath(), 'utf8'));
    expect((await SettingsStore.openDataDir(dir)).get().connection?.clientSecret).toBe(
      CLIENT_SECRET,
    );
    const after = await secretsStatus(dir);
    expect(after.secrets[0]).toMatchObject({
      stored: 'sealed',
      opens: true,
      keyId: after.key.keyId,
    });
  });
});

describe('where the key comes from', () => {
  it.each([
    ['base64', (key: Buffer) => key.toString('base64')],
    ['hex', (key: Buffer) => key.toString('hex')],
    ['base64url, with spaces around', (key: Buffer) => ` ${key.toString('base64url')}\n`],
  ])(
    'PSWB_SECRET_KEY as %s: used, no key file made, and needed to read back',
    async (_form, write) => {
      const key = randomBytes(32);
      process.env.PSWB_SECRET_KEY = write(key);
      await saveSecrets(await SettingsStore.openDataDir(dir));
      expect(await readdir(dir)).toEqual(['connector-settings.json']);
      expect(await readFile(settingsPath(), 'utf8')).toContain(`pswb:enc:v1:${secretKeyId(key)}:`);
      expect((await SettingsStore.openDataDir(dir)).get().connection?.clientSecret).toBe(
        CLIENT_SECRET,
      );
      delete process.env.PSWB_SECRET_KEY;
      expect((await caught(() => SettingsStore.openDataDir(dir))).code).toBe('secret_key_missing');
    },
  );

  it.each([
    ['too short', 'abc'],
    ['31 bytes of base64', randomBytes(31).toString('base64')],
    ['63 hex characters', randomBytes(32).toString('hex').slice(1)],
  ])(
    'PSWB_SECRET_KEY %s is refused saying what is valid, without the value',
    async (_name, value) => {
      process.env.PSWB_SECRET_KEY = value;
      const store = await SettingsStore.openDataDir(dir);
      const error = await caught(() => saveSecrets(store));
      expect(error.code).toBe('invalid_secret_key');
      expect(error.message).toContain('PSWB_SECRET_KEY is not a valid key');
      expect(error.message).toContain('base64 (44 characters');
      expect(error.message).toContain('64 hex characters');
      expect(error.message).toContain(`it has ${value.length} characters`);
      expect(error.message).not.toContain(value);
      // Nothing saved: the settings in memory are those before.
      expect(store.get().connection).toBeUndefined();
    },
  );

  it('PSWB_SECRET_KEY_FILE: used; missing, unreadable by others only, or not a key: refused', async () => {
    const file = join(dir, 'elsewhere.key');
    process.env.PSWB_SECRET_KEY_FILE = file;
    const missing = await caught(async () => saveSecrets(await SettingsStore.openDataDir(dir)));
    expect(missing.code).toBe('secret_key_missing');
    expect(missing.message).toBe(`PSWB_SECRET_KEY_FILE names ${file}, which does not exist.`);

    const key = randomBytes(32);
    await writeFile(file, key, { mode: 0o600 }); // 32 raw bytes
    await saveSecrets(await SettingsStore.openDataDir(dir));
    expect(await readFile(settingsPath(), 'utf8')).toContain(`:${secretKeyId(key)}:`);
    await expect(readdir(dir)).resolves.not.toContain('secret.key');

    await chmod(file, 0o644);
    const open = await caught(() => SettingsStore.openDataDir(dir));
    expect(open.code).toBe('invalid_secret_key');
    expect(open.message).toBe(
      `${file} can be read by group or others (mode 0644); pswb uses a key file only its owner can read.`,
    );
    expect(open.fix).toContain(`chmod 600 ${file}`);

    await writeFile(file, 'not a key\n', { mode: 0o600 });
    await chmod(file, 0o600);
    const bad = await caught(() => SettingsStore.openDataDir(dir));
    expect(bad.code).toBe('invalid_secret_key');
    expect(bad.message).toContain(`${file} does not hold a valid key`);
  });

  it('the default secret.key made 0644 is refused too, saying to chmod 600 it', async () => {
    await saveSecrets(await SettingsStore.openDataDir(dir));
    await chmod(keyPath(), 0o644);
    const error = await caught(() => SettingsStore.openDataDir(dir));
    expect(error.code).toBe('invalid_secret_key');
    expect(error.fix).toBe(
      `Run chmod 600 ${keyPath()} (as its owner), then run the command again.`,
    );
  });
});

describe('rotation', () => {
  it('default key file: re-seals under a new key; the old no longer opens, the new does, settings intact', async () => {
    const saved = await saveSecrets(await SettingsStore.openDataDir(dir));
    const oldKeyFile = join(dir, 'old-copy.key');
    await copyFile(keyPath(), oldKeyFile);
    const before = await secretsStatus(dir);

    const result = await rotateSecrets(dir);
    expect(result).toMatchObject({ from: before.key.keyId, source: 'default', keyFile: keyPath() });
    expect(result.resealed).toEqual([...SECRET_FIELDS]);
    expect(result.to).not.toBe(result.from);
    expect((await readdir(dir)).sort()).toEqual(
      ['connector-settings.json', 'old-copy.key', 'secret.key'].sort(),
    );
    expect((await stat(keyPath())).mode & 0o777).toBe(0o600);
    expectNoSecret(await readFile(settingsPath(), 'utf8'));

    // The new key opens them, all of them as they were.
    expect((await SettingsStore.openDataDir(dir)).get()).toEqual(saved);
    const after = await secretsStatus(dir);
    expect(after.key.keyId).toBe(result.to);
    for (const secret of after.secrets) {
      expect(secret).toMatchObject({ stored: 'sealed', keyId: result.to, opens: true });
    }
    // The old one does not.
    process.env.PSWB_SECRET_KEY_FILE = oldKeyFile;
    const error = await caught(() => SettingsStore.openDataDir(dir));
    expect(error.code).toBe('secret_undecryptable');
    expect(error.message).toContain(`sealed with key id ${result.to}`);
    expect(error.message).toContain(`has key id ${result.from}`);
  });

  it('a rotation cut short after re-sealing still opens (secret.key.new), and the next one finishes', async () => {
    const saved = await saveSecrets(await SettingsStore.openDataDir(dir));
    // The state after step 3 of rotateDefaultKey: new key in .new, old kept as .old, settings
    // re-sealed under the new key, secret.key still the old one.
    const next = secretKey(randomBytes(32), 'test');
    await writeKeyFile(`${keyPath()}.new`, next.bytes, { replace: true });
    await link(keyPath(), `${keyPath()}.old`);
    const data = await new SealedSettingsFile<ConnectorSettings>(settingsPath()).read();
    await new SealedSettingsFile(settingsPath(), { sealWith: next }).write(data);

    expect((await SettingsStore.openDataDir(dir)).get()).toEqual(saved);
    const status = await secretsStatus(dir);
    expect(status.secrets[0]).toMatchObject({ stored: 'sealed', keyId: next.id, opens: true });
    expect(status.key.keyId).not.toBe(next.id);

    const result = await rotateSecrets(dir);
    expect((await readdir(dir)).sort()).toEqual(['connector-settings.json', 'secret.key']);
    expect((await SettingsStore.openDataDir(dir)).get()).toEqual(saved);
    expect((await secretsStatus(dir)).secrets[0]).toMatchObject({ keyId: result.to, opens: true });
  });

  it('PSWB_SECRET_KEY_FILE: re-seals under --new-key-file; the old file no longer opens', async () => {
    const oldFile = join(dir, 'key.1');
    const newFile = join(dir, 'key.2');
    await writeFile(oldFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    process.env.PSWB_SECRET_KEY_FILE = oldFile;
    const saved = await saveSecrets(await SettingsStore.openDataDir(dir));

    expect((await caught(() => rotateSecrets(dir))).message).toContain(
      'give the new key with --new-key-file PATH',
    );
    expect((await caught(() => rotateSecrets(dir, { newKeyFile: newFile }))).code).toBe(
      'secret_key_missing',
    );
    expect((await caught(() => rotateSecrets(dir, { newKeyFile: oldFile }))).message).toContain(
      'holds the key in use',
    );
    await writeFile(newFile, randomBytes(32).toString('hex'), { mode: 0o600 });
    const result = await rotateSecrets(dir, { newKeyFile: newFile });
    expect(result).toMatchObject({ source: 'PSWB_SECRET_KEY_FILE', keyFile: newFile });

    expect((await caught(() => SettingsStore.openDataDir(dir))).code).toBe('secret_undecryptable');
    process.env.PSWB_SECRET_KEY_FILE = newFile;
    expect((await SettingsStore.openDataDir(dir)).get()).toEqual(saved);
  });
});
