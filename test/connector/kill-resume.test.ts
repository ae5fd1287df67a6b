/**
 * A run killed midway (child process, SIGKILL) loses nothing and doubles nothing: the next run
 * resumes, every accepted event ends Successful, and the simulator holds exactly one attendance
 * record per event.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../simulator/server.ts';
import { SettingsStore, WritebackStore } from '../../connector/index.ts';
import { connectDemo, newYorkTime, startDemoSimulator } from './support/simulator.ts';

const PSWB = fileURLToPath(new URL('../../bin/pswb.mjs', import.meta.url));
const FIRST = '2026-09-01';
const LAST = '2026-12-18';

let sim: RunningSimulator;
let dataDir: string;

/** Students enrolled at a school over the whole window, and its in-session days. */
function candidates(schoolNumber: number, days: number, studentCount: number) {
  const students = sim.district
    .table('students')
    .all()
    .filter((s) => s.schoolid === schoolNumber && s.entrydate <= FIRST && s.exitdate > LAST)
    .slice(0, studentCount);
  const dates = sim.district
    .table('calendar_day')
    .all()
    .filter(
      (d) =>
        d.schoolid === schoolNumber &&
        d.insession === 1 &&
        d.date_value >= FIRST &&
        d.date_value <= LAST,
    )
    .map((d) => d.date_value)
    .sort()
    .slice(0, days);
  return students.flatMap((student) => dates.map((date) => ({ student, date })));
}

/** Runs pswb; resolves with its exit code or signal. kill() is called once `killWhen` sees stderr. */
function runPswb(
  args: string[],
  killWhen?: (stderr: string) => boolean,
  signal: NodeJS.Signals = 'SIGKILL',
): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PSWB, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (killWhen?.(stderr) && child.exitCode === null && !child.killed) child.kill(signal);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

beforeAll(async () => {
  // 25.2.0.0 has no batch_daily_time, so each event is its own POST and progress advances
  // event by event: the kill lands between writes as well as during them.
  sim = await startDemoSimulator({ psVersion: '25.2.0.0' });
  dataDir = await mkdtemp(join(tmpdir(), 'pswb-kill-'));
  const connector = await connectDemo(sim, {
    settings: await SettingsStore.openDataDir(dataDir),
    store: WritebackStore.openDataDir(dataDir),
  });
  connector.close();
  // Slow PowerSchool down so the kill lands mid-run.
  sim.platform.faults.add({
    method: 'POST',
    path: '/ws/attendance/*',
    action: { type: 'latency', ms: 40 },
  });
});
afterAll(async () => {
  await sim?.close();
});

/** Students and dates at the Daily and Time schools: 80 events. */
function studentDays() {
  return [
    ...candidates(101, 10, 4).map((pair) => ({ ...pair, schoolNumber: 101 })),
    ...candidates(102, 10, 4).map((pair) => ({ ...pair, schoolNumber: 102 })),
  ];
}

/** Writes one late check-in per student and date as JSON lines; ids start with `prefix`. */
async function eventsFile(pairs: ReturnType<typeof studentDays>, prefix: string): Promise<string> {
  const events = pairs.map(({ student, date, schoolNumber }, index) => ({
    id: `${prefix}-${index}`,
    type: 'late_checkin',
    student: {
      dcid: student.dcid,
      name: `${student.first_name} ${student.last_name}`,
      grade: String(student.grade_level),
      schoolNumber,
    },
    occurredAt: newYorkTime(date, 9 * 3600),
    reason: 'T',
  }));
  const file = join(dataDir, `${prefix}.jsonl`);
  await writeFile(file, events.map((event) => JSON.stringify(event)).join('\n'));
  return file;
}

describe('a writeback run killed with SIGKILL', () => {
  it('resumes on the next start: every event written exactly once, none lost', async () => {
    const pairs = studentDays();
    expect(pairs.length).toBeGreaterThanOrEqual(60);
    const file = await eventsFile(pairs, 'kill');
    const events = pairs;
    const killed = await runPswb(
      ['writeback', 'send', '--file', file, '--data-dir', dataDir],
      (stderr) => /sent \d+\//.test(stderr),
    );
    expect(killed.signal).toBe('SIGKILL');
    const afterKill = new WritebackStore(join(dataDir, 'connector.db'));
    const counts = afterKill.counts();
    afterKill.close();
    expect(counts.pending + counts.sending).toBeGreaterThan(0); // killed midway, not after the end
    expect(counts.pending + counts.sending + counts.successful).toBe(events.length); // all accepted

    const resumed = await runPswb(['writeback', 'send', '--file', file, '--data-dir', dataDir]);
    expect(resumed.code).toBe(0);

    const store = new WritebackStore(join(dataDir, 'connector.db'));
    expect(store.counts()).toMatchObject({
      pending: 0,
      sending: 0,
      failed: 0,
      successful: events.length,
    });
    store.close();
    for (const { student, date } of pairs) {
      expect(sim.district.attendanceOn(student.id, date)).toHaveLength(1);
    }
    expect(sim.district.table('attendance').size).toBe(events.length);
  });
});

describe('a writeback run stopped with Ctrl-C (SIGINT)', () => {
  it('says what finished and what is left, exits 130, leaves nothing claimed, and --resume sends the rest', async () => {
    const pairs = studentDays();
    const file = await eventsFile(pairs, 'int');
    const stopped = await runPswb(
      ['writeback', 'send', '--file', file, '--data-dir', dataDir],
      (stderr) => /sent \d+\//.test(stderr),
      'SIGINT',
    );
    expect(stopped.code).toBe(130);
    const line =
      /Stopped by SIGINT: (\d+) event\(s\) finished .*; (\d+) left in the outbox, none claimed\. Run pswb writeback send --resume to send them\./.exec(
        stopped.stderr,
      );
    expect(line).not.toBeNull();
    const store = new WritebackStore(join(dataDir, 'connector.db'));
    const counts = store.counts();
    store.close();
    expect(counts.sending).toBe(0);
    expect(counts.pending).toBe(Number(line![2]));
    expect(counts.pending).toBeGreaterThan(0);

    const resumed = await runPswb(['writeback', 'send', '--resume', '--data-dir', dataDir]);
    expect(resumed.code).toBe(0);
    const after = new WritebackStore(join(dataDir, 'connector.db'));
    expect(after.counts()).toMatchObject({ pending: 0, sending: 0, failed: 0 });
    after.close();
  });
});
