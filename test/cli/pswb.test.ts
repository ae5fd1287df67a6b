import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  CONNECTOR_ERROR_CODES,
  ConnectorError,
  POWERSCHOOL_ERROR_CODES,
  PowerSchoolError,
} from '../../connector/index.ts';
import { SCHEMA_VERSION } from '../../connector/store/index.ts';
import { PLUGIN_ERROR_CODES, PluginError } from '../../plugin/plugin-error.ts';
import { VERBS } from '../../scripts/commands/index.ts';
import { UsageError } from '../../scripts/cli/command.ts';
import { SIMULATOR_ERROR_CODES, SimulatorError } from '../../simulator/simulator-error.ts';
import { loadedVerb } from '../../scripts/cli/verb.ts';
import { main } from '../../scripts/pswb.ts';

async function pswb(
  argv: string[],
  verbs = VERBS,
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(
    argv,
    { stdout: (text) => void (out += `${text}\n`), stderr: (text) => void (err += `${text}\n`) },
    verbs,
  );
  return { code, out, err };
}

/** A verb that fails with `error`, to see how the dispatcher prints each class and code. */
function failingVerbs(error: unknown) {
  return [
    loadedVerb(
      {
        name: 'fail',
        help: 'Usage: pswb fail',
        run: async () => {
          throw error;
        },
      },
      'fails on purpose',
    ),
  ];
}

const STACK_LINE = /\n\s+at /;

describe('pswb help and version', () => {
  it.each(VERBS.map((verb) => verb.name))('pswb %s --help prints its usage', async (name) => {
    const { code, out } = await pswb([...name.split(' '), '--help']);
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: (pswb|npm run contract)/);
  });

  it.each([
    'plugin',
    'sim',
    'codes',
    'writeback',
    'schools',
    'repro',
    'keys',
    'users',
    'db',
    'secrets',
  ])('pswb %s --help lists the group and pswb help <verb> shows a verb', async (group) => {
    const { code, out } = await pswb([group, '--help']);
    expect(code).toBe(0);
    const members = VERBS.filter((verb) => verb.name.startsWith(`${group} `));
    for (const member of members) expect(out).toContain(member.name);
  });

  it('pswb help writeback send is the verb help', async () => {
    const { code, out } = await pswb(['help', 'writeback', 'send']);
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: pswb writeback send/);
  });

  it('pswb --version prints the package version', async () => {
    const { code, out } = await pswb(['--version']);
    expect(code).toBe(0);
    expect(out).toMatch(/^pswb \d+\.\d+\.\d+/);
  });

  it('pswb alone prints the help to stderr and exits 2', async () => {
    const { code, err } = await pswb([]);
    expect(code).toBe(2);
    expect(err).toContain('Verbs:');
  });
});

describe('typos', () => {
  const typos = VERBS.map((verb) => {
    const words = verb.name.split(' ');
    const last = words.at(-1)!;
    // Drop the second letter of the last word: "inspect" -> "ispect", "set" -> "st".
    const typo = `${last[0]}${last.slice(2)}`;
    return { verb: verb.name, argv: [...words.slice(0, -1), typo] };
  });

  it.each(typos)('"$argv" suggests pswb $verb', async ({ verb, argv }) => {
    const { code, err } = await pswb(argv);
    expect(code).toBe(2);
    expect(err).toContain(`Did you mean "pswb ${verb}"?`);
  });

  it('suggests the nearest flag for a mistyped one', async () => {
    const { code, err } = await pswb(['writeback', 'logs', '--shcool', '101']);
    expect(code).toBe(2);
    expect(err).toContain('Did you mean "--school"?');
  });

  it('takes enum values in any case and suggests the nearest valid one', async () => {
    const { code, err } = await pswb(['writeback', 'logs', '--status', 'faild']);
    expect(code).toBe(2);
    expect(err).toContain('Did you mean "failed"?');
  });
});

