/**
 * `pswb districts add|list|set`: the districts a PostgreSQL database holds (decision 084), the
 * service operator's verbs. A district's settings come from a data directory set up as for the
 * embedded service (pswb connect, schools set, codes import), and are stored with their secrets
 * sealed under the key of PSWB_SECRET_KEY, PSWB_SECRET_KEY_FILE or --data-dir's secret.key: give
 * every worker the same key. Wiring only.
 */
import {
  SecretKeyring,
  describeKeySource,
  openWorkspace,
  requireConnection,
  resolveDataDir,
  sealDistrictSettings,
  type ConnectorSettings,
} from '../../connector/index.ts';
import {
  PgDistricts,
  addDistrictAudited,
  auditedDistrict,
  redactDatabaseUrl,
  type DistrictState,
} from '../../connector/store/pg/index.ts';
import { UsageError, type CliIO, type Command } from '../cli/command.ts';
import { parseIntegerOption, parseOptions } from '../cli/parse-options.ts';
import { renderTextTable } from '../cli/text-table.ts';
import { cliActor, toCliError, toJson } from './connector-options.ts';
import {
  DATABASE_HELP,
  auditPgCliChange,
  databaseUrl,
  withDatabase,
  withDatabaseTransaction,
} from './db.ts';

const COMMON = {
  database: { type: 'string' },
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
} as const;
const ADD_OPTIONS = {
  ...COMMON,
  name: { type: 'string' },
  'from-data-dir': { type: 'string' },
  concurrency: { type: 'string' },
} as const;
const SET_OPTIONS = { ...ADD_OPTIONS, resume: { type: 'boolean' } } as const;

const KEY_HELP = `  --data-dir DIR       Whose secret.key seals the settings' secrets when neither PSWB_SECRET_KEY
                       nor PSWB_SECRET_KEY_FILE is set (default: $PSWB_DATA_DIR, else ./data)`;

/** The settings of a data directory, opened with its own key, with a saved connection. */
async function settingsOf(dataDir: string): Promise<ConnectorSettings> {
  const workspace = await openWorkspace({ dataDir }).catch((error: unknown) => {
    throw toCliError(error);
  });
  try {
    const settings = workspace.settings.get();
    requireConnection(settings);
    return structuredClone(settings);
  } finally {
    workspace.close();
  }
}

function concurrencyOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  return parseIntegerOption('concurrency', value, 4, { min: 1, max: 64 });
}

function districtIdArgument(positionals: string[], verb: string): string {
  const id = positionals[0];
  if (id === undefined) {
    throw new UsageError(`give the district's id: pswb districts ${verb} lincoln-usd ...`);
  }
  return id;
}

async function runAdd(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseOptions(argv, ADD_OPTIONS, { maxPositionals: 1 });
  const id = districtIdArgument(positionals, 'add');
  if (values['from-data-dir'] === undefined) {
    throw new UsageError(
      '--from-data-dir DIR is required: the data directory whose settings (PowerSchool connection, schools, reasons) the district starts with (set it up with pswb connect --data-dir DIR).',
    );
  }
  const url = databaseUrl(values.database);
  const settings = await settingsOf(resolveDataDir(values['from-data-dir']));
  const keyring = new SecretKeyring(resolveDataDir(values['data-dir']));
  const sealed = await sealDistrictSettings(settings, keyring);
  const concurrency = concurrencyOption(values.concurrency);
  const row = await withDatabaseTransaction(url, (client) =>
    addDistrictAudited(
      client,
      {
        id,
        name: values.name ?? settings.connection!.url,
        settings: sealed,
        ...(concurrency !== undefined ? { concurrency } : {}),
      },
      cliActor(),
      new Date(),
    ),
  );
  const database = redactDatabaseUrl(url);
  if (values.json) {
    io.stdout(toJson({ database, id: row.id, name: row.name, concurrency: row.concurrency }));
  } else {
    io.stdout(
      `Added district ${row.id} (${row.name}) to ${database}, writing to ${settings.connection!.url} with up to ${row.concurrency} requests at once per worker; its secrets are sealed with ${describeKeySource(keyring.source)}: every worker needs that key.`,
    );
  }
  return 0;
}

