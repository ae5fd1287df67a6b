/**
 * `pswb keys create|list|revoke`: the ingest API's keys (service/keys.ts, connector/store/
 * api-keys.ts), each change written to the audit log as made by `cli:<OS user>`; with
 * --district, a PostgreSQL district's keys, each change and its pswb_audit entry in one
 * transaction. Wiring only.
 */
import type pg from 'pg';
import type { ApiKeyRecord } from '../../connector/index.ts';
import { createApiKey } from '../../service/keys.ts';
import { UsageError, type CliIO, type Command } from '../cli/command.ts';
import { parseOptions } from '../cli/parse-options.ts';
import { renderTextTable } from '../cli/text-table.ts';
import { PgApiKeys, checkDistrictId } from '../../connector/store/pg/index.ts';
import {
  auditCliChange,
  numberListOption,
  toCliError,
  toJson,
  withWorkspace,
} from './connector-options.ts';
import { auditPgCliChange, databaseUrl, withDatabase, withDatabaseTransaction } from './db.ts';

const DATA_DIR_HELP = `  --data-dir DIR     Where settings, the log and the keys live (default: $PSWB_DATA_DIR, else ./data)
  --district ID      A district of a PostgreSQL database instead (pswb districts), with
                     --database URL or $PSWB_DATABASE_URL`;

/** The flags that put the keys of a PostgreSQL database's district in place of a data directory's. */
const PG_OPTIONS = { district: { type: 'string' }, database: { type: 'string' } } as const;

/** With --district: the work on that district's keys in the database (reads). */
async function withDistrictKeys<T>(
  values: { district?: string; database?: string },
  work: (keys: PgApiKeys, district: string) => Promise<T>,
): Promise<T> {
  const district = checkDistrictId(values.district!);
  return withDatabase(databaseUrl(values.database), (pool) => work(new PgApiKeys(pool), district), {
    checked: true,
  }).catch((error: unknown) => {
    throw toCliError(error);
  });
}

/** With --district: a change of that district's keys, in one transaction with its audit entry. */
async function changeDistrictKeys<T>(
  values: { district?: string; database?: string },
  work: (keys: PgApiKeys, district: string, client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const district = checkDistrictId(values.district!);
  return withDatabaseTransaction(databaseUrl(values.database), (client) =>
    work(new PgApiKeys(client), district, client),
  ).catch((error: unknown) => {
    throw toCliError(error);
  });
}

const CREATE_OPTIONS = {
  name: { type: 'string' },
  school: { type: 'string' },
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  ...PG_OPTIONS,
} as const;

async function runCreate(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, CREATE_OPTIONS);
  if (!values.name?.trim()) {
    throw new UsageError(
      '--name is required: say who uses the key, e.g. --name "Front desk, Lincoln Elementary".',
    );
  }
  const schools = values.school === undefined ? null : numberListOption('school', values.school);
  const shown = (key: string, record: ApiKeyRecord): number => {
    if (values.json) {
      io.stdout(toJson({ key, ...record }));
    } else {
      io.stdout(key);
      io.stderr(
        `API key ${record.id} "${record.name}" for ${scopeOf(record)} of ${record.district}. This is the only time the key is shown: store it now (pswb keeps only its hash). Send it as "Authorization: Bearer <key>".`,
      );
    }
    return 0;
  };
  if (values.district !== undefined) {
    const { key, record } = await changeDistrictKeys(values, async (keys, district, client) => {
      const made = await keys.create({ district, name: values.name!, schools });
      await auditPgCliChange(client, district, {
        action: 'key.create',
        target: made.record.id,
        after: made.record,
        at: made.record.createdAt,
      });
      return made;
    });
    return shown(key, record);
  }
  return withWorkspace(values['data-dir'], async (workspace) => {
    const { key, record } = createApiKey(workspace, { name: values.name!, schools });
    auditCliChange(workspace.store(), {
      action: 'key.create',
      target: record.id,
      after: record,
      at: record.createdAt,
    });
    return shown(key, record);
  });
}

function scopeOf(record: ApiKeyRecord): string {
  return record.schools ? `school(s) ${record.schools.join(', ')}` : 'the whole district';
}

const LIST_OPTIONS = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  ...PG_OPTIONS,
} as const;

async function runList(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, LIST_OPTIONS);
  if (values.district !== undefined) {
    return withDistrictKeys(values, async (keys, district) =>
      printKeys(io, await keys.list(district), values.json === true),
    );
  }
  return withWorkspace(values['data-dir'], async (workspace) =>
    printKeys(io, workspace.connector().keys.list(), values.json === true),
  );
}

