/**
 * `pswb users add|list|remove|reset-password`: the admin page's users (connector/store/users.ts),
 * each change written to the audit log as made by `cli:<OS user>`. Works before `pswb connect`:
 * the users live in the data directory's log, not in PowerSchool. With --district ID (and
 * --database URL or $PSWB_DATABASE_URL), a district's users in PostgreSQL instead; with --role
 * operator / --operator, the service's operators there (store/pg/accounts.ts), each change and
 * its pswb_audit entry in one transaction. Wiring only.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { ConnectorError, type UserRecord } from '../../connector/index.ts';
import {
  PG_USER_ROLES,
  PgUsers,
  checkDistrictId,
  type PgUserRecord,
  type PgUserRole,
} from '../../connector/store/pg/index.ts';
import { UsageError, readProcessStdin, type CliIO, type Command } from '../cli/command.ts';
import { parseOptions } from '../cli/parse-options.ts';
import { renderTextTable } from '../cli/text-table.ts';
import {
  choiceOption,
  auditCliChange,
  numberListOption,
  toCliError,
  toJson,
  withWorkspace,
} from './connector-options.ts';
import { auditPgCliChange, databaseUrl, withDatabaseTransaction } from './db.ts';

const DATA_DIR_HELP = `  --data-dir DIR     Where settings, the log and the users live (default: $PSWB_DATA_DIR, else ./data)
  --district ID      A district of a PostgreSQL database instead (pswb districts), with
                     --database URL or $PSWB_DATABASE_URL
  --database URL     The PostgreSQL database of --district or of the operators (default:
                     $PSWB_DATABASE_URL); shown only with its password redacted`;

/** The roles as the flag spells them (district_admin and District-Admin are taken too). */
const ROLE_CHOICES = [...PG_USER_ROLES.filter((role) => role !== 'operator'), 'operator'].map(
  (role) => role.replace(/_/g, '-'),
);

function roleOption(value: string | undefined): PgUserRole {
  if (value === undefined) {
    throw new UsageError(
      `--role is required: ${ROLE_CHOICES.filter((role) => role !== 'operator').join(', ')}; or operator (of a PostgreSQL database's service, without --district).`,
    );
  }
  const choice = choiceOption('role', value.trim().replace(/_/g, '-'), ROLE_CHOICES);
  return choice.replace(/-/g, '_') as PgUserRole;
}

/** A user of either engine: a data directory's, or a PostgreSQL district's or operator. */
type AnyUser = UserRecord | PgUserRecord;

/** "district admin", "building admin of school(s) 101, 102", "support", "operator". */
function roleText(user: AnyUser): string {
  const where = 'district' in user && user.district !== null ? ` of district ${user.district}` : '';
  if (user.role === 'building_admin') {
    return `building admin of school(s) ${user.schools.join(', ')}${where}`;
  }
  if (user.role === 'operator') return 'operator of the service (every district)';
  return `${user.role === 'district_admin' ? 'district admin' : 'support'}${where}`;
}

function describeUser(user: AnyUser): string {
  const name = user.name === user.email ? '' : ` ("${user.name}")`;
  return `user ${user.id} ${user.email}${name}, ${roleText(user)}`;
}

/**
 * Where a verb's users are: the data directory's log, a district of a PostgreSQL database, or
 * the database's operators.
 */
type Accounts =
  | { kind: 'data-dir' }
  | { kind: 'district'; district: string; url: string }
  | { kind: 'operators'; url: string };

/** The flags that put a PostgreSQL database's users in place of a data directory's. */
const PG_OPTIONS = { district: { type: 'string' }, database: { type: 'string' } } as const;

/**
 * The accounts the flags name; usage errors for a mix that names none or two: --district with
 * an operator, --data-dir with the database, an operator without a database, or a database
 * given without saying whose users.
 */
