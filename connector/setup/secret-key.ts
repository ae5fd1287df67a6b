/**
 * Where the key that seals the settings' secrets comes from (decision 081), first found wins:
 *
 * 1. PSWB_SECRET_KEY: the key itself, 32 bytes as base64 or as 64 hex characters;
 * 2. PSWB_SECRET_KEY_FILE: a file holding it (32 raw bytes, or the same text forms);
 * 3. the data directory's secret.key, created (32 random bytes, 0600) the first time a secret
 *    is saved, so a new install needs no setup.
 *
 * A key file anyone but its owner can read is refused. A key is never printed: messages name
 * where it came from and its key id only.
 */
import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ConnectorError } from '../domain/index.ts';
import { storageFailure } from '../store/index.ts';
import { KEY_BYTES, secretKey, type SecretKey } from './secret-box.ts';

/** The default key file inside the data directory. */
export const SECRET_KEY_FILE = 'secret.key';

/** Where the key comes from. */
export type SecretKeySource =
  | { kind: 'PSWB_SECRET_KEY' }
  | { kind: 'PSWB_SECRET_KEY_FILE'; path: string }
  | { kind: 'default'; path: string };

/** The key's source for this data directory and environment. */
export function secretKeySource(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): SecretKeySource {
  if (env.PSWB_SECRET_KEY !== undefined && env.PSWB_SECRET_KEY !== '') {
    return { kind: 'PSWB_SECRET_KEY' };
  }
  if (env.PSWB_SECRET_KEY_FILE !== undefined && env.PSWB_SECRET_KEY_FILE !== '') {
    return { kind: 'PSWB_SECRET_KEY_FILE', path: env.PSWB_SECRET_KEY_FILE };
  }
  return { kind: 'default', path: join(dataDir, SECRET_KEY_FILE) };
}

/** The source in words, for messages and `pswb secrets status`. */
export function describeKeySource(source: SecretKeySource): string {
  if (source.kind === 'PSWB_SECRET_KEY') return 'PSWB_SECRET_KEY';
  if (source.kind === 'PSWB_SECRET_KEY_FILE')
    return `the key file ${source.path} (PSWB_SECRET_KEY_FILE)`;
  return `the key file ${source.path}`;
}

const VALID_FORMS =
  'it must be 32 bytes written as base64 (44 characters, e.g. from "openssl rand -base64 32") or as 64 hex characters (e.g. from "openssl rand -hex 32")';

/** The 32 bytes of a key written as text; undefined when it is neither form. */
function keyFromText(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  // Standard (43 + "=") or URL-safe (43, no padding) base64 of 32 bytes.
  if (/^[A-Za-z0-9+/]{43}=$/.test(trimmed) || /^[A-Za-z0-9_-]{43}$/.test(trimmed)) {
    const bytes = Buffer.from(trimmed, 'base64');
    if (bytes.length === KEY_BYTES) return bytes;
  }
  return undefined;
}

/** The key PSWB_SECRET_KEY holds; a value of another form is an invalid_secret_key error. */
export function parseSecretKeyVariable(value: string): SecretKey {
  const bytes = keyFromText(value);
  if (!bytes) {
    // Its length only: the value is meant to be a key, and may be one with a typo.
    throw new ConnectorError(
      'invalid_secret_key',
      `PSWB_SECRET_KEY is not a valid key: ${VALID_FORMS}; it has ${value.trim().length} characters.`,
    );
  }
  return secretKey(bytes, 'PSWB_SECRET_KEY');
}

/**
 * Reads a key file: refused when group or others may read it, or when it holds no key.
 * `undefined` when it does not exist.
 */