function printKeys(io: CliIO, keys: ApiKeyRecord[], json: boolean): number {
  if (json) {
    io.stdout(toJson({ keys }));
    return 0;
  }
  if (keys.length === 0) {
    io.stdout('No API keys yet. Make one with pswb keys create --name "<who uses it>".');
    return 0;
  }
  const rows = keys.map((key) => [
    key.id,
    key.name.slice(0, 32),
    key.schools ? `schools ${key.schools.join(', ')}` : 'district',
    key.createdAt.slice(0, 16).replace('T', ' '),
    key.lastUsedAt ? key.lastUsedAt.slice(0, 16).replace('T', ' ') : '-',
    key.revokedAt ? `revoked ${key.revokedAt.slice(0, 10)}` : 'active',
  ]);
  io.stdout(renderTextTable(['Id', 'Name', 'Scope', 'Created (UTC)', 'Last used', 'Status'], rows));
  return 0;
}

const REVOKE_OPTIONS = { 'data-dir': { type: 'string' }, ...PG_OPTIONS } as const;

async function runRevoke(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseOptions(argv, REVOKE_OPTIONS, { maxPositionals: 1 });
  const id = positionals[0];
  if (!id) throw new UsageError('give the id of the key to revoke (pswb keys list shows them).');
  const said = (revoked: boolean): number => {
    io.stdout(
      revoked
        ? `Revoked API key ${id}: its next request is refused, also by a running pswb serve.`
        : `API key ${id} was already revoked.`,
    );
    return 0;
  };
  if (values.district !== undefined) {
    const revoked = await changeDistrictKeys(values, async (keys, district, client) => {
      const before = await keys.get(district, id);
      const done = await keys.revoke(district, id);
      if (done) {
        const after = (await keys.get(district, id))!;
        await auditPgCliChange(client, district, {
          action: 'key.revoke',
          target: id,
          before,
          after,
          at: after.revokedAt!,
        });
      }
      return done;
    });
    return said(revoked);
  }
  return withWorkspace(values['data-dir'], async (workspace) => {
    const keys = workspace.connector().keys;
    const before = keys.get(id);
    const revoked = keys.revoke(id);
    if (revoked) {
      const after = keys.get(id)!;
      auditCliChange(workspace.store(), {
        action: 'key.revoke',
        target: id,
        before,
        after,
        at: after.revokedAt!,
      });
    }
    return said(revoked);
  });
}

export const keysCreateCommand: Command = {
  name: 'keys create',
  help: `Usage: pswb keys create --name NAME [--school 101,102] [--data-dir DIR | --district ID]
                        [--database URL] [--json]

Makes an API key for the ingest API of pswb serve, for the district this data directory is
connected to (pswb connect), or only for some of its buildings with --school. Prints the key
once, alone on stdout, so a script can keep it; pswb stores only its hash. Recorded in the audit
log as made by cli:<your OS user name> (on PostgreSQL, in the district's pswb_audit, in the same
transaction as the key).

Options:
  --name NAME        Who uses the key, e.g. "Front desk, Lincoln Elementary" (required)
  --school LIST      School numbers the key may send and read, e.g. 101,102 (default: all)
${DATA_DIR_HELP}
  --json             Print the key and its record as JSON

Examples:
  npx pswb keys create --name "Visitor management (district)"
  PSWB_API_KEY=$(npx pswb keys create --name "Front desk, Lincoln" --school 101)
  PSWB_DATABASE_URL=postgres://pswb@db:5432/pswb npx pswb keys create --district lincoln-usd \\
    --name "Visitor management"
`,
  run: runCreate,
};

export const keysListCommand: Command = {
  name: 'keys list',
  help: `Usage: pswb keys list [--data-dir DIR | --district ID] [--database URL] [--json]

Lists the API keys: id, name, scope (district or schools), when made and last used, and whether
revoked. Never the keys themselves.

Options:
${DATA_DIR_HELP}
  --json             Print JSON

Example:
  npx pswb keys list
`,
  run: runList,
};

export const keysRevokeCommand: Command = {
  name: 'keys revoke',
  help: `Usage: pswb keys revoke <id> [--data-dir DIR | --district ID] [--database URL]

Revokes an API key at once: its next request is refused with 401, also by a pswb serve that is
running on this data directory or database. The key stays listed as revoked. Recorded in the
audit log (on PostgreSQL, the district's, in the same transaction).

Options:
${DATA_DIR_HELP}

Example:
  npx pswb keys revoke 3f9a1c0d2b7e
`,
  run: runRevoke,
};
