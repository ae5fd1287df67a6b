import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PageClient } from '../service/web-support.ts';
import { main } from '../../scripts/pswb.ts';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pswb-demo-'));
  dirs.push(dir);
  return dir;
}

/** The log rows of the demo output: `<Type> <Student Name> ... <Status>`. */
function statusOf(output: string, studentName: string, type: string): string | undefined {
  const row = output
    .split('\n')
    .find((line) => line.startsWith(type) && line.includes(studentName));
  return row
    ?.trim()
    .split(/\s{2,}/)
    .at(-1);
}

describe('pswb demo (npm start)', () => {
  it('writes back one event per mode and shows the two documented failures with their fixes', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['demo', '--port', '0', '--once', '--data-dir', await tempDir()], {
      stdout: (text) => out.push(text),
      stderr: (text) => err.push(text),
    });
    const output = out.join('\n');
    expect(code).toBe(0);
    expect(statusOf(output, 'Ava Thompson', 'Late Check-in')).toBe('Successful');
    expect(statusOf(output, 'Liam Carter', 'Late Check-in')).toBe('Successful');
    expect(statusOf(output, 'Sofia Ramirez', 'Late Check-in')).toBe('Successful');
    expect(statusOf(output, 'Sofia Ramirez', 'Early Check-out')).toBe('Successful');
    expect(statusOf(output, 'Lucas Kim', 'Late Check-in')).toBe('Failed');
    expect(statusOf(output, 'Noah Bennett', 'Early Check-out')).toBe('Failed');
    expect(output).toContain("Error: Could not find student's period.");
    expect(output).toContain(
      "Record Not Saved. : The student Noah Bennett isn't enrolled on 10/14/2026.",
    );
    expect(output).toContain('How to resolve:');
    expect(output).not.toMatch(/clientSecret|client_secret/i);
  });

  it('keeps the simulator and pswb serve running until SIGINT, then exits 0', async () => {
    const child = spawn(
      process.execPath,
      ['bin/pswb.mjs', 'demo', '--port', '0', '--data-dir', await tempDir()],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    const ready = new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const url = /keeps running at (http:\/\/[\d.]+:\d+)/.exec(stdout)?.[1];
        if (url && stdout.includes('Press Ctrl-C')) resolve(url);
      });
      child.once('exit', (code) => reject(new Error(`demo exited early (${code}): ${stdout}`)));
    });
    const url = await ready;
    const metadata = await fetch(`${url}/ws/v1/metadata`);
    expect(metadata.status).toBe(200);
    // The service it started, with the key it printed: the demo day went in through its API.
    const service = /and the service at (http:\/\/[\d.]+:\d+)/.exec(stdout)![1]!;
    const key = /Demo API key: +(pswb_\S+)/.exec(stdout)![1]!;
    const events = await fetch(`${service}/api/v1/events`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(events.status).toBe(200);
    const page = (await events.json()) as { total: number; events: { status: string }[] };
    expect(page.total).toBe(6);
    expect(page.events.filter((event) => event.status === 'successful')).toHaveLength(4);
    expect((await fetch(`${service}/healthz`)).status).toBe(200);
    // The page's URL and both demo sign-ins: each signs in, the building admin sees school 101 only.
    expect(stdout).toContain(`PowerSchool Setup page: ${service}/admin`);
    const signIns = [...stdout.matchAll(/(\S+@demo\.example\.org) +password (\S+)/g)];
    expect(signIns).toHaveLength(2);
    for (const [, email, password] of signIns) {
      const client = new PageClient(service);
      expect((await client.signIn(email!, password!)).status).toBe(303);
      const logs = await client.get('/admin/logs');
      expect(logs.status).toBe(200);
      const rows = [...logs.html.matchAll(/<tr data-id="([^"]+)"/g)].length;
      expect(rows).toBe(email!.startsWith('building') ? 2 : 6);
    }
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  }, 60_000);
});
