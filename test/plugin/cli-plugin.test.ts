import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIO } from '../../scripts/cli/command.ts';
import { pluginBuildCommand } from '../../scripts/commands/plugin-build.ts';
import { pluginInspectCommand } from '../../scripts/commands/plugin-inspect.ts';
import { main } from '../../scripts/pswb.ts';
import { PLUGIN_IDENTITY } from '../../plugin/contract.ts';
import { DEFAULT_PS_VERSION } from '../../plugin/ps-version.ts';
import { VERBS } from '../../scripts/commands/index.ts';
import { rawZip } from './zip-fixtures.ts';

/** The verbs under test; other parts' verbs stay out so their state cannot break these tests. */
const PLUGIN_COMMANDS = [pluginBuildCommand, pluginInspectCommand];
const PLUGIN_VERBS = VERBS.filter((verb) => verb.name.startsWith('plugin '));

/** Runs `pswb <argv>` in process, capturing both streams. */
async function pswb(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (text) => void (stdout += `${text}\n`),
    stderr: (text) => void (stderr += `${text}\n`),
  };
  const code = await main(argv, io, PLUGIN_VERBS);
  return { code, stdout, stderr };
}

let folder = '';
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'pswb-cli-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

const BUNDLE_25 = 'navigate360-attendance-access-1.0.0-ps25.2.0.0.zip';

describe('pswb plugin build', () => {
  it('has a --help example whose checksum check passes exactly as printed', async () => {
    const help = pluginBuildCommand.help.split('\n');
    const build = help.find((line) => line.trim().startsWith('pswb plugin build --'))!.trim();
    const check = help.find((line) => line.includes('sha256sum -c'))!.trim();
    const argv = build.split(/\s+/).slice(1);
    const out = argv.indexOf('--out');
    argv[out + 1] = join(folder, argv[out + 1]!);
    expect((await pswb(...argv)).code).toBe(0);
    const { stdout } = await promisify(exec)(check, { cwd: folder });
    expect(stdout).toMatch(/: OK$/m);
  });

  it('writes the bundle and its checksum, printing path, sha256 and the v1 access choice', async () => {
    const out = join(folder, 'dist');
    const { code, stdout } = await pswb(
      'plugin',
      'build',
      '--ps-version',
      '25.2.0.0',
      '--out',
      out,
    );
    expect(code).toBe(0);
    const checksum = await readFile(join(out, `${BUNDLE_25}.sha256`), 'utf8');
    const sha256 = checksum.split(' ')[0]!;
    expect(stdout).toContain(`Built ${join(out, BUNDLE_25)}`);
    expect(stdout).toContain(`sha256 ${sha256}`);
    expect(stdout).toContain('accessLevelV1Api=FULL (PowerSchool 25.2.0.0+)');
  });

  it('says it left accessLevelV1Api out for PowerSchool 24.11', async () => {
    const { code, stdout } = await pswb(
      'plugin',
      'build',
      '--ps-version',
      '24.11.0.0',
      '--out',
      folder,
    );
    expect(code).toBe(0);
    expect(stdout).toContain('accessLevelV1Api left out (PowerSchool before 25.2.0.0 rejects it)');
  });

  it('exits 1 listing every violation and writes nothing', async () => {
    const out = join(folder, 'never');
    const email = `${'e'.repeat(40)}@x.org`;
    const { code, stderr } = await pswb(
      'plugin',
      'build',
      '--version',
      'v'.repeat(21),
      '--contact-email',
      email,
      '--out',
      out,
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/The plugin would be refused: 2 refusals, 0 warnings, 0 notes\./);
    expect(stderr).toMatch(
      /\n {2}refusal {2}plugin\.attributes {2}plugin@version: .*\n {2}refusal {2}publisher\.contact {2}publisher\/contact@email: /,
    );
    expect(stderr).toContain('Nothing was written.');
    await expect(readFile(join(out, BUNDLE_25))).rejects.toThrow();
  });

  it('exits 2 naming the valid form for a bad --ps-version', async () => {
    const { code, stderr } = await pswb('plugin', 'build', '--ps-version', 'latest');
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /--ps-version: "latest" is not a PowerSchool version: use 1 to 4 dot-separated whole numbers/,
    );
  });
});

