/**
 * `pswb secrets status|rotate` (decision 081): which of the settings' secrets are sealed, with
 * which key, and re-sealing every one under a new key. Neither ever returns a secret.
 */
import { randomBytes } from 'node:crypto';
import { link, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConnectorError } from '../domain/index.ts';
import { storageFailure } from '../store/index.ts';
import {
  KEY_BYTES,
  isSealed,
  openSecret,
  sealedKeyId,
  secretKey,
  type SecretKey,
} from './secret-box.ts';
import { SecretJsonFile } from './secret-json-file.ts';
import {
  SecretKeyring,
  describeKeySource,
  readKeyFile,
  writeKeyFile,
  type SecretKeySource,
} from './secret-key.ts';
import {
  SECRET_FIELDS,
  SealedSettingsFile,
  fieldValue,
  type SecretField,
} from './sealed-settings-file.ts';
import { SETTINGS_FILE } from './settings.ts';

/** One secret of the settings file, as stored. */
export interface SecretState {
  field: SecretField;
  /** sealed: encrypted at rest; plain: stored in clear by an older pswb; absent: not set. */
  stored: 'sealed' | 'plain' | 'absent';
  /** Sealed: the id of the key it needs. */
  keyId?: string;
  /** Sealed: whether a key pswb has opens it. */
  opens?: boolean;
  /** Sealed and not opened: why (never the value). */
  problem?: string;
}

export interface SecretsStatus {
  settingsFile: string;
  key: {
    source: SecretKeySource['kind'];
    /** The key file, for the two file sources. */
    path?: string;
    description: string;
    /** null: the default key file does not exist yet (made when a secret is first saved). */
    keyId: string | null;
  };
  secrets: SecretState[];
}

/**
 * What a rotation re-seals and a status reads: a data directory's settings file
 * (settingsFileDocuments), or every district's settings in PostgreSQL (districtDocuments in
 * district-settings.ts).
 */
export interface SealedDocuments {
  /**
   * Re-seals every secret with `key` (else the keyring's current key), opening each with the
   * keyring's keys, as one change; the fields present.
   */
  reseal(keyring: SecretKeyring, key?: SecretKey): Promise<SecretField[]>;
  /** The documents as stored (secrets sealed), each with its place for messages. */
  stored(): Promise<{ place: string; document: unknown }[]>;
}

/** A data directory's settings file as a rotation's documents. */
export function settingsFileDocuments(settingsFile: string): SealedDocuments {
  return {
    async reseal(keyring, key) {
      const data = await new SealedSettingsFile<unknown>(settingsFile, { keyring }).read();
      if (data === null) return [];
      await new SealedSettingsFile<unknown>(settingsFile, {
        keyring,
        ...(key ? { sealWith: key } : {}),
      }).write(data);
      return presentSecrets(data);
    },
    async stored() {
      const document = await new SecretJsonFile<unknown>(settingsFile).read();
      return [{ place: settingsFile, document }];
    },
  };
}

/** Each document's secrets, as stored, with the key the keyring has; decrypts only to check. */
export interface DocumentsSecretsStatus {
  key: SecretsStatus['key'];
  documents: { place: string; secrets: SecretState[] }[];
}

/** Reads where the key comes from and how each secret is stored; decrypts only to check. */
export async function secretsStatus(dataDir: string): Promise<SecretsStatus> {
  const settingsFile = join(dataDir, SETTINGS_FILE);
  const status = await documentsSecretsStatus(
    new SecretKeyring(dataDir),
    settingsFileDocuments(settingsFile),
  );
  return { settingsFile, key: status.key, secrets: status.documents[0]!.secrets };
}

/** secretsStatus of any documents (a district database's: every district's settings). */
export async function documentsSecretsStatus(
  keyring: SecretKeyring,
  documents: SealedDocuments,
): Promise<DocumentsSecretsStatus> {
  const current = await keyring.current({ create: false });
  const states: DocumentsSecretsStatus['documents'] = [];
  for (const { place, document } of await documents.stored()) {
    states.push({ place, secrets: await secretStates(keyring, document, place) });
  }
  const source = keyring.source;
  return {
    key: {
      source: source.kind,
      ...(source.kind === 'PSWB_SECRET_KEY' ? {} : { path: source.path }),
      description: describeKeySource(source),
      keyId: current?.id ?? null,
    },
    documents: states,
  };
}