function accountsOf(
  values: { district?: string; database?: string; 'data-dir'?: string },
  operator: boolean,
  flag: string,
): Accounts {
  if (operator && values.district !== undefined) {
    throw new UsageError(
      `${flag} is an operator of the whole service, who belongs to no district: leave out --district (give only --database URL or $PSWB_DATABASE_URL).`,
    );
  }
  const pg = operator || values.district !== undefined;
  if (pg && values['data-dir'] !== undefined) {
    throw new UsageError(
      `--data-dir is a data directory's users; ${operator ? flag : '--district'} is a PostgreSQL database's: give one or the other.`,
    );
  }
  if (operator) {
    if (values.database === undefined && !process.env.PSWB_DATABASE_URL?.trim()) {
      throw new UsageError(
        `${flag} names an operator of a PostgreSQL database's service: give --database postgres://user:password@host:5432/database, or set PSWB_DATABASE_URL.`,
      );
    }
    return { kind: 'operators', url: databaseUrl(values.database) };
  }
  if (values.district !== undefined) {
    return {
      kind: 'district',
      district: checkDistrictId(values.district),
      url: databaseUrl(values.database),
    };
  }
  if (values.database !== undefined) {
    throw new UsageError(
      `--database holds the users of many districts: give --district ID for a district's (pswb districts lists them), or ${flag === '--role operator' ? '--role operator' : '--operator'} for the service's operators.`,
    );
  }
  return { kind: 'data-dir' };
}

/** Runs a change on the database's users in one transaction with its audit entries. */
async function withPgUsers<T>(
  accounts: Exclude<Accounts, { kind: 'data-dir' }>,
  work: (users: PgUsers, client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  return withDatabaseTransaction(accounts.url, (client) => work(new PgUsers(client), client)).catch(
    (error: unknown) => {
      throw toCliError(error);
    },
  );
}

/** How the list verbs name these accounts: "pswb users list --district d1". */
function listCommand(accounts: Accounts): string {
  if (accounts.kind === 'district') return `pswb users list --district ${accounts.district}`;
  return accounts.kind === 'operators' ? 'pswb users list --operator' : 'pswb users list';
}

/**
 * The password to set: read from stdin (its trailing newline dropped) with --password-stdin,
 * else a new random one of 24 characters, to be shown once.
 */
async function passwordInput(
  fromStdin: boolean | undefined,
  io: CliIO,
): Promise<{ password: string; generated: boolean }> {
  if (!fromStdin) return { password: randomBytes(18).toString('base64url'), generated: true };
  const text = (await (io.stdin ?? readProcessStdin)()).replace(/[\r\n]+$/, '');
  if (text === '') {
    throw new UsageError(
      `--password-stdin read no password: pipe it in, e.g. printf '%s\\n' "$NEW_PASSWORD" | pswb users add ...`,
    );
  }
  return { password: text, generated: false };
}

/** The failure for an email or id that names no user (of the district, or no operator). */
function userNotFound(
  emailOrId: string,
  accounts: Accounts = { kind: 'data-dir' },
): ConnectorError {
  const whose =
    accounts.kind === 'district'
      ? ` in district ${accounts.district}`
      : accounts.kind === 'operators'
        ? ' among the operators'
        : '';
  return new ConnectorError(
    'user_not_found',
    `No user with the email or id "${emailOrId}"${whose}. ${listCommand(accounts)} shows them.`,
  );
}

const SHOWN_ONCE =
  'This is the only time the password is shown: give it to them now (pswb keeps only its hash).';

const ADD_OPTIONS = {
  email: { type: 'string' },
  role: { type: 'string' },
  school: { type: 'string', multiple: true },
  name: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  ...PG_OPTIONS,
} as const;

async function runAdd(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, ADD_OPTIONS);
  if (!values.email?.trim()) {
    throw new UsageError(
      '--email is required: the address the user signs in with, e.g. --email pat.lee@district.org.',
    );
  }
  const role = roleOption(values.role);
  const schools = ((values.school as unknown as string[] | undefined) ?? []).flatMap((value) =>
    numberListOption('school', value),
  );
  if (role === 'building_admin' && schools.length === 0) {
    throw new UsageError(
      '--role building-admin needs --school with the school number(s) the user is assigned, e.g. --school 101 --school 102.',
    );
  }
  if (role !== 'building_admin' && schools.length > 0) {
    throw new UsageError(
      `--school assigns schools to a building admin only; leave it out for --role ${values.role}.`,
    );
  }
  const accounts = accountsOf(values, role === 'operator', '--role operator');
  const { password, generated } = await passwordInput(values['password-stdin'], io);
  const shown = (user: AnyUser): number => {
    if (values.json) {
      io.stdout(toJson({ user, ...(generated ? { password } : {}) }));
    } else if (generated) {
      io.stdout(password);
      io.stderr(
        `Added ${describeUser(user)}, with the password above. ${SHOWN_ONCE} ${resetCommand(accounts, user.email)} makes a new one.`,
      );
    } else {
      io.stdout(`Added ${describeUser(user)}.`);
    }
    return 0;
  };
  if (accounts.kind !== 'data-dir') {
    const now = new Date();
    const added = {
      email: values.email,
      password,
      ...(values.name !== undefined ? { name: values.name } : {}),
    };
    const user = await withPgUsers(accounts, async (users, client) => {
      const made =
        accounts.kind === 'operators'
          ? await users.addOperator(added, now)
          : await users.add(
              accounts.district,
              { ...added, role: role as UserRecord['role'], schools },
              now,
            );
      await auditPgCliChange(client, made.district, {
        action: 'user.add',
        target: made.email,
        after: made,
        at: now,
      });
      return made;
    });
    return shown(user);
  }
  return withWorkspace(values['data-dir'], async (workspace) => {
    const store = workspace.store();
    const now = new Date();
    const user = await store.users.add(
      {
        email: values.email!,
        role: role as UserRecord['role'],
        schools,
        password,
        ...(values.name !== undefined ? { name: values.name } : {}),
      },
      now,
    );
    auditCliChange(store, {
      action: 'user.add',
      target: user.email,
      after: user,
      at: now,
    });
    return shown(user);
  });
}

