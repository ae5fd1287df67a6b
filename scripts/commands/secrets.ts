/**
 * `pswb secrets status|rotate`: the settings' secrets sealed at rest (connector/setup/secrets.ts,
 * decision 081): where the key comes from and how each secret is stored; re-sealing them all
 * under a new key, written to the audit log. No secret and no key is ever printed. Wiring only.
 */
import { resolve } from 'node:path';
import {
  SECRET_FIELDS,
  SECRET_KEY_FILE,
  SecretKeyring,
  districtDocuments,
  documentsSecretsStatus,
  resolveDataDir,
  rotateSecrets,
  secretsStatus,
  type RotationResult,
  type SecretState,
  type SecretsStatus,
} from '../../connector/index.ts';
import { PgDistricts, redactDatabaseUrl } from '../../connector/store/pg/index.ts';
import { UsageError, type CliIO, type Command } from '../cli/command.ts';
import { parseOptions } from '../cli/parse-options.ts';
import { auditCliChange, toCliError, toJson, withWorkspace } from './connector-options.ts';
import { auditPgCliChange, databaseUrl, withDatabase } from './db.ts';

const STATUS_OPTIONS = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  districts: { type: 'boolean' },
  database: { type: 'string' },
} as const;
const ROTATE_OPTIONS = { ...STATUS_OPTIONS, 'new-key-file': { type: 'string' } } as const;

const DATA_DIR_HELP = `  --data-dir DIR     Where settings and the log live (default: $PSWB_DATA_DIR, else ./data);
                     with --districts, only whose ${SECRET_KEY_FILE} is the key
  --districts        Every district's settings in the PostgreSQL database (pswb districts)
                     instead of the data directory's, with --database URL or $PSWB_DATABASE_URL
  --database URL     The database (implies --districts)`;

/** --districts or --database: the districts' settings in PostgreSQL, at the URL given. */
function districtsDatabase(values: { districts?: boolean; database?: string }): string | undefined {
  return values.districts || values.database !== undefined
    ? databaseUrl(values.database)
    : undefined;
}

const KEY_SOURCES = `The key comes from PSWB_SECRET_KEY (32 bytes as base64 or 64 hex characters), else the file
PSWB_SECRET_KEY_FILE names, else the data directory's ${SECRET_KEY_FILE} (made, 0600, the first time a
secret is saved). A key file group or others can read is refused (chmod 600 it).`;

/** A secret is as it should be: absent, or sealed with the key in use and opening with it. */
function isSettled(secret: SecretState, keyId: string | null): boolean {
  return secret.stored === 'absent' || (secret.opens === true && secret.keyId === keyId);
}

function describeSecret(secret: SecretState, keyId: string | null): string {
  if (secret.stored === 'absent') return 'not set';
  if (secret.stored === 'plain') {
    return 'PLAIN TEXT (saved by an older pswb): the next save seals it, or run pswb secrets rotate';
  }
  if (!secret.opens) return `sealed, but does not open: ${secret.problem ?? 'unknown'}`;
  if (secret.keyId !== keyId) {
    return `sealed with key id ${secret.keyId}, a key an unfinished rotation left: run pswb secrets rotate`;
  }
  return `sealed (key id ${secret.keyId})`;
}

/** The key, then each document's secrets (a data directory's one file, or each district's). */
function statusText(
  key: SecretsStatus['key'],
  documents: readonly { place: string; secrets: readonly SecretState[] }[],
): string {
  const keyLine =
    key.keyId === null
      ? `Key: ${key.description}: not made yet (made the first time a secret is saved)`
      : `Key: ${key.description}, key id ${key.keyId}`;
  const width = Math.max(...SECRET_FIELDS.map((field) => field.length));
  return [
    keyLine,
    ...documents.flatMap((document) => [
      `Secrets in ${document.place}:`,
      ...document.secrets.map(
        (secret) => `  ${secret.field.padEnd(width)}  ${describeSecret(secret, key.keyId)}`,
      ),
    ]),
  ].join('\n');
}