async function secretStates(
  keyring: SecretKeyring,
  raw: unknown,
  where: string,
): Promise<SecretState[]> {
  const secrets: SecretState[] = [];
  for (const field of SECRET_FIELDS) {
    const value = fieldValue(raw, field);
    if (typeof value !== 'string') {
      secrets.push({ field, stored: 'absent' });
    } else if (!isSealed(value)) {
      secrets.push({ field, stored: 'plain' });
    } else {
      const keyId = sealedKeyId(value) ?? '';
      const place = `${field} in ${where}`;
      try {
        openSecret(value, await keyring.keyFor(keyId, place), field, place);
        secrets.push({ field, stored: 'sealed', keyId, opens: true });
      } catch (error) {
        if (!(error instanceof ConnectorError)) throw error;
        secrets.push({ field, stored: 'sealed', keyId, opens: false, problem: error.message });
      }
    }
  }
  return secrets;
}

export interface RotationResult {
  /** The key id the secrets were sealed with before (null: none, or all in plain text). */
  from: string | null;
  to: string;
  /** Where the new key is: secret.key, or the --new-key-file the operator must now point at. */
  keyFile: string;
  source: SecretKeySource['kind'];
  /** The secrets re-sealed (those present). */
  resealed: SecretField[];
}

/**
 * Re-seals every secret under a new key. With the default key file, pswb makes the key; with
 * PSWB_SECRET_KEY or PSWB_SECRET_KEY_FILE, the operator gives it (`newKeyFile`) and then points
 * the variable at it. At no step do the settings hold a value no available key opens.
 */
export async function rotateSecrets(
  dataDir: string,
  options: { newKeyFile?: string; documents?: SealedDocuments } = {},
): Promise<RotationResult> {
  const keyring = new SecretKeyring(dataDir);
  const documents = options.documents ?? settingsFileDocuments(join(dataDir, SETTINGS_FILE));
  if (keyring.source.kind === 'default') {
    if (options.newKeyFile !== undefined) {
      throw new ConnectorError(
        'invalid_secret_key',
        `--new-key-file is for a key given by PSWB_SECRET_KEY or PSWB_SECRET_KEY_FILE; this data directory uses ${describeKeySource(keyring.source)}, which pswb replaces with a new random key itself.`,
        { fix: 'Run pswb secrets rotate without --new-key-file.' },
      );
    }
    return rotateDefaultKey(keyring, keyring.source.path, documents);
  }
  if (options.newKeyFile === undefined) {
    throw new ConnectorError(
      'invalid_secret_key',
      `The key comes from ${describeKeySource(keyring.source)}, which pswb does not change: give the new key with --new-key-file PATH.`,
      {
        fix: 'Make one (openssl rand -base64 32 > PATH; chmod 600 PATH), run pswb secrets rotate --new-key-file PATH, then point PSWB_SECRET_KEY_FILE at PATH.',
      },
    );
  }
  const current = await keyring.current({ create: false });
  const next = await readKeyFile(options.newKeyFile, `the key file ${options.newKeyFile}`);
  if (!next) {
    throw new ConnectorError(
      'secret_key_missing',
      `--new-key-file ${options.newKeyFile} does not exist.`,
      { fix: 'Make it first: openssl rand -base64 32 > PATH; chmod 600 PATH.' },
    );
  }
  if (next.id === current?.id) {
    throw new ConnectorError(
      'invalid_secret_key',
      `${options.newKeyFile} holds the key in use (key id ${next.id}); a rotation needs a new key.`,
      { fix: 'Make a new one: openssl rand -base64 32 > PATH; chmod 600 PATH.' },
    );
  }
  const from = await sealedWith(documents);
  const resealed = await documents.reseal(keyring, next);
  await checkSealedWith(documents, next);
  return {
    from,
    to: next.id,
    keyFile: options.newKeyFile,
    source: keyring.source.kind,
    resealed,
  };
}

