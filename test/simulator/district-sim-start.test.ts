import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../scripts/pswb.ts';
import { DEMO_FACTS as F } from '../../simulator/seeds/demo-facts.ts';
import { attendanceBody } from './district-harness.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pswb-sim-start-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `pswb` in process, capturing what it prints. */
async function runCli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (text) => void (stdout += `${text}\n`),
    stderr: (text) => void (stderr += `${text}\n`),
  });
  return { code, stdout, stderr };
}

describe('pswb sim start', () => {
  it('prints one JSON ready line with working credentials, applies --fault and --clock, and on SIGTERM writes the data file and exits 0', async () => {
    const data = join(dir, 'state', 'simulator.json');
    const child = spawn(
      process.execPath,
      [
        'bin/pswb.mjs',
        'sim',
        'start',
        '--port',
        '0',
        '--data',
        data,
        '--random-seed',
        '3',
        '--clock',
        '2026-10-14T13:47:00Z',
        '--fault',
        'POST /ws/attendance/*: 503,pass',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    const lines: string[] = [];
    const firstLine = new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        lines.push(line);
        if (lines.length === 1) resolve(line);
      });
      child.on('exit', () => reject(new Error('exited before the ready line')));
    });
    const ready = JSON.parse(await firstLine);
    expect(ready).toMatchObject({
      event: 'ready',
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      psVersion: '25.3.0',
      plugin: { name: 'Navigate360 Attendance Access' },
    });

    const basic = Buffer.from(`${ready.plugin.clientId}:${ready.plugin.clientSecret}`).toString(
      'base64',
    );
    const token = await fetch(`${ready.url}/oauth/access_token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
      },
      body: 'grant_type=client_credentials',
    });
    const { access_token } = (await token.json()) as { access_token: string };
    const record = {
      studentid: String(F.students.daily.id),
      att_date: F.dates.inSession,
      schoolid: '101',
      yearid: '36',
      att_mode_code: 'ATT_ModeDaily',
      attendance_codeid: String(F.codes[101].current.tardy),
    };
    const post = (): Promise<Response> =>
      fetch(`${ready.url}/ws/attendance/daily_time`, {
        method: 'POST',
        headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
        body: JSON.stringify(attendanceBody(record)),
      });
    expect((await post()).status).toBe(503);
    expect((await post()).status).toBe(200);
    const time = (await (await fetch(`${ready.url}/ws/v1/time`)).json()) as {
      time: { current_time: string };
    };
    expect(time.time.current_time).toBe('2026-10-14T13:47:00.000Z');

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(lines).toHaveLength(1);
    expect((await stat(data)).mode & 0o777).toBe(0o600);
    const state = JSON.parse(await readFile(data, 'utf8'));
    expect(state.district.attendance).toHaveLength(1);
    expect(state.registry.plugins[0].credentials.clientId).toBe(ready.plugin.clientId);
  });

  it('refuses a corrupt data file with exit 6 (a SimulatorError) and leaves it as it was', async () => {
    const data = join(dir, 'corrupt.json');
    await writeFile(data, 'not json');
    const { code, stdout, stderr } = await runCli(['sim', 'start', '--port', '0', '--data', data]);
    expect(code).toBe(6);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /is not a simulator state: it is not valid JSON.* \[state_file_unreadable\]/,
    );
    expect(await readFile(data, 'utf8')).toBe('not json');
  });

  it.each([
    { argv: ['--port', '70000'], message: /--port must be a whole number from 0 to 65535/ },
    { argv: ['--ps-version', 'latest'], message: /--ps-version/ },
    { argv: ['--clock', 'noon'], message: /--clock must be a real ISO-8601 instant/ },
    {
      argv: ['--clock', '2026-02-30T00:00:00Z'],
      message: /--clock must be a real ISO-8601 instant .* got "2026-02-30T00:00:00Z"/,
    },
    { argv: ['--clock', '2026-10-14T24:30:00Z'], message: /--clock must be a real/ },
    { argv: ['--ps-version', '8.2'], message: /older than PowerSchool 9\.0\.0/ },
    { argv: ['--fault', 'nonsense'], message: /--fault/ },
    { argv: ['--data', 'x.json', '--no-data'], message: /either --data FILE or --no-data/ },
  ])('refuses $argv with a usage error', async ({ argv, message }) => {
    const { code, stderr } = await runCli(['sim', 'start', ...argv]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('documents every option with its default in --help', async () => {
    const { code, stdout } = await runCli(['sim', 'start', '--help']);
    expect(code).toBe(0);
    for (const option of [
      '--port N',
      '--host HOST',
      '--data FILE',
      '--no-data',
      '--fresh',
      '--seed',
      '--students N',
      '--ps-version V',
      '--no-plugin',
      '--clock ISO',
      '--fault RULE',
      '--random-seed N',
    ]) {
      expect(stdout).toContain(option);
    }
    expect(stdout).toMatch(/Examples:/);
  });
});