export async function readKeyFile(path: string, source: string): Promise<SecretKey | undefined> {
  let content: Buffer;
  try {
    const info = await stat(path);
    // pswb's rule, like ssh's for a private key: a key others can read protects nothing, so
    // it is refused rather than used (the settings it opens would be readable by them too).
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
      const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
      throw new ConnectorError(
        'invalid_secret_key',
        `${path} can be read by group or others (mode ${mode}); pswb uses a key file only its owner can read.`,
        { fix: `Run chmod 600 ${path} (as its owner), then run the command again.` },
      );
    }
    content = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw storageFailure(error, path);
  }
  const bytes =
    keyFromText(content.toString('latin1')) ?? (content.length === KEY_BYTES ? content : undefined);
  if (!bytes) {
    throw new ConnectorError(
      'invalid_secret_key',
      `${path} does not hold a valid key: it must hold 32 raw bytes, or 32 bytes written as base64 or as 64 hex characters; it has ${content.length} bytes.`,
    );
  }
  return secretKey(bytes, source);
}

/**
 * Writes a new key file atomically, mode 0600, flushed to disk before it is named (losing a key
 * loses the secrets it sealed). `replace` false: an existing file is kept (another process made
 * it first) and false is answered.
 */
export async function writeKeyFile(
  path: string,
  bytes: Buffer,
  { replace }: { replace: boolean },
): Promise<boolean> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(`${bytes.toString('base64')}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await chmod(temporary, 0o600);
    if (replace) {
      await rename(temporary, path);
      return true;
    }
    // link fails when the name exists, so two first saves at once cannot make two keys.
    await link(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST' && !replace) return false;
    throw storageFailure(error, path);
  } finally {
    await rm(temporary, { force: true }).catch(() => undefined);
  }
}

/**
 * The keys of one data directory: the one secrets are sealed with now, and for reading, every
 * key available. With the default key file, that includes secret.key.new and secret.key.old,
 * which `pswb secrets rotate` keeps while it runs: a rotation cut short leaves settings that one
 * of them opens (secrets.ts).
 */
export class SecretKeyring {
  readonly source: SecretKeySource;
  readonly #env: NodeJS.ProcessEnv;

  constructor(dataDir: string, env: NodeJS.ProcessEnv = process.env) {
    this.source = secretKeySource(dataDir, env);
    this.#env = env;
  }

  /**
   * The key secrets are sealed with; undefined when there is none yet (only the default key
   * file may be missing: it is created when `create` is true). A missing PSWB_SECRET_KEY_FILE
   * is an error: pswb does not make keys where the operator said one is.
   */
  async current({ create }: { create: boolean }): Promise<SecretKey | undefined> {
    const source = this.source;
    if (source.kind === 'PSWB_SECRET_KEY')
      return parseSecretKeyVariable(this.#env.PSWB_SECRET_KEY!);
    const described = describeKeySource(source);
    const found = await readKeyFile(source.path, described);
    if (found) return found;
    if (source.kind === 'PSWB_SECRET_KEY_FILE') {
      throw new ConnectorError(
        'secret_key_missing',
        `PSWB_SECRET_KEY_FILE names ${source.path}, which does not exist.`,
        {
          fix: "Point PSWB_SECRET_KEY_FILE at the key file (e.g. made with: openssl rand -base64 32 > FILE; chmod 600 FILE), or unset it to use the data directory's secret.key.",
        },
      );
    }
    if (!create) return undefined;
    await writeKeyFile(source.path, randomBytes(KEY_BYTES), { replace: false });
    return readKeyFile(source.path, described);
  }

  /**
   * The key that opens a value sealed with `keyId`: the current key, else (default key file) a
   * rotation's secret.key.new or secret.key.old with that id; else the current key, so opening
   * reports "needs key X, was given key Y". `place` names the value when there is no key at all.
   */
  async keyFor(keyId: string, place: string): Promise<SecretKey> {
    const current = await this.current({ create: false });
    if (current?.id === keyId) return current;
    if (this.source.kind === 'default') {
      for (const suffix of ['.new', '.old']) {
        const path = `${this.source.path}${suffix}`;
        const other = await readKeyFile(path, `the key file ${path}`);
        if (other?.id === keyId) return other;
      }
    }
    if (current) return current;
    throw new ConnectorError(
      'secret_key_missing',
      `${place} is sealed with key id ${keyId}, but there is no key: ${describeKeySource(this.source)} does not exist, and neither PSWB_SECRET_KEY nor PSWB_SECRET_KEY_FILE is set; nothing was changed.`,
    );
  }
}