/**
 * The default key file's rotation. The steps, each safe to be cut short (a reader finds the key
 * a cut-short rotation's settings need in secret.key, secret.key.new or secret.key.old;
 * SecretKeyring.keyFor):
 *
 * 0. the settings are read with every available key; leftovers of a cut-short rotation are
 *    settled first (settings re-sealed under secret.key, then .new and .old removed);
 * 1. the new key is written to secret.key.new (flushed);
 * 2. the old key is kept as secret.key.old (a hard link: secret.key never goes missing);
 * 3. the settings are re-sealed under the new key (atomic rename);
 * 4. secret.key.new is renamed over secret.key;
 * 5. the settings are checked to open with the new key, then secret.key.old is removed.
 */
async function rotateDefaultKey(
  keyring: SecretKeyring,
  keyPath: string,
  documents: SealedDocuments,
): Promise<RotationResult> {
  const newPath = `${keyPath}.new`;
  const oldPath = `${keyPath}.old`;
  const from = await sealedWith(documents);
  if ((await exists(newPath)) || (await exists(oldPath))) {
    await documents.reseal(keyring);
    await removeFile(newPath);
    await removeFile(oldPath);
  }
  const next = secretKey(randomBytes(KEY_BYTES), `the key file ${keyPath}`);
  await writeKeyFile(newPath, next.bytes, { replace: true });
  try {
    if (await exists(keyPath)) await link(keyPath, oldPath);
  } catch (error) {
    throw storageFailure(error, oldPath);
  }
  const resealed = await documents.reseal(keyring, next);
  try {
    await rename(newPath, keyPath);
  } catch (error) {
    throw storageFailure(error, keyPath);
  }
  await checkSealedWith(documents, next, oldPath);
  await removeFile(oldPath);
  return { from, to: next.id, keyFile: keyPath, source: 'default', resealed };
}

/**
 * Checks that every secret of the file is sealed with `key` and opens with it: something else
 * saving the settings during the rotation (a running pswb serve) could have sealed them with the
 * key it read before. Then the old key is kept and the rotation is to be run again.
 */
async function checkSealedWith(
  documents: SealedDocuments,
  key: SecretKey,
  kept?: string,
): Promise<void> {
  for (const { place: where, document } of await documents.stored()) {
    checkDocumentSealedWith(document, where, key, kept);
  }
}

function checkDocumentSealedWith(
  raw: unknown,
  where: string,
  key: SecretKey,
  kept: string | undefined,
): void {
  for (const field of SECRET_FIELDS) {
    const value = fieldValue(raw, field);
    if (typeof value !== 'string') continue;
    const place = `${field} in ${where}`;
    if (!isSealed(value) || sealedKeyId(value) !== key.id) {
      throw new ConnectorError(
        'secret_undecryptable',
        `${place} was saved by something else during the rotation and is not sealed with the new key ${key.id}${kept ? `; the old key was kept as ${kept}` : ''}.`,
        {
          fix: 'Stop pswb serve (or wait for the settings change to finish), then run pswb secrets rotate again.',
        },
      );
    }
    openSecret(value, key, field, place);
  }
}

/** The key id the stored secrets are sealed with (the first found); null when none is sealed. */
async function sealedWith(documents: SealedDocuments): Promise<string | null> {
  for (const { document } of await documents.stored()) {
    for (const field of SECRET_FIELDS) {
      const value = fieldValue(document, field);
      if (isSealed(value)) return sealedKeyId(value) ?? null;
    }
  }
  return null;
}

/** The secret fields a settings document holds a value for. */
export function presentSecrets(data: unknown): SecretField[] {
  return SECRET_FIELDS.filter((field) => typeof fieldValue(data, field) === 'string');
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw storageFailure(error, path);
  }
}

async function removeFile(path: string): Promise<void> {
  try {
    await rm(path, { force: true });
  } catch (error) {
    throw storageFailure(error, path);
  }
}
