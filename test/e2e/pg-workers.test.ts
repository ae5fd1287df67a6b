/**
 * The proof run of `pswb worker` on PostgreSQL, end to end and small (npm run bench runs the
 * larger one): ten districts, each with its own simulator and added with `pswb districts add`,
 * their events handed over with `pswb writeback send --database --district`; a fifth of the
 * attendance writes answer 503; three workers started, two killed with SIGKILL mid-run and one
 * started again. Every event ends Successful, or Failed where it was planned to (a reason no
 * district maps), none is lost, and each record is in its district's PowerSchool once. A worker
 * stopped with SIGTERM exits cleanly, and a new event wakes a waiting worker at once.
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

const DISTRICTS = Array.from({ length: 10 }, (_, i) => `district-${i + 1}`);
/** Events per district, the last two with a reason no district maps (Failed, as planned). */
const PER_DISTRICT = 40;
const PLANNED_FAILURES = 2;

let server: TestPostgres;
let url: string;
let pool: pg.Pool;
/** Whose secret.key seals the districts' secrets (the operator's and the workers' --data-dir). */
let keyDir: string;
const sims = new Map<string, RunningSimulator>();
const dataDirs: string[] = [];
const workers: ChildProcess[] = [];
const quiet = { stdout: () => {}, stderr: () => {}, isTTY: false, stdin: async () => '' };

beforeAll(async () => {
  server = await startTestPostgres();
  url = await server.createDatabase('workers');
  pool = openPostgresPool(url, { max: 2 });
  await migratePostgres(pool);
  keyDir = await mkdtemp(join(tmpdir(), 'pswb-operator-'));
  for (const id of DISTRICTS) {
    // 25.2: each event is its own post, so a kill lands between events, not in one batch.
    const sim = await startDemoSimulator({ psVersion: '25.2.0.0' });
    sims.set(id, sim);
    const dataDir = await mkdtemp(join(tmpdir(), `pswb-${id}-`));
    dataDirs.push(dataDir);
    const workspace = await openWorkspace({ dataDir });
    await connectDemoDistrict(sim, {
      settings: workspace.settings,
      reasons: DEMO_REASONS,
      open: () => workspace.connector(),
    });
    workspace.close();
    const added = await main(
      ['districts', 'add', id, '--from-data-dir', dataDir, '--data-dir', keyDir, '--database', url],
      quiet,
    );
    expect(added).toBe(0);
  }
}, 120_000);

afterAll(async () => {
  for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
  await pool?.end();
  for (const sim of sims.values()) await sim.close();
  await server?.stop();
  for (const dir of [keyDir, ...dataDirs]) if (dir) await rm(dir, { recursive: true, force: true });
});