/** The command that gives a user a new password, with the flags of these accounts. */
function resetCommand(accounts: Accounts, email: string): string {
  if (accounts.kind === 'district') {
    return `pswb users reset-password ${email} --district ${accounts.district}`;
  }
  return accounts.kind === 'operators'
    ? `pswb users reset-password ${email} --operator`
    : `pswb users reset-password ${email}`;
}

const OPERATOR_OPTION = { operator: { type: 'boolean' } } as const;

const LIST_OPTIONS = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  ...PG_OPTIONS,
  ...OPERATOR_OPTION,
} as const;

async function runList(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, LIST_OPTIONS);
  const accounts = accountsOf(values, values.operator === true, '--operator');
  if (accounts.kind !== 'data-dir') {
    const users = await withPgUsers(accounts, (store) =>
      accounts.kind === 'operators' ? store.listOperators() : store.list(accounts.district),
    );
    return printUsers(io, users, accounts, values.json === true);
  }
  return withWorkspace(values['data-dir'], async (workspace) =>
    printUsers(io, workspace.store().users.list(), accounts, values.json === true),
  );
}

function printUsers(io: CliIO, users: AnyUser[], accounts: Accounts, json: boolean): number {
  if (json) {
    io.stdout(toJson({ users }));
    return 0;
  }
  if (users.length === 0) {
    io.stdout(
      accounts.kind === 'district'
        ? `District ${accounts.district} has no users yet. Add the first with pswb users add --district ${accounts.district} --email <email> --role district-admin.`
        : accounts.kind === 'operators'
          ? 'No operators yet. Add the first with pswb users add --role operator --email <email>.'
          : 'No users yet. Add the first with pswb users add --email <email> --role district-admin.',
    );
    return 0;
  }
  const stamp = (iso: string | null): string => (iso ? iso.slice(0, 16).replace('T', ' ') : '-');
  const rows = users.map((user) => [
    user.id,
    user.email,
    user.name === user.email ? '' : user.name.slice(0, 32),
    user.role.replace(/_/g, '-'),
    user.schools.join(', ') || '-',
    stamp(user.createdAt),
    stamp(user.lastLoginAt),
  ]);
  io.stdout(
    renderTextTable(
      ['Id', 'Email', 'Name', 'Role', 'Schools', 'Created (UTC)', 'Last sign-in'],
      rows,
    ),
  );
  return 0;
}

