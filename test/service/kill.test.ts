/**
 * `pswb serve` killed with SIGKILL while a client posts 1,000 events: after a restart, every event
 * that got a 202 is written exactly once, nothing is written that neither got a 202 nor was in
 * flight at the kill, and once the client re-posts what got no 202, all 1,000 are written once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SettingsStore, WritebackStore } from '../../connector/index.ts';
import type { RunningSimulator } from '../../simulator/server.ts';
import { connectDemo, startDemoSimulator } from '../connector/support/simulator.ts';
import { createKey } from './keys-support.ts';
import { studentDayEvents } from './support.ts';

const PSWB = fileURLToPath(new URL('../../bin/pswb.mjs', import.meta.url));

let sim: RunningSimulator;
let dataDir: string;
let key: string;

beforeAll(async () => {
  // 25.2.0.0 has no batch endpoint: one POST per event, so the worker is mid-stream at the kill.
  sim = await startDemoSimulator({ psVersion: '25.2.0.0' });
  dataDir = await mkdtemp(join(tmpdir(), 'pswb-serve-kill-'));
  const connector = await connectDemo(sim, {
    settings: await SettingsStore.openDataDir(dataDir),
    store: WritebackStore.openDataDir(dataDir),
  });
  connector.close();
  key = await createKey(dataDir, { name: 'kill test' });
  sim.platform.faults.add({
    method: 'POST',
    path: '/ws/attendance/*',
    action: { type: 'latency', ms: 30 },
  });
});
afterAll(async () => {
  await sim?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Starts `pswb serve` on a free port; resolves with the child and its URL. */
async function serve(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [PSWB, 'serve', '--port', '0', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve((JSON.parse(out.split('\n')[0]!) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`pswb serve exited early (${code})`)));
  });
  return { child, url };
}

/** POSTs an event, waiting out a 429 as a client should; 0 when no answer came. */
async function post(url: string, event: unknown): Promise<number> {
  for (;;) {
    let response: Response;
    try {
      response = await fetch(`${url}/api/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(event),
      });
    } catch {
      return 0; // no answer: the connection died with the service
    }
    await response.arrayBuffer();
    if (response.status !== 429) return response.status;
    await new Promise((resolve) =>
      setTimeout(resolve, Number(response.headers.get('retry-after')) * 1000),
    );
  }
}

async function settled(): Promise<void> {
  for (;;) {
    const store = WritebackStore.openDataDir(dataDir);
    const { pending, sending } = store.queue();
    store.close();
    if (pending === 0 && sending === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('pswb serve killed with SIGKILL mid-stream', () => {
  it('writes every event that got a 202 exactly once after a restart, and nothing else', async () => {
    const { events, keys } = studentDayEvents(sim, 1000, 'kill');
    const first = await serve();
    const status = new Map<string, number>();
    const inFlight = new Set<string>();
    let next = 0;
    let killed = false;
    // Four clients post one event at a time; the service is killed after 300 answers.
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < events.length && !killed) {
          const event = events[next++]!;
          inFlight.add(event.id);
          const code = await post(first.url, event);
          inFlight.delete(event.id);
          // After the kill, an event that was in flight keeps -1 unless its 202 came through.
          if (code === 202 || status.get(event.id) !== -1) status.set(event.id, code);
          if (!killed && status.size >= 300) {
            killed = true;
            // What is in flight now may or may not be committed: the client cannot know.
            for (const id of inFlight) status.set(id, -1);
            first.child.kill('SIGKILL');
          }
        }
      }),
    );
    if (first.child.exitCode === null && first.child.signalCode === null) {
      await new Promise((resolve) => first.child.once('exit', resolve));
    }
    const got202 = events.filter((event) => status.get(event.id) === 202);
    expect(got202.length).toBeGreaterThanOrEqual(250);
    // The kill landed mid-stream: accepted events were still waiting or being written.
    const afterKill = WritebackStore.openDataDir(dataDir);
    const left = afterKill.queue();
    afterKill.close();
    expect(left.pending + left.sending).toBeGreaterThan(0);

    const second = await serve();
    try {
      await settled();
      const written = (index: number) =>
        sim.district.attendanceOn(keys[index]!.studentId, keys[index]!.date).length;
      events.forEach((event, index) => {
        const answer = status.get(event.id);
        if (answer === 202) expect(written(index), event.id).toBe(1);
        // Neither acknowledged nor in flight at the kill: never written.
        else if (answer !== -1) expect(written(index), event.id).toBe(0);
      });

      // The client re-posts everything that got no 202: all 1,000 end written exactly once.
      for (const event of events.filter((event) => status.get(event.id) !== 202)) {
        expect([200, 202]).toContain(await post(second.url, event));
      }
      await settled();
      events.forEach((_, index) => expect(written(index)).toBe(1));
      expect(sim.district.table('attendance').size).toBe(events.length);
    } finally {
      second.child.kill('SIGTERM');
      await new Promise((resolve) => second.child.once('exit', resolve));
    }
  }, 120_000);
});

describe('pswb serve beside the CLI on the same data directory', () => {
  it('takes API events while pswb writeback send runs: each written once, the db intact', async () => {
    const { events, keys } = studentDayEvents(sim, 1200, 'beside');
    const viaApi = events.slice(1000, 1100);
    const viaCli = events.slice(1100, 1200);
    const file = join(dataDir, 'beside.jsonl');
    await writeFile(file, viaCli.map((event) => JSON.stringify(event)).join('\n'));
    const service = await serve();
    try {
      const cli = new Promise<number | null>((resolve) => {
        const child = spawn(
          process.execPath,
          [PSWB, 'writeback', 'send', '--file', file, '--data-dir', dataDir],
          { stdio: 'ignore' },
        );
        child.once('exit', resolve);
      });
      for (const event of viaApi) expect(await post(service.url, event)).toBe(202);
      expect(await cli).toBe(0);
      await settled();
      for (let index = 1000; index < 1200; index += 1) {
        expect(sim.district.attendanceOn(keys[index]!.studentId, keys[index]!.date)).toHaveLength(
          1,
        );
      }
      const store = WritebackStore.openDataDir(dataDir);
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
      store.close();
    } finally {
      service.child.kill('SIGTERM');
      await new Promise((resolve) => service.child.once('exit', resolve));
    }
  }, 120_000);
});