async function runStatus(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, STATUS_OPTIONS);
  const url = districtsDatabase(values);
  if (url !== undefined) return districtsStatus(url, values, io);
  // Not through openWorkspace: it opens the secrets, and status must also explain why they
  // do not open.
  let status: SecretsStatus;
  try {
    status = await secretsStatus(resolveDataDir(values['data-dir']));
  } catch (error) {
    throw toCliError(error);
  }
  const settled = status.secrets.every((secret) => isSettled(secret, status.key.keyId));
  if (values.json) io.stdout(toJson({ ...status, settled }));
  else io.stdout(statusText(status.key, [{ place: status.settingsFile, secrets: status.secrets }]));
  return settled ? 0 : 1;
}

/** `secrets status --districts`: each district's secrets, as statusText shows a file's. */
async function districtsStatus(
  url: string,
  values: { 'data-dir'?: string; json?: boolean },
  io: CliIO,
): Promise<number> {
  const keyring = new SecretKeyring(resolveDataDir(values['data-dir']));
  const status = await withDatabase(
    url,
    async (pool) => documentsSecretsStatus(keyring, districtDocuments(new PgDistricts(pool))),
    { checked: true },
  ).catch((error: unknown) => {
    throw toCliError(error);
  });
  const keyId = status.key.keyId;
  const settled = status.documents.every((document) =>
    document.secrets.every((secret) => isSettled(secret, keyId)),
  );
  if (values.json) {
    io.stdout(toJson({ database: redactDatabaseUrl(url), ...status, settled }));
    return settled ? 0 : 1;
  }
  io.stdout(statusText(status.key, status.documents));
  if (status.documents.length === 0) io.stdout(`No district in ${redactDatabaseUrl(url)} yet.`);
  return settled ? 0 : 1;
}

async function runRotate(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, ROTATE_OPTIONS);
  const newKeyFile = values['new-key-file'];
  const source = new SecretKeyring(resolveDataDir(values['data-dir'])).source;
  if (source.kind === 'default' && newKeyFile !== undefined) {
    throw new UsageError(
      `--new-key-file is for a key given by PSWB_SECRET_KEY or PSWB_SECRET_KEY_FILE; this data directory's key is ${source.path}, which pswb replaces with a new random key itself: run it without --new-key-file.`,
    );
  }
  if (source.kind !== 'default' && newKeyFile === undefined) {
    throw new UsageError(
      `the key comes from ${source.kind}, which pswb does not change: make a new key file (openssl rand -base64 32 > FILE; chmod 600 FILE) and give it with --new-key-file FILE.`,
    );
  }
  const keyOption = newKeyFile === undefined ? {} : { newKeyFile: resolve(newKeyFile) };
  const url = districtsDatabase(values);
  if (url !== undefined) {
    const dataDir = resolveDataDir(values['data-dir']);
    const { result, districts } = await withDatabase(
      url,
      async (pool) => {
        const table = new PgDistricts(pool);
        const rotated = await rotateSecrets(dataDir, {
          ...keyOption,
          documents: districtDocuments(table),
        });
        const count = (await table.list()).length;
        // Key ids, the key file's path and which fields were re-sealed: never a value.
        await auditPgCliChange(pool, null, {
          action: 'settings.secrets_rotated',
          target: 'districts',
          before: { keyId: rotated.from },
          after: {
            keyId: rotated.to,
            keyFile: rotated.keyFile,
            resealed: rotated.resealed,
            districts: count,
          },
        });
        return { result: rotated, districts: count };
      },
      { checked: true },
    ).catch((error: unknown) => {
      throw toCliError(error);
    });
    printRotation(result, `of ${districts} district(s) in ${redactDatabaseUrl(url)}`, values, io);
    return 0;
  }
  return withWorkspace(values['data-dir'], async (workspace) => {
    const result = await rotateSecrets(workspace.dataDir, keyOption);
    // Key ids, the key file's path and which fields were re-sealed: never a value.
    auditCliChange(workspace.store(), {
      action: 'settings.secrets_rotated',
      target: 'settings',
      before: { keyId: result.from },
      after: { keyId: result.to, keyFile: result.keyFile, resealed: result.resealed },
    });
    printRotation(result, '', values, io);
    return 0;
  });
}

