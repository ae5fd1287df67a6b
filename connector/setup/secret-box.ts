/**
 * One secret string sealed with AES-256-GCM (node:crypto; decision 081), as self-describing text:
 *
 *   pswb:enc:v1:<keyId>:<iv>:<tag>:<ciphertext>      (iv, tag, ciphertext in base64url)
 *
 * The key id names the key that sealed the value, so a wrong key is reported as "needs key X,
 * was given key Y" instead of a bare authentication failure. The field the value belongs to
 * (e.g. connection.clientSecret) is authenticated with it, so a sealed value moved to another
 * field does not open either. A failure never quotes the value.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { ConnectorError } from '../domain/index.ts';

/** An AES-256 key and where it came from (for messages; never the key itself). */
export interface SecretKey {
  readonly bytes: Buffer;
  /** secretKeyId(bytes). */
  readonly id: string;
  /** E.g. "PSWB_SECRET_KEY" or "the key file /srv/pswb/data/secret.key". */
  readonly source: string;
}

/** What every sealed value starts with. */
export const SEALED_PREFIX = 'pswb:enc:';
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** AES-256: 32 bytes. */
export const KEY_BYTES = 32;

/**
 * A short name for a key: the first 8 hex digits of its SHA-256. It tells keys apart in messages
 * and in the sealed text; 32 bits of a hash of 256 random bits say nothing useful about the key.
 */
export function secretKeyId(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 8);
}

/** A key from its 32 bytes. */
export function secretKey(bytes: Buffer, source: string): SecretKey {
  return { bytes, id: secretKeyId(bytes), source };
}

/** True when the value is in the sealed form (else it is a plain-text value from before). */
export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(SEALED_PREFIX);
}

/** The id of the key a sealed value needs; undefined when the text is not one. */
export function sealedKeyId(value: string): string | undefined {
  return value.split(':')[3];
}

/** Seals `plain` for `field` (the field is authenticated: the value opens there only). */
export function sealSecret(plain: string, key: SecretKey, field: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.bytes, iv);
  cipher.setAAD(associatedData(key.id, field));
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [`${SEALED_PREFIX}${VERSION}`, key.id, b64(iv), b64(tag), b64(ciphertext)].join(':');
}

/**
 * Opens a sealed value of `field` with `key`. `place` names it in messages ("connection.
 * clientSecret in /data/connector-settings.json"). A value that needs another key, was changed,
 * or is not a sealed value is a secret_undecryptable error naming the place and the key ids.
 */
export function openSecret(value: string, key: SecretKey, field: string, place: string): string {
  const parts = value.split(':');
  const [, , version, keyId, iv, tag, ciphertext] = parts;
  if (version !== VERSION && /^v\d+$/.test(version ?? '')) {
    throw new ConnectorError(
      'secret_undecryptable',
      `${place} is sealed in format ${version}, written by a newer pswb (this pswb reads ${VERSION}); it was left as it is.`,
      { fix: 'Run the pswb version that wrote it, or a newer one.' },
    );
  }
  if (
    parts.length !== 7 ||
    version !== VERSION ||
    !/^[0-9a-f]{8}$/.test(keyId!) ||
    unb64(iv!).length !== IV_BYTES ||
    unb64(tag!).length !== TAG_BYTES
  ) {
    throw new ConnectorError(
      'secret_undecryptable',
      `${place} starts like a sealed secret (${SEALED_PREFIX}) but is not one: it was changed or cut short; it was left as it is.`,
    );
  }
  if (keyId !== key.id) {
    throw new ConnectorError(
      'secret_undecryptable',
      `${place} is sealed with key id ${keyId}, but the key given (${key.source}) has key id ${key.id}; nothing was changed.`,
      {
        fix: `Give pswb the key with id ${keyId} (PSWB_SECRET_KEY, PSWB_SECRET_KEY_FILE, or the data directory's secret.key); pswb secrets status shows the key in use.`,
      },
    );
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, unb64(iv!));
    decipher.setAAD(associatedData(keyId, field));
    decipher.setAuthTag(unb64(tag!));
    return Buffer.concat([decipher.update(unb64(ciphertext!)), decipher.final()]).toString('utf8');
  } catch {
    // GCM's authentication failed: the right key, so the stored text itself was changed.
    throw new ConnectorError(
      'secret_undecryptable',
      `${place} does not open with key id ${keyId} (${key.source}), the key it names: the stored value was changed or damaged after it was written; it was left as it is.`,
      {
        fix: 'Restore the settings file from a backup, or save that secret again (pswb connect, pswb alerts set).',
      },
    );
  }
}

/** What GCM authenticates besides the ciphertext: format, key id and field. */
function associatedData(keyId: string, field: string): Buffer {
  return Buffer.from(`${SEALED_PREFIX}${VERSION}:${keyId}:${field}`, 'utf8');
}

function b64(bytes: Buffer): string {
  return bytes.toString('base64url');
}

function unb64(text: string): Buffer {
  return /^[A-Za-z0-9_-]*$/.test(text) ? Buffer.from(text, 'base64url') : Buffer.alloc(0);
}