describe('every failure code through the CLI: one line, the fix, the exit code of its class', () => {
  const cases = [
    ...CONNECTOR_ERROR_CODES.filter(
      (code) => !(POWERSCHOOL_ERROR_CODES as readonly string[]).includes(code),
    ).map((code) => ({
      code,
      error: new ConnectorError(code, `it went wrong (${code})`),
      exit: 3,
    })),
    ...POWERSCHOOL_ERROR_CODES.map((code) => ({
      code,
      error: new PowerSchoolError({
        code,
        method: 'GET',
        url: 'https://ps.example/ws/x',
        detail: code,
      }),
      exit: 4,
    })),
    ...PLUGIN_ERROR_CODES.map((code) => ({
      code,
      error: new PluginError(code, `bundle trouble (${code})`),
      exit: 5,
    })),
    ...SIMULATOR_ERROR_CODES.map((code) => ({
      code,
      error: new SimulatorError(code, `simulator trouble (${code})`),
      exit: 6,
    })),
  ];

  it.each(cases)(
    '$code exits $exit with its message and fix, no stack trace',
    async ({ code, error, exit }) => {
      const result = await pswb(['fail'], failingVerbs(error));
      expect(result.code).toBe(exit);
      const [line, fix, ...rest] = result.err.trimEnd().split('\n');
      expect(line).toBe(`pswb fail: ${error.message} [${code}]`);
      expect(fix).toBe(`  Fix: ${(error as { fix: string }).fix}`);
      expect(rest).toEqual([]);
      expect(result.err).not.toMatch(STACK_LINE);
    },
  );

  it('prints a usage error with the help hint, exit 2', async () => {
    const result = await pswb(['fail'], failingVerbs(new UsageError('--x is wrong')));
    expect(result.code).toBe(2);
    expect(result.err).toBe('pswb fail: --x is wrong\nRun pswb fail --help.\n');
  });

  it('prints an unexpected error as internal (exit 70), its stack only with --debug', async () => {
    const plain = await pswb(['fail'], failingVerbs(new TypeError('x is undefined')));
    expect(plain.code).toBe(70);
    expect(plain.err).toContain('pswb fail: unexpected error: x is undefined');
    expect(plain.err).toContain('Fix: run the command again with --debug');
    expect(plain.err).not.toMatch(STACK_LINE);
    const debug = await pswb(['fail', '--debug'], failingVerbs(new TypeError('x is undefined')));
    expect(debug.err).toMatch(STACK_LINE);
  });
});

describe('failures found by the real verbs', () => {
  it('a settings file that does not parse: settings_unreadable, exit 3, no contents shown', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pswb-cli-'));
    await writeFile(join(dir, 'connector-settings.json'), '{"connection":{"clientSecret":"s3cret"');
    const { code, err } = await pswb(['writeback', 'logs', '--data-dir', dir]);
    expect(code).toBe(3);
    expect(err).toContain('[settings_unreadable]');
    expect(err).not.toContain('s3cret');
    expect(err).not.toMatch(STACK_LINE);
  });

  it('a log from a newer pswb: store_newer, exit 3', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pswb-cli-'));
    await writeFile(
      join(dir, 'connector-settings.json'),
      JSON.stringify({
        version: 1,
        preventSchoolOverrides: false,
        schools: {},
        reasons: {},
        connection: {
          url: 'https://x.powerschool.com',
          clientId: 'a',
          clientSecret: 'b',
          visibleStudentId: 'sis_id',
          studentIdSource: 'dcid',
        },
      }),
    );
    const db = new Database(join(dir, 'connector.db'));
    db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    db.close();
    const { code, err } = await pswb(['writeback', 'logs', '--data-dir', dir]);
    expect(code).toBe(3);
    expect(err).toMatch(/written by a newer pswb .* \[store_newer\]\n {2}Fix: /);
  });

  it('no saved connection: not_connected, exit 3, with the command to run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pswb-cli-'));
    const { code, err } = await pswb(['writeback', 'logs', '--data-dir', dir]);
    expect(code).toBe(3);
    expect(err).toContain('[not_connected]');
    expect(err).toContain('Fix: Run pswb connect --url');
  });

  it('a data directory that is a file: data_dir_unusable, exit 3', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pswb-cli-'));
    await writeFile(join(dir, 'file'), 'x');
    const { code, err } = await pswb([
      'writeback',
      'logs',
      '--data-dir',
      join(dir, 'file', 'data'),
    ]);
    expect(code).toBe(3);
    expect(err).toContain('[data_dir_unusable]');
  });

  it('a seed file that is not a district: seed_invalid, exit 6, every bad value named', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pswb-cli-'));
    await writeFile(join(dir, 'seed.json'), JSON.stringify({ schools: 'none' }));
    const { code, err } = await pswb([
      'sim',
      'start',
      '--no-data',
      '--port',
      '0',
      '--seed',
      join(dir, 'seed.json'),
    ]);
    expect(code).toBe(6);
    expect(err).toMatch(/is not a valid district \(2 problems\):\n {2}district: .+\n {2}schools: /);
    expect(err).toContain('[seed_invalid]\n  Fix: Fix these values');
    expect(err).not.toMatch(STACK_LINE);
  });

  it('a simulator data file that is not JSON: state_file_unreadable, exit 6, file untouched', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pswb-cli-'));
    const data = join(dir, 'simulator.json');
    await writeFile(data, '{"format":"pswb-simulator-state"');
    const { code, err } = await pswb(['sim', 'start', '--data', data, '--port', '0']);
    expect(code).toBe(6);
    expect(err).toContain('is not a simulator state: it is not valid JSON');
    expect(err).toContain('[state_file_unreadable]\n  Fix: The data file was left untouched');
    expect(await readFile(data, 'utf8')).toBe('{"format":"pswb-simulator-state"');
  });

  it('an empty --file says it is empty', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pswb-cli-'));
    await writeFile(join(dir, 'events.json'), '  \n');
    const { code, err } = await pswb(['writeback', 'send', '--file', join(dir, 'events.json')]);
    expect(code).toBe(2);
    expect(err).toContain('events.json is empty: it holds no event.');
  });
});