const REMOVE_OPTIONS = {
  'data-dir': { type: 'string' },
  ...PG_OPTIONS,
  ...OPERATOR_OPTION,
} as const;

async function runRemove(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseOptions(argv, REMOVE_OPTIONS, { maxPositionals: 1 });
  const emailOrId = positionals[0];
  if (!emailOrId) {
    throw new UsageError(
      'give the email or id of the user to remove (pswb users list shows them).',
    );
  }
  const accounts = accountsOf(values, values.operator === true, '--operator');
  const said = (removed: AnyUser): number => {
    io.stdout(
      `Removed ${describeUser(removed)}: their sessions are ended, also in a running pswb serve.`,
    );
    return 0;
  };
  if (accounts.kind !== 'data-dir') {
    const removed = await withPgUsers(accounts, async (users, client) => {
      const gone =
        accounts.kind === 'operators'
          ? await users.removeOperator(emailOrId)
          : await users.remove(accounts.district, emailOrId);
      if (!gone) throw userNotFound(emailOrId, accounts);
      await auditPgCliChange(client, gone.district, {
        action: 'user.remove',
        target: gone.email,
        before: gone,
      });
      return gone;
    });
    return said(removed);
  }
  return withWorkspace(values['data-dir'], async (workspace) => {
    const store = workspace.store();
    const removed = store.users.remove(emailOrId);
    if (!removed) throw userNotFound(emailOrId);
    auditCliChange(store, {
      action: 'user.remove',
      target: removed.email,
      before: removed,
    });
    return said(removed);
  });
}

const RESET_OPTIONS = {
  'password-stdin': { type: 'boolean' },
  'data-dir': { type: 'string' },
  ...PG_OPTIONS,
  ...OPERATOR_OPTION,
} as const;

async function runResetPassword(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseOptions(argv, RESET_OPTIONS, { maxPositionals: 1 });
  const emailOrId = positionals[0];
  if (!emailOrId) {
    throw new UsageError(
      'give the email or id of the user whose password to reset (pswb users list shows them).',
    );
  }
  const accounts = accountsOf(values, values.operator === true, '--operator');
  const { password, generated } = await passwordInput(values['password-stdin'], io);
  const said = (after: AnyUser): number => {
    const done = `New password set for ${describeUser(after)}; their sessions are ended (they sign in again).`;
    if (generated) {
      io.stdout(password);
      io.stderr(`${done} ${SHOWN_ONCE}`);
    } else {
      io.stdout(done);
    }
    return 0;
  };
  if (accounts.kind !== 'data-dir') {
    const now = new Date();
    const after = await withPgUsers(accounts, async (users, client) => {
      const before =
        accounts.kind === 'operators'
          ? await users.findOperator(emailOrId)
          : await users.find(accounts.district, emailOrId);
      if (!before) throw userNotFound(emailOrId, accounts);
      const changed =
        accounts.kind === 'operators'
          ? await users.setOperatorPassword(before.id, password, now)
          : await users.setPassword(accounts.district, before.id, password, now);
      if (!changed) throw userNotFound(emailOrId, accounts);
      await auditPgCliChange(client, changed.district, {
        action: 'user.reset_password',
        target: before.email,
        before,
        after: changed,
        at: now,
      });
      return changed;
    });
    return said(after);
  }
  return withWorkspace(values['data-dir'], async (workspace) => {
    const store = workspace.store();
    const before = store.users.find(emailOrId);
    if (!before) throw userNotFound(emailOrId);
    const now = new Date();
    const after = await store.users.setPassword(before.id, password, now);
    if (!after) throw userNotFound(emailOrId);
    auditCliChange(store, {
      action: 'user.reset_password',
      target: before.email,
      before,
      after,
      at: now,
    });
    return said(after);
  });
}

const OPERATOR_HELP = `  --operator         The service's operators of the PostgreSQL database (no district) instead`;

