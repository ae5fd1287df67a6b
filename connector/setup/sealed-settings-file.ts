/**
 * The settings file with its secrets sealed (decision 081): a lowdb adapter over SecretJsonFile
 * (atomic, 0600) that seals the secret fields on write and opens them on read, so the rest of
 * pswb sees plain values in memory only. A value stored in plain text by an older pswb is read
 * as it is; the next save seals it.
 */
import { dirname } from 'node:path';
import type { Adapter } from 'lowdb';
import { isSealed, openSecret, sealSecret, sealedKeyId, type SecretKey } from './secret-box.ts';
import { SecretKeyring } from './secret-key.ts';
import { SecretJsonFile } from './secret-json-file.ts';

/** The settings' secrets, by path: the same three redactSettings (settings.ts) hides. */
export const SECRET_FIELDS = [
  'connection.clientSecret',
  'alerts.email.smtpUrl',
  'alerts.webhook.secret',
] as const;
export type SecretField = (typeof SECRET_FIELDS)[number];

/** The value at a dotted path of a parsed JSON document; undefined when any step is missing. */
export function fieldValue(document: unknown, field: string): unknown {
  let node: unknown = document;
  for (const step of field.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[step];
  }
  return node;
}

function setFieldValue(document: unknown, field: SecretField, value: string): void {
  const steps = field.split('.');
  const parent = fieldValue(document, steps.slice(0, -1).join('.'));
  (parent as Record<string, unknown>)[steps.at(-1)!] = value;
}

export class SealedSettingsFile<T> implements Adapter<T> {
  readonly #file: SecretJsonFile<T>;
  readonly #keyring: SecretKeyring;
  readonly #sealWith: SecretKey | undefined;

  /**
   * `keyring`: the data directory's keys (by default, of the folder holding the file).
   * `sealWith`: a key to seal with instead of the keyring's current one (a rotation).
   */
  constructor(
    readonly path: string,
    options: { keyring?: SecretKeyring; sealWith?: SecretKey } = {},
  ) {
    this.#file = new SecretJsonFile<T>(path);
    this.#keyring = options.keyring ?? new SecretKeyring(dirname(path));
    this.#sealWith = options.sealWith;
  }

  /** Reads the file with every secret opened; null when it does not exist yet. */
  async read(): Promise<T | null> {
    const data = await this.#file.read();
    if (data === null) return null;
    await openSecretFields(data, this.#keyring, `in ${this.path}`);
    return data;
  }

  /**
   * Writes the document with every secret sealed (the key is looked up, and the default key
   * file created, only when there is a secret to seal). The file is replaced atomically.
   */
  async write(data: T): Promise<void> {
    await this.#file.write(await sealSecretFields(data, this.#keyring, this.#sealWith));
  }
}

/**
 * Opens every sealed secret of a settings document, in place. A value stored in plain text
 * (from before sealing existed) is left as it is. `where` ends each message's place ("in FILE").
 */
export async function openSecretFields(
  document: unknown,
  keyring: SecretKeyring,
  where: string,
): Promise<void> {
  for (const field of SECRET_FIELDS) {
    const value = fieldValue(document, field);
    if (!isSealed(value)) continue;
    const place = `${field} ${where}`;
    const key = await keyring.keyFor(sealedKeyId(value) ?? '', place);
    setFieldValue(document, field, openSecret(value, key, field, place));
  }
}

/**
 * A copy of a settings document with every secret sealed: with `sealWith`, else the keyring's
 * current key (looked up, and the default key file created, only when there is a secret).
 */
export async function sealSecretFields<T>(
  document: T,
  keyring: SecretKeyring,
  sealWith?: SecretKey,
): Promise<T> {
  const stored = structuredClone(document);
  let key = sealWith;
  for (const field of SECRET_FIELDS) {
    const value = fieldValue(stored, field);
    if (typeof value !== 'string') continue;
    key ??= await keyring.current({ create: true });
    setFieldValue(stored, field, sealSecret(value, key!, field));
  }
  return stored;
}
