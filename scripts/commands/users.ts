/**
 * `pswb users add|list|remove|reset-password`: the admin page's users (connector/store/users.ts),
 * each change written to the audit log as made by `cli:<OS user>`. Works before `pswb connect`:
 * the users live in the data directory's log, not in PowerSchool. Wiring only.
 */
import { randomBytes } from 'node:crypto';
import {
  ConnectorError,
  USER_ROLES,
  type UserRecord,
  type UserRole,
} from '../../connector/index.ts';
import { UsageError, readProcessStdin, type CliIO, type Command } from '../cli/command.ts';
import { parseOptions } from '../cli/parse-options.ts';
import { renderTextTable } from '../cli/text-table.ts';
import {
  choiceOption,
  auditCliChange,
  numberListOption,
  toJson,
  withWorkspace,
} from './connector-options.ts';

const DATA_DIR_HELP = `  --data-dir DIR     Where settings, the log and the users live (default: $PSWB_DATA_DIR, else ./data)`;

/** The roles as the flag spells them (district_admin and District-Admin are taken too). */
const ROLE_CHOICES = USER_ROLES.map((role) => role.replace(/_/g, '-'));

function roleOption(value: string | undefined): UserRole {
  if (value === undefined) {
    throw new UsageError(`--role is required: ${ROLE_CHOICES.join(', ')}.`);
  }
  const choice = choiceOption('role', value.trim().replace(/_/g, '-'), ROLE_CHOICES);
  return choice.replace(/-/g, '_') as UserRole;
}

/** "district admin", "building admin of school(s) 101, 102", "support". */
function roleText(user: UserRecord): string {
  if (user.role === 'building_admin') {
    return `building admin of school(s) ${user.schools.join(', ')}`;
  }
  return user.role === 'district_admin' ? 'district admin' : 'support';
}

function describeUser(user: UserRecord): string {
  const name = user.name === user.email ? '' : ` ("${user.name}")`;
  return `user ${user.id} ${user.email}${name}, ${roleText(user)}`;
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

/** The failure for an email or id that names no user. */
function userNotFound(emailOrId: string): ConnectorError {
  return new ConnectorError(
    'user_not_found',
    `No user with the email or id "${emailOrId}". pswb users list shows them.`,
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
  const { password, generated } = await passwordInput(values['password-stdin'], io);
  return withWorkspace(values['data-dir'], async (workspace) => {
    const store = workspace.store();
    const now = new Date();
    const user = await store.users.add(
      {
        email: values.email!,
        role,
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
    if (values.json) {
      io.stdout(toJson({ user, ...(generated ? { password } : {}) }));
    } else if (generated) {
      io.stdout(password);
      io.stderr(
        `Added ${describeUser(user)}, with the password above. ${SHOWN_ONCE} pswb users reset-password ${user.email} makes a new one.`,
      );
    } else {
      io.stdout(`Added ${describeUser(user)}.`);
    }
    return 0;
  });
}

const LIST_OPTIONS = { 'data-dir': { type: 'string' }, json: { type: 'boolean' } } as const;

async function runList(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, LIST_OPTIONS);
  return withWorkspace(values['data-dir'], async (workspace) => {
    const users = workspace.store().users.list();
    if (values.json) {
      io.stdout(toJson({ users }));
      return 0;
    }
    if (users.length === 0) {
      io.stdout(
        'No users yet. Add the first with pswb users add --email <email> --role district-admin.',
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
  });
}

const REMOVE_OPTIONS = { 'data-dir': { type: 'string' } } as const;

async function runRemove(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseOptions(argv, REMOVE_OPTIONS, { maxPositionals: 1 });
  const emailOrId = positionals[0];
  if (!emailOrId) {
    throw new UsageError(
      'give the email or id of the user to remove (pswb users list shows them).',
    );
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
    io.stdout(
      `Removed ${describeUser(removed)}: their sessions are ended, also in a running pswb serve.`,
    );
    return 0;
  });
}

const RESET_OPTIONS = {
  'password-stdin': { type: 'boolean' },
  'data-dir': { type: 'string' },
} as const;

async function runResetPassword(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseOptions(argv, RESET_OPTIONS, { maxPositionals: 1 });
  const emailOrId = positionals[0];
  if (!emailOrId) {
    throw new UsageError(
      'give the email or id of the user whose password to reset (pswb users list shows them).',
    );
  }
  const { password, generated } = await passwordInput(values['password-stdin'], io);
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
    const done = `New password set for ${describeUser(after)}; their sessions are ended (they sign in again).`;
    if (generated) {
      io.stdout(password);
      io.stderr(`${done} ${SHOWN_ONCE}`);
    } else {
      io.stdout(done);
    }
    return 0;
  });
}

const PASSWORD_HELP = `  --password-stdin   Read the password from stdin (its trailing newline dropped; 12 characters
                     or more) instead of making a random one of 24 characters, shown once`;

export const usersAddCommand: Command = {
  name: 'users add',
  help: `Usage: pswb users add --email EMAIL --role ROLE [--school N]... [--name TEXT]
                      [--password-stdin] [--data-dir DIR] [--json]

Adds a user of the admin page. Without --password-stdin, makes a random password and prints it
once, alone on stdout; pswb stores only its scrypt hash. Works before pswb connect. Recorded in
the audit log as made by cli:<your OS user name>.

Options:
  --email EMAIL      The address the user signs in with (required; any case)
  --role ROLE        district-admin (every school), building-admin (the schools given with
                     --school) or support (required; - or _, any case)
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
`,
  run: runAdd,
};

export const usersListCommand: Command = {
  name: 'users list',
  help: `Usage: pswb users list [--data-dir DIR] [--json]

Lists the admin page's users by email: id, name, role, schools, when added and last signed in.
Never a password or its hash.

Options:
${DATA_DIR_HELP}
  --json             Print JSON

Example:
  npx pswb users list
`,
  run: runList,
};

export const usersRemoveCommand: Command = {
  name: 'users remove',
  help: `Usage: pswb users remove <email|id> [--data-dir DIR]

Removes a user of the admin page and ends their sessions at once, also in a pswb serve that is
running on this data directory. Recorded in the audit log.

Options:
${DATA_DIR_HELP}

Example:
  npx pswb users remove pat.lee@district.org
`,
  run: runRemove,
};

export const usersResetPasswordCommand: Command = {
  name: 'users reset-password',
  help: `Usage: pswb users reset-password <email|id> [--password-stdin] [--data-dir DIR]

Gives a user a new password and ends their sessions. Without --password-stdin, makes a random
password and prints it once, alone on stdout. Recorded in the audit log (never the password).

Options:
${PASSWORD_HELP}
${DATA_DIR_HELP}

Example:
  npx pswb users reset-password pat.lee@district.org
`,
  run: runResetPassword,
};