/** Starts `pswb worker`; resolves once it printed its ready line. */
async function startWorker(pollSeconds = 1): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      'bin/pswb.mjs',
      'worker',
      '--data-dir',
      keyDir,
      '--poll-seconds',
      String(pollSeconds),
      '--lease-seconds',
      '5',
      '--concurrency',
      '1',
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
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('pswb worker on PostgreSQL', () => {
  it('ten districts, three workers, a fifth of the writes failing, two killed mid-run and one restarted: every event ends as planned, each record once', async () => {
    const total = DISTRICTS.length * PER_DISTRICT;
    const planned = new Map<string, ReturnType<typeof studentDayEvents>>();
    for (const id of DISTRICTS) {
      const sim = sims.get(id)!;
      const day = studentDayEvents(sim, PER_DISTRICT, id, [101]);
      for (const event of day.events.slice(-PLANNED_FAILURES)) event.reason = 'NOT-MAPPED';
      planned.set(id, day);
      const file = join(keyDir, `${id}.json`);
      await writeFile(file, JSON.stringify(day.events));
      const out: string[] = [];
      const io = { ...quiet, stdout: (text: string) => void out.push(text) };
      expect(
        await main(['writeback', 'send', '--file', file, '--database', url, '--district', id], io),
      ).toBe(0);
      expect(out.join('\n')).toContain(`${PER_DISTRICT} event(s) handed to`);
      // A fifth of the writes fail (503), and every write is slower, so the kills land mid-run.
      sim.platform.faults.add({
        method: 'POST',
        path: '/ws/attendance/*',
        probability: 0.2,
        action: { type: 'status', status: 503 },
      });
      sim.platform.faults.add({
        method: 'POST',
        path: '/ws/attendance/*',
        action: { type: 'latency', ms: 100 },
      });
    }
    expect(await counts()).toEqual({ pending: total });

    const [first, second] = [await startWorker(), await startWorker(), await startWorker()];
    // Killed while holding claims: those events wait for their leases to lapse, then go on.
    await until(async () => {
      const now = await counts();
      return (now.successful ?? 0) >= total / 5 && (now.sending ?? 0) > 0;
    }, 60_000);
    first!.kill('SIGKILL');
    second!.kill('SIGKILL');
    await startWorker();
    const failures = DISTRICTS.length * PLANNED_FAILURES;
    await until(async () => {
      const now = await counts();
      return (now.successful ?? 0) + (now.failed ?? 0) === total;
    }, 150_000);
    for (const sim of sims.values()) sim.platform.faults.clear();

    expect(await counts()).toEqual({ successful: total - failures, failed: failures });
    const failed = await pool.query<{ error_code: string; n: number }>(
      "SELECT error_code, count(*)::int AS n FROM pswb_events WHERE state = 'failed' GROUP BY error_code",
    );
    expect(failed.rows).toEqual([{ error_code: 'reason_not_mapped', n: failures }]);
    for (const [id, { keys }] of planned) {
      const sim = sims.get(id)!;
      keys.forEach(({ studentId, date }, index) => {
        const written = index < keys.length - PLANNED_FAILURES ? 1 : 0;
        expect(sim.district.attendanceOn(studentId, date)).toHaveLength(written);
      });
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
  }, 240_000);

  it('a new event wakes a waiting worker at once (NOTIFY), not at its next poll', async () => {
    const worker = await startWorker(3600);
    const [event] = studentDayEvents(sims.get('district-1')!, 1, 'wake', [102]).events;
    const file = join(keyDir, 'one.json');
    await writeFile(file, JSON.stringify([event]));
    const handed = Date.now();
    expect(
      await main(
        ['writeback', 'send', '--file', file, '--database', url, '--district', 'district-1'],
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

  it('pswb serve --database takes events for a district with a key from pswb keys create --district', async () => {
    const out: string[] = [];
    const io = { ...quiet, stdout: (text: string) => void out.push(text) };
    const made = await main(
      [
        'keys',
        'create',
        '--name',
        'Visitor management',
        '--district',
        'district-2',
        '--database',
        url,
      ],
      io,
    );
    expect(made).toBe(0);
    const key = out[0]!;
    expect(key).toMatch(/^pswb_[a-z0-9]{12}_/);
    const serve = spawn(
      process.execPath,
      ['bin/pswb.mjs', 'serve', '--port', '0', '--workers', '0', '--data-dir', keyDir],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PSWB_DATABASE_URL: url } },
    );
    workers.push(serve);
    const ready = await new Promise<{ url: string; database: string; workers: number }>(
      (resolve, reject) => {
        let stdout = '';
        serve.stdout!.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const line = stdout.split('\n').find((text) => text.includes('"event":"ready"'));
          if (line) resolve(JSON.parse(line));
        });
        serve.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
      },
    );
    expect(ready.workers).toBe(0);
    expect(ready.database).toContain('***');
    const [event] = studentDayEvents(sims.get('district-2')!, 1, 'served', [102]).events;
    const answer = await fetch(`${ready.url}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(event),
    });
    expect(answer.status).toBe(202);
    const { rows } = await pool.query<{ district: string; state: string }>(
      "SELECT district, state FROM pswb_events WHERE id = 'served-0'",
    );
    expect(rows).toEqual([{ district: 'district-2', state: 'pending' }]);
    const exited = new Promise<number | null>((resolve) => serve.on('exit', resolve));
    serve.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);
});