describe('pswb plugin inspect', () => {
  it('summarises a good bundle: name, version, OAuth, v1 access, fields by table, queries', async () => {
    await pswb('plugin', 'build', '--ps-version', '25.2.0.0', '--out', folder);
    const { code, stdout } = await pswb(
      'plugin',
      'inspect',
      join(folder, BUNDLE_25),
      '--ps-version',
      '25.2.0.0',
    );
    expect(code).toBe(0);
    for (const expected of [
      'Plugin       Navigate360 Attendance Access, version 1.0.0',
      'OAuth        yes',
      'v1 access    FULL',
      '  ATTENDANCE (FullAccess)',
      '  STUDENTS (ViewOnly)',
      'Queries      4',
      '  com.navigate360.attendance.student.students_by_dcid',
    ]) {
      expect(stdout).toContain(expected);
    }
  });

  it('passes our own built bundle with --strict: no refusal, warning or note', async () => {
    await pswb('plugin', 'build', '--ps-version', '25.2.0.0', '--out', folder);
    const { code, stdout } = await pswb('plugin', 'inspect', join(folder, BUNDLE_25), '--strict');
    expect(code).toBe(0);
    expect(stdout).toContain('installable (0 refusals, 0 warnings, 0 notes)');
    expect(stdout).not.toContain('Findings:');
  });

  it('prints the read bundle as JSON with --json', async () => {
    await pswb('plugin', 'build', '--out', folder, '--ps-version', '25.2.0.0');
    const { code, stdout } = await pswb('plugin', 'inspect', '--json', join(folder, BUNDLE_25));
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout) as {
      kind: string;
      entries: string[];
      definition: { name: string; queries: unknown[] };
    };
    expect(parsed.kind).toBe('zip');
    expect(parsed.definition.name).toBe('Navigate360 Attendance Access');
    expect(parsed.definition.queries).toHaveLength(4);
  });

  it('exits 1 listing every refusal of a bad bundle (as JSON too with --json)', async () => {
    const path = join(folder, 'bad.zip');
    await writeFile(
      path,
      rawZip([
        { name: 'bundle/plugin.xml', data: '<plugin/>' },
        { name: '../evil', data: 'x' },
      ]),
    );
    const human = await pswb('plugin', 'inspect', path);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain(
      'refusal  archive.entry-path  archive: ../evil: escapes the archive',
    );
    expect(human.stdout).toContain('plugin.xml is inside the folder "bundle/"');
    expect(human.stderr).toMatch(/PowerSchool would refuse this bundle \(2 refusals/);
    const json = await pswb('plugin', 'inspect', path, '--json');
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.stdout) as {
      passed: boolean;
      findings: Array<Record<string, string>>;
    };
    expect(parsed.passed).toBe(false);
    expect(parsed.findings).toHaveLength(2);
    expect(Object.keys(parsed.findings[0]!).sort()).toEqual([
      'level',
      'message',
      'rule',
      'source',
      'where',
    ]);
    expect(parsed.findings[0]).toMatchObject({ level: 'refusal', rule: 'archive.entry-path' });
    expect(parsed.findings[0]!.source).toMatch(/pswb's own archive safety/);
  });

  it('exits 0 for a bundle with warnings and notes, 1 with --strict on warnings, never on notes', async () => {
    const withWarning = join(folder, 'district.zip');
    const plugin =
      '<plugin xmlns="http://plugin.powerschool.pearson.com" name="District Export"><publisher name="IT"><contact email="it@d.example"/></publisher><oauth/></plugin>';
    await writeFile(withWarning, rawZip([{ name: 'plugin.xml', data: plugin }]));
    const lenient = await pswb('plugin', 'inspect', withWarning);
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toContain(
      'warning  plugin.element-order  publisher: <publisher> comes before <oauth>',
    );
    expect(lenient.stdout).toContain('note     oauth.v1-level-default');
    expect(lenient.stdout).toMatch(/installable \(0 refusals, 1 warning, 1 note\)/);
    const strict = await pswb('plugin', 'inspect', withWarning, '--strict');
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/fails --strict/);
    const onlyNote = join(folder, 'note.zip');
    await writeFile(
      onlyNote,
      rawZip([
        {
          name: 'plugin.xml',
          data: plugin.replace('<oauth/>', '').replace('<publisher', '<oauth/><publisher'),
        },
      ]),
    );
    expect((await pswb('plugin', 'inspect', onlyNote, '--strict')).code).toBe(0);
  });

  it('refuses a missing file plainly', async () => {
    const { code, stderr } = await pswb('plugin', 'inspect', join(folder, 'nope.zip'));
    expect(code).toBe(1);
    expect(stderr).toMatch(/no such file/);
  });

  it('asks for the file when none is given', async () => {
    const { code, stderr } = await pswb('plugin', 'inspect');
    expect(code).toBe(2);
    expect(stderr).toMatch(/name the bundle to inspect/);
  });
});

describe('help', () => {
  it('lists both plugin verbs in pswb --help', async () => {
    const loaded = await Promise.all(PLUGIN_VERBS.map((verb) => verb.load()));
    expect(loaded).toEqual(PLUGIN_COMMANDS);
    const { code, stdout } = await pswb('--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/plugin build\s+Build the Attendance Access plugin bundle/);
    expect(stdout).toMatch(/plugin inspect\s+Check any plugin bundle/);
  });

  it.each([
    {
      command: pluginBuildCommand,
      options: ['--ps-version', '--version', '--out', '--contact-email', '--help'],
      defaults: [
        `default ${DEFAULT_PS_VERSION}`,
        `default ${PLUGIN_IDENTITY.version}`,
        'default dist',
        `default ${PLUGIN_IDENTITY.publisher.contact.email}`,
      ],
    },
    {
      command: pluginInspectCommand,
      options: ['--strict', '--json', '--ps-version', '--help'],
      defaults: ['default: a readable', 'default: no version-specific rules'],
    },
  ])(
    'gives $command.name a full --help: usage, every option with its default, an example',
    async ({ command, options, defaults }) => {
      const { code, stdout } = await pswb(...command.name.split(' '), '--help');
      expect(code).toBe(0);
      expect(stdout.startsWith(`Usage: pswb ${command.name}`)).toBe(true);
      for (const text of [...options, ...defaults, 'Example:']) expect(stdout).toContain(text);
    },
  );
});
