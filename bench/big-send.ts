/**
 * Figure M: `pswb writeback send --file` with 200,000 events, as a user runs it (a separate
 * process, the compiled CLI, the data directory on disk) against a simulator child: its peak
 * resident memory, its wall time, and that every event ended in a final state.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { SettingsStore, WritebackStore } from '../connector/index.ts';
import type { BenchConfig } from './bench-config.ts';
import type { FigureResult } from './figure.ts';
import { verdictOf } from './figure.ts';
import { setUpConnector } from './connector-throughput.ts';
import { startSimChild, type SimChild } from './sim-process.ts';
import { formatMiB, formatNumber } from './stats.ts';

const PSWB = fileURLToPath(new URL('../bin/pswb.mjs', import.meta.url));
const MAX_RSS = fileURLToPath(new URL('./report-max-rss.mjs', import.meta.url));
const MEMORY_GOAL_BYTES = 500 * 1024 * 1024;

/** Saves the connection and the schools' modes and codes into a data directory, as pswb connect would. */
export async function setUpDataDir(child: SimChild, dataDir: string): Promise<void> {
  await setUpConnector(child, await SettingsStore.openDataDir(dataDir));
}

/** Runs the CLI; resolves with its exit code, peak RSS and wall time. */
function runSend(
  file: string,
  dataDir: string,
): Promise<{ code: number | null; maxRssBytes: number; ms: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      ['--import', MAX_RSS, PSWB, 'writeback', 'send', '--file', file, '--data-dir', dataDir],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-20_000);
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      const report = /\{"maxRssKiB":(\d+)\}\s*$/.exec(stderr);
      if (!report) return reject(new Error(`no memory report; stderr ends: ${stderr.slice(-500)}`));
      resolve({
        code,
        maxRssBytes: Number(report[1]) * 1024,
        ms: performance.now() - started,
        stderr,
      });
    });
  });
}

/** Runs figure M. */
export async function runBigSend(
  config: BenchConfig,
  log: (line: string) => void,
): Promise<FigureResult> {
  const events = config.quick ? 2_000 : 200_000;
  log(`figure M: pswb writeback send --file with ${formatNumber(events)} events`);
  const child = await startSimChild({
    students: config.connectorStudents,
    workload: 'connector',
    size: events,
  });
  const dir = await mkdtemp(join(tmpdir(), 'pswb-bench-send-'));
  try {
    await setUpDataDir(child, join(dir, 'data'));
    const file = join(dir, 'events.jsonl');
    await writeFile(
      file,
      `${(child.workload.events ?? []).map((event) => JSON.stringify(event)).join('\n')}\n`,
    );
    const sent = await runSend(file, join(dir, 'data'));
    const store = WritebackStore.openDataDir(join(dir, 'data'));
    const counts = store.counts();
    store.close();
    const finished = counts.successful + counts.failed + counts.not_attempted;
    return {
      rows: [
        {
          measure: `pswb writeback send --file, ${formatNumber(events)} events: peak resident memory`,
          measured: formatMiB(sent.maxRssBytes),
          goal: '< 500 MiB',
          verdict: verdictOf(sent.maxRssBytes < MEMORY_GOAL_BYTES && finished === events),
        },
        {
          measure: 'the same send: wall time, and events in a final state',
          measured: `${formatNumber(sent.ms / 1000, 1)} s (${formatNumber(events / (sent.ms / 1000))} events/s); ${formatNumber(finished)} of ${formatNumber(events)} final (${formatNumber(counts.successful)} successful, ${formatNumber(counts.failed)} failed), exit code ${sent.code}`,
          goal: 'all final',
          verdict: verdictOf(finished === events),
        },
      ],
      details: [],
      notes: [
        `The events are a morning rush over the Daily, Time and Meeting schools of a ${formatNumber(config.connectorStudents)}-student district (figure 3's workload), written as JSON lines; the CLI is the compiled one (bin/pswb.mjs), started with --import bench/report-max-rss.mjs, which prints process.resourceUsage().maxRSS at exit. The simulator runs in its own process.`,
      ],
    };
  } finally {
    await child.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
