/**
 * `pswb worker` processes on PostgreSQL, end to end: events handed over with
 * `pswb writeback send --database`, three workers started, two killed with SIGKILL mid-run and
 * one started again; every event ends Successful, each record is in PowerSchool once, and a
 * worker stopped with SIGTERM exits cleanly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace } from '../../connector/index.ts';
import { migratePostgres, openPostgresPool } from '../../connector/store/pg/index.ts';
import { DEMO_REASONS, connectDemoDistrict } from '../../repro/demo-connection.ts';
import { main } from '../../scripts/pswb.ts';
import type { RunningSimulator } from '../../simulator/server.ts';
import { startDemoSimulator } from '../connector/support/simulator.ts';
import { studentDayEvents } from '../service/support.ts';
import { startTestPostgres, type TestPostgres } from '../support/postgres.ts';

let server: TestPostgres;
let url: string;
let pool: pg.Pool;
let sim: RunningSimulator;
let dataDir: string;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  server = await startTestPostgres();
  url = await server.createDatabase('workers');
  pool = openPostgresPool(url, { max: 2 });
  await migratePostgres(pool);
  // 25.2: each event is its own post, so a kill lands between events, not in one batch.
  sim = await startDemoSimulator({ psVersion: '25.2.0.0' });
  dataDir = await mkdtemp(join(tmpdir(), 'pswb-workers-'));
  const workspace = await openWorkspace({ dataDir });
  await connectDemoDistrict(sim, {
    settings: workspace.settings,
    reasons: DEMO_REASONS,
    open: () => workspace.connector(),
  });
  workspace.close();
}, 60_000);

afterAll(async () => {
  for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
  await pool?.end();
  await sim?.close();
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** Starts `pswb worker`; resolves once it printed its ready line. */
async function startWorker(pollSeconds = 1): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      'bin/pswb.mjs',
      'worker',
      '--data-dir',
      dataDir,
      '--poll-seconds',
      String(pollSeconds),
      '--lease-seconds',
      '5',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PSWB_DATABASE_URL: url } },
  );
  workers.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('"event":"ready"')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`worker exited ${code}: ${stderr}`)));
  });
  return child;
}

async function counts(): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ state: string; n: number }>(
    'SELECT state, count(*)::int AS n FROM pswb_events GROUP BY state',
  );
  return Object.fromEntries(rows.map((row) => [row.state, row.n]));
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`not reached in ${timeoutMs} ms: ${JSON.stringify(await counts())}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('pswb worker on PostgreSQL', () => {
  it('three workers, two killed mid-run and one restarted: every event written, each once', async () => {
    const daily = studentDayEvents(sim, 200, 'w101', [101]);
    const time = studentDayEvents(sim, 200, 'w102', [102]);
    const file = join(dataDir, 'events.json');
    await writeFile(file, JSON.stringify([...daily.events, ...time.events]));
    const out: string[] = [];
    const io = {
      stdout: (text: string) => void out.push(text),
      stderr: (text: string) => void out.push(text),
      isTTY: false,
      stdin: async () => '',
    };
    const sent = await main(
      ['writeback', 'send', '--file', file, '--database', url, '--data-dir', dataDir],
      io,
    );
    expect(out.join('\n')).toContain('400 event(s) handed to');
    expect(sent).toBe(0);
    expect(await counts()).toEqual({ pending: 400 });

    // Slow PowerSchool down so the kills land while events are being written.
    sim.platform.faults.add({
      method: 'POST',
      path: '/ws/attendance/*',
      action: { type: 'latency', ms: 15 },
    });
    const [first, second] = [await startWorker(), await startWorker(), await startWorker()];
    await until(async () => ((await counts()).successful ?? 0) >= 60, 30_000);
    // Killed while holding claims: those events wait for their leases to lapse, then go on.
    const held = await pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pswb_events WHERE state = 'sending'",
    );
    expect(held.rows[0]!.n).toBeGreaterThan(0);
    first!.kill('SIGKILL');
    second!.kill('SIGKILL');
    await startWorker();
    await until(async () => (await counts()).successful === 400, 60_000);
    sim.platform.faults.clear();

    for (const { studentId, date } of [...daily.keys, ...time.keys]) {
      expect(sim.district.attendanceOn(studentId, date)).toHaveLength(1);
    }
    const { rows } = await pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pswb_events WHERE runs > 1',
    );
    // Events were taken over from the killed workers (claimed again, under a new run).
    expect(rows[0]!.n).toBeGreaterThan(0);

    // SIGTERM: a clean stop.
    const running = workers.filter(
      (worker) => worker.exitCode === null && worker.signalCode === null,
    );
    const exits = running.map(
      (worker) =>
        new Promise<number | null>((resolve) => worker.on('exit', (code) => resolve(code))),
    );
    for (const worker of running) worker.kill('SIGTERM');
    expect(await Promise.all(exits)).toEqual(running.map(() => 0));
  }, 120_000);

  it('a new event wakes a waiting worker at once (NOTIFY), not at its next poll', async () => {
    const worker = await startWorker(3600);
    const [event] = studentDayEvents(sim, 1, 'wake', [103]).events;
    const file = join(dataDir, 'one.json');
    await writeFile(file, JSON.stringify([event]));
    const quiet = { stdout: () => {}, stderr: () => {}, isTTY: false, stdin: async () => '' };
    const handed = Date.now();
    expect(
      await main(
        ['writeback', 'send', '--file', file, '--database', url, '--data-dir', dataDir],
        quiet,
      ),
    ).toBe(0);
    await until(async () => {
      const { rows } = await pool.query<{ state: string }>(
        "SELECT state FROM pswb_events WHERE id = 'wake-0'",
      );
      return rows[0]?.state === 'successful';
    }, 10_000);
    // Well inside the hour it would otherwise sleep.
    expect(Date.now() - handed).toBeLessThan(10_000);
    const exited = new Promise<number | null>((resolve) => worker.on('exit', resolve));
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);
});