const PASSWORD_HELP = `  --password-stdin   Read the password from stdin (its trailing newline dropped; 12 characters
                     or more) instead of making a random one of 24 characters, shown once`;

export const usersAddCommand: Command = {
  name: 'users add',
  help: `Usage: pswb users add --email EMAIL --role ROLE [--school N]... [--name TEXT]
                      [--password-stdin] [--data-dir DIR | --district ID] [--database URL]
                      [--json]

Adds a user of the admin page. Without --password-stdin, makes a random password and prints it
once, alone on stdout; pswb stores only its scrypt hash. Works before pswb connect. Recorded in
the audit log as made by cli:<your OS user name>.

On PostgreSQL (--district, or --role operator; the database from --database or
$PSWB_DATABASE_URL), the user belongs to that district, or is an operator of the whole service
(no district); an email is one account in the whole service, so an email a user of another
district has is refused. The user and its audit entry (pswb_audit) are written in one transaction.

Options:
  --email EMAIL      The address the user signs in with (required; any case)
  --role ROLE        district-admin (every school), building-admin (the schools given with
                     --school), support, or operator (PostgreSQL only, without --district: runs
                     the service and every district) (required; - or _, any case)
  --school N         A building admin's school number, repeatable (or 101,102); required for
                     building-admin, refused for the other roles
  --name TEXT        The name the page shows (default: the email)
${PASSWORD_HELP}
${DATA_DIR_HELP}
  --json             Print the user (and a generated password) as JSON

Examples:
  npx pswb users add --email pat.lee@district.org --role district-admin --name "Pat Lee"
  printf '%s\\n' "$PASSWORD" | npx pswb users add --email front.desk@district.org \\
    --role building-admin --school 101 --password-stdin
  PSWB_DATABASE_URL=postgres://pswb@db:5432/pswb npx pswb users add --district lincoln-usd \\
    --email pat.lee@lincoln.org --role district-admin
  PSWB_DATABASE_URL=postgres://pswb@db:5432/pswb npx pswb users add --role operator \\
    --email ops@vendor.example
`,
  run: runAdd,
};

export const usersListCommand: Command = {
  name: 'users list',
  help: `Usage: pswb users list [--data-dir DIR | --district ID | --operator] [--database URL] [--json]

Lists the admin page's users by email: id, name, role, schools, when added and last signed in.
Never a password or its hash. On PostgreSQL: one district's users (--district), or the service's
operators (--operator); never another district's.

Options:
${DATA_DIR_HELP}
${OPERATOR_HELP}
  --json             Print JSON

Examples:
  npx pswb users list
  npx pswb users list --district lincoln-usd --database postgres://pswb@db:5432/pswb
`,
  run: runList,
};

export const usersRemoveCommand: Command = {
  name: 'users remove',
  help: `Usage: pswb users remove <email|id> [--data-dir DIR | --district ID | --operator]
                         [--database URL]

Removes a user of the admin page and ends their sessions at once, also in a pswb serve that is
running on this data directory or database. Recorded in the audit log. A district's last
district admin is not removed. On PostgreSQL, only a user of --district (or an operator, with
--operator) is found: another district's email or id is "not found".

Options:
${DATA_DIR_HELP}
${OPERATOR_HELP}

Examples:
  npx pswb users remove pat.lee@district.org
  npx pswb users remove pat.lee@lincoln.org --district lincoln-usd
`,
  run: runRemove,
};

export const usersResetPasswordCommand: Command = {
  name: 'users reset-password',
  help: `Usage: pswb users reset-password <email|id> [--password-stdin]
                                 [--data-dir DIR | --district ID | --operator] [--database URL]

Gives a user a new password and ends their sessions. Without --password-stdin, makes a random
password and prints it once, alone on stdout. Recorded in the audit log (never the password).
On PostgreSQL, only a user of --district (or an operator, with --operator) is found.

Options:
${PASSWORD_HELP}
${DATA_DIR_HELP}
${OPERATOR_HELP}

Examples:
  npx pswb users reset-password pat.lee@district.org
  npx pswb users reset-password ops@vendor.example --operator
`,
  run: runResetPassword,
};
