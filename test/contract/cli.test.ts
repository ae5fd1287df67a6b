import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockAgent } from 'undici';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Fixture } from '../../contract/fixtures.ts';
import { contractInteractions } from '../../contract/interactions.ts';
import { main, type ContractDeps, type SimulatorStarter } from '../../scripts/contract.ts';
import {
  MOCK_CREDENTIALS,
  MOCK_ORIGIN,
  fixtureAgent,
  shippedFixtures,
  withBody,
} from './fixture-server.ts';

const ENV = {
  PSWB_CLIENT_ID: MOCK_CREDENTIALS.clientId,
  PSWB_CLIENT_SECRET: MOCK_CREDENTIALS.clientSecret,
};

let fixtures: Map<string, Fixture>;
beforeAll(async () => {
  fixtures = await shippedFixtures();
});

async function run(
  argv: string[],
  deps: Partial<ContractDeps> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    argv,
    { stdout: (text) => out.push(text), stderr: (text) => err.push(text) },
    { env: {}, savedConnection: async () => undefined, ...deps },
  );
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('npm run contract refuses a bad call before sending anything', () => {
  const refusals: { case: string; argv: string[]; message: string; env?: typeof ENV }[] = [
    {
      case: 'a URL with a trailing slash',
      argv: ['--target', 'https://d.example/'],
      message: 'trailing slash',
    },
    {
      case: 'a URL with a path',
      argv: ['--target', 'https://d.example/admin'],
      message: 'has a path',
    },
    {
      case: 'plain http to another machine',
      argv: ['--target', 'http://d.example'],
      message: 'uses http',
    },
    { case: 'a target that is not a URL', argv: ['--target', 'district'], message: 'is not a URL' },
    {
      case: 'a URL target without credentials',
      argv: ['--target', 'https://d.example'],
      message:
        '--client-id (or PSWB_CLIENT_ID) and --client-secret (or PSWB_CLIENT_SECRET) must be given',
    },
    {
      case: '--allow-writes without a named test student',
      argv: ['--allow-writes', '--date', '2025-10-29'],
      message: 'needs a named test student: add --test-student-dcid, --test-school, --code-id',
    },
    {
      case: 'a write option without --allow-writes',
      argv: ['--test-school', '100'],
      message: '--test-school only apply with --allow-writes',
    },
    {
      case: '--ps-version with a server target',
      argv: ['--target', 'https://d.example', '--ps-version', '25.2.0.0'],
      env: ENV,
      message: '--ps-version only applies to --target sim',
    },
    { case: 'a date that does not exist', argv: ['--date', '2025-02-30'], message: 'YYYY-MM-DD' },
    {
      case: 'an unknown write mode',
      argv: [
        '--allow-writes',
        '--test-student-dcid',
        '1',
        '--test-school',
        '1',
        '--date',
        '2025-10-29',
        '--code-id',
        '1',
        '--write-mode',
        'time',
      ],
      message: '--write-mode must be daily or meeting',
    },
    { case: 'an unknown option', argv: ['--bogus'], message: 'Valid options: --target' },
  ];

  it.each(refusals)('exits 2 on $case', async ({ argv, message, env }) => {
    const result = await run(argv, { env: env ?? {} });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('npm run contract -- --help');
    expect(result.stdout).toBe('');
  });

  it('prints the full help with every option and its default', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    for (const option of [
      '--target',
      '--ps-version',
      '--date',
      '--record',
      '--timeout',
      '--allow-writes',
      '--test-student-dcid',
      '--test-school',
      '--code-id',
      '--write-mode',
    ]) {
      expect(result.stdout).toContain(option);
    }
    expect(result.stdout).toMatch(/default: sim/);
    expect(result.stdout).toMatch(/Examples:/);
  });
});

describe('npm run contract against a server', () => {
  it('exits 0 with a summary when every interaction passes, secrets unprinted', async () => {
    const agent = fixtureAgent(contractInteractions(), fixtures);
    const result = await run(['--target', MOCK_ORIGIN], { env: ENV, dispatcher: agent });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^contract: 16 passed, 0 failed$/m);
    expect(result.stderr).toContain(`checking ${MOCK_ORIGIN} (read-only)`);
    for (const secret of Object.values(MOCK_CREDENTIALS)) {
      expect(result.stdout + result.stderr).not.toContain(secret);
    }
  });

  it('exits 1 when an answer breaks the contract', async () => {
    const numeric = withBody(fixtures.get('access-token')!, (body) => (body.expires_in = 5));
    const answers = new Map(fixtures).set('access-token', numeric);
    const agent = fixtureAgent(contractInteractions(), answers);
    const result = await run(['--target', MOCK_ORIGIN], { env: ENV, dispatcher: agent });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('expires_in: expected string, got number');
    expect(result.stdout).toMatch(/contract: 15 passed, 1 failed/);
  });
});

describe('npm run contract for CI', () => {
  it('takes the credentials of the connection pswb connect saved for that URL', async () => {
    const agent = fixtureAgent(contractInteractions(), fixtures);
    const result = await run(['--target', MOCK_ORIGIN], {
      dispatcher: agent,
      savedConnection: async () => ({ url: MOCK_ORIGIN, ...MOCK_CREDENTIALS }),
    });
    expect(result.code).toBe(0);
  });

  it('does not use a saved connection made for another server', async () => {
    const result = await run(['--target', MOCK_ORIGIN], {
      savedConnection: async () => ({ url: 'https://other.example', ...MOCK_CREDENTIALS }),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('(the saved connection is for https://other.example)');
  });

  it('prints one JSON document with --json and writes JUnit XML with --junit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pswb-junit-'));
    const junit = join(dir, 'contract.xml');
    const agent = fixtureAgent(contractInteractions(), fixtures);
    const result = await run(['--target', MOCK_ORIGIN, '--json', '--junit', junit], {
      env: ENV,
      dispatcher: agent,
    });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      passed: number;
      failed: number;
      results: unknown[];
    };
    expect(report).toMatchObject({ passed: 16, failed: 0 });
    expect(report.results).toHaveLength(16);
    const xml = await readFile(junit, 'utf8');
    expect(xml).toMatch(/<testsuites name="pswb contract" tests="16" failures="0"/);
    expect(xml.match(/<testcase /g)).toHaveLength(16);
  });

  it('reports an unreachable target as one clear error (exit 4), not sixteen failures', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    const dir = await mkdtemp(join(tmpdir(), 'pswb-record-'));
    const result = await run(['--target', MOCK_ORIGIN, '--record', dir], {
      env: ENV,
      dispatcher: agent,
    });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(new RegExp(`contract: ${MOCK_ORIGIN} did not answer: `));
    expect(result.stderr).toMatch(/\n {2}Fix: Check the URL/);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toContain('fixtures written');
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('npm run contract --target sim', () => {
  it('starts the simulator on a free port with the demo seed and the chosen version, then stops it', async () => {
    const calls: unknown[] = [];
    let closed = false;
    const startSimulator: SimulatorStarter = async (options) => {
      calls.push(options);
      return {
        url: MOCK_ORIGIN,
        plugin: MOCK_CREDENTIALS,
        close: async () => void (closed = true),
      };
    };
    const agent = fixtureAgent(contractInteractions(), fixtures);
    const result = await run(['--ps-version', '24.11.0.0'], { startSimulator, dispatcher: agent });
    expect(calls).toEqual([
      expect.objectContaining({ port: 0, seed: 'demo', psVersion: '24.11.0.0', dataPath: null }),
    ]);
    expect(closed).toBe(true);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('the simulator (PowerSchool 24.11.0.0)');
  });
});