/** What a rotation did; `of` names the districts re-sealed (empty for a data directory). */
function printRotation(
  result: RotationResult,
  of: string,
  values: { json?: boolean },
  io: CliIO,
): void {
  if (values.json) {
    io.stdout(toJson(result));
    return;
  }
  const what =
    result.resealed.length === 0
      ? 'No secret is saved yet; new secrets will be sealed'
      : `Re-sealed ${result.resealed.join(', ')}${of ? ` ${of}` : ''}`;
  const was = result.from === null ? '' : ` (was ${result.from})`;
  if (result.source === 'default') {
    io.stdout(
      `${what} with key id ${result.to}${was}, in ${result.keyFile}. Back up the new key file, apart from the settings.`,
    );
  } else {
    io.stdout(
      `${what} with key id ${result.to}${was} from ${result.keyFile}.\nNow point PSWB_SECRET_KEY_FILE at ${result.keyFile} (or set PSWB_SECRET_KEY to its contents) wherever pswb runs, and restart it: the old key no longer opens the settings.`,
    );
  }
}

export const secretsStatusCommand: Command = {
  name: 'secrets status',
  help: `Usage: pswb secrets status [--data-dir DIR] [--districts [--database URL]] [--json]

Shows where the key that seals the settings' secrets comes from, its key id, and for each secret
(the Client Secret, the alerts' SMTP URL, the alerts' webhook secret) whether it is sealed, in
plain text (saved by an older pswb) or not set. Never prints a secret or the key. Reads only.
${KEY_SOURCES}

Exit code 0 when every saved secret is sealed with the key in use; 1 when one is in plain text,
needs another key, or does not open (the line says which and why).

Options:
${DATA_DIR_HELP}
  --json             Print JSON: settingsFile, key (source, path, keyId), secrets, settled;
                     with --districts: database, key, documents (place, secrets), settled

Examples:
  npx pswb secrets status
  PSWB_DATABASE_URL=postgres://pswb@db.internal/pswb npx pswb secrets status --districts
`,
  run: runStatus,
};

export const secretsRotateCommand: Command = {
  name: 'secrets rotate',
  help: `Usage: pswb secrets rotate [--new-key-file FILE] [--data-dir DIR] [--districts [--database URL]] [--json]

Re-seals every secret of the settings under a new key (plain-text ones too), so the old key no
longer opens them. Written to the audit log (key ids only). Stop pswb serve first, or make no
settings change while it runs.
${KEY_SOURCES}

With --districts, every district's settings in the PostgreSQL database are re-sealed in one
transaction (a district changed meanwhile waits for it, and is then caught by the check that
follows: run it again). No setting changes, so running workers keep what they opened. On
several machines, give every one the same PSWB_SECRET_KEY_FILE: copy the new key file to each,
run the rotation once with --new-key-file, then point each machine at the new file and restart
its pswb. Written to the database's audit log as a change of the service.

With the data directory's ${SECRET_KEY_FILE}, pswb makes the new key and puts it in place; the old one
is kept as ${SECRET_KEY_FILE}.old until the settings are re-sealed. With PSWB_SECRET_KEY or
PSWB_SECRET_KEY_FILE, make the new key yourself and give it with --new-key-file; then point
PSWB_SECRET_KEY_FILE at it (or PSWB_SECRET_KEY to its contents) before pswb starts again.

Options:
  --new-key-file FILE  The new key (32 bytes, raw, base64 or hex; mode 600), only when the key
                       comes from PSWB_SECRET_KEY or PSWB_SECRET_KEY_FILE
${DATA_DIR_HELP}
  --json             Print JSON: from, to (key ids), keyFile, source, resealed

Examples:
  npx pswb secrets rotate
  npx pswb secrets rotate --districts --database postgres://pswb@db.internal/pswb
  openssl rand -base64 32 > /etc/pswb/key.2; chmod 600 /etc/pswb/key.2
  PSWB_SECRET_KEY_FILE=/etc/pswb/key.1 npx pswb secrets rotate --new-key-file /etc/pswb/key.2
`,
  run: runRotate,
};