async function runSet(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseOptions(argv, SET_OPTIONS, { maxPositionals: 1 });
  const id = districtIdArgument(positionals, 'set');
  const concurrency = concurrencyOption(values.concurrency);
  if (
    values.name === undefined &&
    values['from-data-dir'] === undefined &&
    concurrency === undefined &&
    !values.resume
  ) {
    throw new UsageError(
      'nothing to change: give --name, --from-data-dir, --concurrency or --resume.',
    );
  }
  const url = databaseUrl(values.database);
  const settings =
    values['from-data-dir'] === undefined
      ? undefined
      : await sealDistrictSettings(
          await settingsOf(resolveDataDir(values['from-data-dir'])),
          new SecretKeyring(resolveDataDir(values['data-dir'])),
        );
  const row = await withDatabaseTransaction(url, async (client) => {
    const districts = new PgDistricts(client);
    const now = new Date().toISOString();
    const before = await districts.get(id);
    if (values.resume) {
      await districts.resume(id, now);
      await auditPgCliChange(client, id, {
        action: 'district.resume',
        target: id,
        before: before && {
          pausedUntil: before.pausedUntil,
          pauseReason: before.pauseReason,
          failureStreak: before.failureStreak,
        },
        after: { pausedUntil: null, pauseReason: null, failureStreak: 0 },
        at: now,
      });
    }
    const change = {
      ...(values.name !== undefined ? { name: values.name } : {}),
      ...(settings !== undefined ? { settings } : {}),
      ...(concurrency !== undefined ? { concurrency } : {}),
    };
    const after = await districts.update(id, change, now);
    if (Object.keys(change).length > 0) {
      await auditPgCliChange(client, id, {
        action: 'district.update',
        target: id,
        before: before && auditedDistrict(before),
        after: auditedDistrict(after),
        at: now,
      });
    }
    return after;
  });
  if (values.json) io.stdout(toJson({ id: row.id, name: row.name, concurrency: row.concurrency }));
  else {
    const changed = [
      values.name !== undefined ? `name ${row.name}` : '',
      settings !== undefined ? `settings from ${resolveDataDir(values['from-data-dir'])}` : '',
      concurrency !== undefined ? `concurrency ${row.concurrency}` : '',
      values.resume ? 'pause ended' : '',
    ].filter(Boolean);
    io.stdout(`District ${row.id}: ${changed.join(', ')}. Its workers pick this up at once.`);
  }
  return 0;
}

function describeState(state: DistrictState, now: number): string {
  if (state.pausedUntil && Date.parse(state.pausedUntil) > now) {
    const seconds = Math.ceil((Date.parse(state.pausedUntil) - now) / 1000);
    return `paused ${seconds} s more: ${state.pauseReason ?? ''}`;
  }
  if (state.failureStreak > 0) return `flowing (${state.failureStreak} unavailable in a row)`;
  return 'flowing';
}

async function runList(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, COMMON);
  const url = databaseUrl(values.database);
  const states = await withDatabase(url, (pool) => new PgDistricts(pool).states(), {
    checked: true,
  });
  if (values.json) {
    io.stdout(toJson({ database: redactDatabaseUrl(url), districts: states }));
    return 0;
  }
  if (states.length === 0) {
    io.stdout(
      `${redactDatabaseUrl(url)} holds no district yet: add one with pswb districts add ID --from-data-dir DIR.`,
    );
    return 0;
  }
  const now = Date.now();
  io.stdout(
    renderTextTable(
      ['DISTRICT', 'NAME', 'CONCURRENCY', 'PENDING', 'SENDING', 'STATE'],
      states.map((state) => [
        state.id,
        state.name,
        String(state.concurrency),
        String(state.pending),
        String(state.sending),
        describeState(state, now),
      ]),
    ),
  );
  return 0;
}

export const districtsAddCommand: Command = {
  name: 'districts add',
  help: `Usage: pswb districts add ID --from-data-dir DIR [--name NAME] [--concurrency N] [--database URL]

Adds a district to the PostgreSQL database, with the settings of a data directory set up as for
the embedded service (pswb connect, pswb schools set, pswb codes import, or the page): its
PowerSchool connection, schools, modes and reasons. The settings' secrets are stored sealed
(AES-256-GCM) with the key of PSWB_SECRET_KEY, else PSWB_SECRET_KEY_FILE, else --data-dir's
secret.key: every worker needs the same key. pswb worker picks the district up at once.
Recorded in the district's audit log (pswb_audit, action district.add) as made by
cli:<your OS user name>, in the same transaction (the settings' secrets redacted).

Arguments:
  ID                   The district's id: 1-63 lower-case letters, digits and dashes (e.g. lincoln-usd)

Options:
${DATABASE_HELP}
  --from-data-dir DIR  The data directory whose settings the district takes (required)
  --name NAME          A name to show (default: its PowerSchool URL)
  --concurrency N      Its requests in flight per worker (default 4, 1-64)
${KEY_HELP}
  --json               Print JSON

Example:
  PSWB_DATABASE_URL=postgres://pswb@db:5432/pswb pswb districts add lincoln-usd --from-data-dir /srv/lincoln
`,
  run: runAdd,
};

export const districtsSetCommand: Command = {
  name: 'districts set',
  help: `Usage: pswb districts set ID [--name NAME] [--from-data-dir DIR] [--concurrency N] [--resume]

Changes a district of the PostgreSQL database; its workers load it again at once. Recorded in
the district's audit log (pswb_audit: district.update with the district before and after,
district.resume for --resume) as made by cli:<your OS user name>, in the same transaction.

Options:
${DATABASE_HELP}
  --name NAME          A new name to show
  --from-data-dir DIR  Take the settings of this data directory again (after pswb connect, schools set...)
  --concurrency N      Its requests in flight per worker (1-64)
  --resume             End its pause now (its PowerSchool is known to be back)
${KEY_HELP}
  --json               Print JSON

Example:
  pswb districts set lincoln-usd --concurrency 8
`,
  run: runSet,
};

export const districtsListCommand: Command = {
  name: 'districts',
  help: `Usage: pswb districts [--database URL] [--json]

Lists the districts of the PostgreSQL database with their outbox (events waiting and being
written) and their state: flowing, or paused after a 429 or a run of unavailable answers from
their PowerSchool (until when, and why).

Options:
${DATABASE_HELP}
  --json               Print JSON

Example:
  PSWB_DATABASE_URL=postgres://pswb@db:5432/pswb pswb districts
`,
  run: runList,
};
