/**
 * Figure 7: `pswb serve` as a visitor-management system meets it, against a simulator child on
 * the same machine: single-event POSTs accepted per second, events per second in batches of 500
 * (both with the API alone, --workers 0, so the rate is the API's), and the time from the 202 to
 * the record written in the simulator at a steady 50 events/s (one worker), p50 and p99, with the
 * service's peak resident memory. The service is the compiled CLI in its own process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { openWorkspace } from '../connector/index.ts';
import { createApiKey } from '../service/index.ts';
import type { BenchConfig } from './bench-config.ts';
import { setUpDataDir } from './big-send.ts';
import type { FigureResult } from './figure.ts';
import { verdictOf } from './figure.ts';
import { startSimChild } from './sim-process.ts';
import { formatMiB, formatMs, formatNumber, quantileOfSorted } from './stats.ts';

const PSWB = fileURLToPath(new URL('../bin/pswb.mjs', import.meta.url));
const MAX_RSS = fileURLToPath(new URL('./report-max-rss.mjs', import.meta.url));
const SINGLE_GOAL = 2_000;
const BATCH_GOAL = 20_000;
const P99_GOAL_MS = 250;

/** A running `pswb serve` child: its URL, its stderr lines, and a stop that reports peak RSS. */
interface ServeChild {
  url: string;
  lines: string[];
  stop(): Promise<number>;
}

/**
 * Starts `pswb serve` with `args` after its own (port 0, no rate limit to speak of: one client is
 * the whole load here, and the per-key limit would only measure itself).
 */
async function startServe(args: readonly string[], env?: NodeJS.ProcessEnv): Promise<ServeChild> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', MAX_RSS, PSWB, 'serve', '--port', '0', '--rate-limit', '100000', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'], ...(env ? { env } : {}) },
  );
  const lines: string[] = [];
  let pending = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const parts = pending.split('\n');
    pending = parts.pop()!;
    lines.push(...parts);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve((JSON.parse(line!) as { url: string }).url);
    });
    child.once('exit', (code) =>
      reject(new Error(`pswb serve exited (${code}): ${lines.join('\n')}`)),
    );
  });
  return {
    url,
    lines,
    stop: () =>
      new Promise<number>((resolve) => {
        child.once('exit', () => {
          const all = [...lines, pending].join('\n');
          resolve(Number(/\{"maxRssKiB":(\d+)\}/.exec(all)?.[1] ?? 0) * 1024);
        });
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Runs work against a `pswb serve` child (`where`: its data directory, or its arguments and
 * environment), always stopping it; the result and the peak RSS.
 */
export async function withServe<T>(
  where: string | { args: readonly string[]; env?: NodeJS.ProcessEnv },
  workers: number,
  work: (url: string, lines: string[]) => Promise<T>,
): Promise<{ result: T; rss: number }> {
  const serve =
    typeof where === 'string'
      ? await startServe(['--data-dir', where, '--workers', String(workers)])
      : await startServe([...where.args, '--workers', String(workers)], where.env);
  let result: T;
  try {
    result = await work(serve.url, serve.lines);
  } catch (error) {
    await serve.stop();
    throw error;
  }
  return { result, rss: await serve.stop() };
}

/** POSTs one event at a time on a fixed schedule (open loop), `rate` a second. */
async function postSteadily(
  url: string,
  key: string,
  events: readonly Record<string, unknown>[],
  rate: number,
): Promise<void> {
  const pool = new Pool(url, { connections: 4 });
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const started = performance.now();
  const posts: Promise<void>[] = [];
  try {
    for (let n = 0; n < events.length; n += 1) {
      const wait = started + (n * 1000) / rate - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const body = JSON.stringify(events[n]);
      posts.push(
        pool
          .request({ method: 'POST', path: '/api/v1/events', headers, body })
          .then(async (response) => {
            await response.body.text();
          }),
      );
    }
    await Promise.all(posts);
  } finally {
    await pool.close();
  }
}

/** A data directory connected to the simulator, and a district API key in it. */
async function prepare(
  child: Awaited<ReturnType<typeof startSimChild>>,
  dataDir: string,
): Promise<string> {
  await setUpDataDir(child, dataDir);
  const workspace = await openWorkspace({ dataDir });
  try {
    return createApiKey(workspace, { name: 'bench' }).key;
  } finally {
    workspace.close();
  }
}

/** POSTs bodies with `connections` requests in flight; resolves with the wall time in ms. */
export async function postAll(
  url: string,
  key: string,
  bodies: string[],
  connections: number,
): Promise<number> {
  const pool = new Pool(url, { connections });
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  let next = 0;
  const started = performance.now();
  try {
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++]!;
          const response = await pool.request({
            method: 'POST',
            path: '/api/v1/events',
            headers,
            body,
          });
          await response.body.text();
          if (response.statusCode !== 202) throw new Error(`POST answered ${response.statusCode}`);
        }
      }),
    );
    return performance.now() - started;
  } finally {
    await pool.close();
  }
}

/**
 * A visitor-management system's backlog: the workload's day in time order, then the same day's
 * events again one day later, and so on, each with an id of its own. Each event then lands after
 * the ones already accepted, as a district's events do.
 */
export function backlogOf(
  template: Record<string, unknown>[],
  count: number,
  prefix: string,
): Record<string, unknown>[] {
  const day = [...template].sort(
    (a, b) => Date.parse(String(a.occurredAt)) - Date.parse(String(b.occurredAt)),
  );
  return Array.from({ length: count }, (_, n) => {
    const event = day[n % day.length]!;
    const at = String(event.occurredAt);
    const date = new Date(
      Date.parse(`${at.slice(0, 10)}T00:00:00Z`) + Math.floor(n / day.length) * 86_400_000,
    );
    return {
      ...event,
      id: `${prefix}-${n}`,
      occurredAt: date.toISOString().slice(0, 10) + at.slice(10),
    };
  });
}

/** The workload's events, as many as asked, each with an id of its own (the day replayed). */
function eventsOf(
  template: Record<string, unknown>[],
  count: number,
  prefix: string,
): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, n) => ({
    ...template[n % template.length],
    id: `${prefix}-${n}`,
  }));
}

/** Runs figure 7. */
export async function runServiceIngest(
  config: BenchConfig,
  log: (line: string) => void,
): Promise<FigureResult> {
  const singles = config.quick ? 500 : 20_000;
  const batches = config.quick ? 4 : 100;
  const replayed = config.quick ? 2 : 40;
  const steadySeconds = config.quick ? 3 : 60;
  const rate = 50;
  const child = await startSimChild({
    students: config.connectorStudents,
    workload: 'connector',
    size: Math.max(rate * steadySeconds, 1000),
  });
  const dir = await mkdtemp(join(tmpdir(), 'pswb-bench-serve-'));
  try {
    const template = child.workload.events ?? [];
    // Accept rates: the API alone.
    const apiDir = join(dir, 'api');
    const apiKey = await prepare(child, apiDir);
    const accepted = await withServe(apiDir, 0, async (url) => {
      log(`figure 7: ${formatNumber(singles)} single-event POSTs, 16 in flight`);
      const singleBodies = backlogOf(template, singles, 'single').map((event) =>
        JSON.stringify(event),
      );
      const singleMs = await postAll(url, apiKey, singleBodies, 16);
      log(`figure 7: ${batches} batches of 500, 4 in flight`);
      const backlog = backlogOf(template, batches * 500, 'batch');
      const batchBodies = Array.from({ length: batches }, (_, b) =>
        JSON.stringify(backlog.slice(b * 500, (b + 1) * 500)),
      );
      const batchMs = await postAll(url, apiKey, batchBodies, 4);
      log(`figure 7: ${replayed} batches of 500 replaying one day, 4 in flight`);
      const replayBodies = Array.from({ length: replayed }, (_, b) =>
        JSON.stringify(eventsOf(template, 500, `replay${b}`)),
      );
      return { singleMs, batchMs, replayMs: await postAll(url, apiKey, replayBodies, 4) };
    });
    const { singleMs, batchMs, replayMs } = accepted.result;
    const apiRss = accepted.rss;

    // Latency: one worker writing each event as it comes, at a steady rate.
    const steadyDir = join(dir, 'steady');
    const steadyKey = await prepare(child, steadyDir);
    const steadyEvents = eventsOf(template, rate * steadySeconds, 'steady');
    const steady = await withServe(steadyDir, 1, async (url, lines) => {
      log(`figure 7: ${rate} events/s for ${steadySeconds} s through one worker`);
      await postSteadily(url, steadyKey, steadyEvents, rate);
      // Let the worker finish the last events, then read their latencies from the service's log.
      return waitForOutcomes(lines, steadyEvents.length);
    });
    const latencies = steady.result;
    const steadyRss = steady.rss;
    const sorted = Float64Array.from(latencies).sort();
    const p50 = quantileOfSorted(sorted, 0.5);
    const p99 = quantileOfSorted(sorted, 0.99);
    const singleRate = singles / (singleMs / 1000);
    const batchRate = (batches * 500) / (batchMs / 1000);
    const replayRate = (replayed * 500) / (replayMs / 1000);
    return {
      rows: [
        {
          measure: 'single-event POSTs accepted per second (API only, 16 in flight)',
          measured: `${formatNumber(singleRate)}/s (${formatNumber(singles)} in ${formatNumber(singleMs / 1000, 1)} s)`,
          goal: `>= ${formatNumber(SINGLE_GOAL)}/s`,
          ratio: `${formatNumber(singleRate / SINGLE_GOAL, 2)}x the goal`,
          verdict: verdictOf(singleRate >= SINGLE_GOAL),
        },
        {
          measure: 'events accepted per second in batches of 500 (API only, 4 in flight)',
          measured: `${formatNumber(batchRate)}/s (${formatNumber(batches * 500)} in ${formatNumber(batchMs / 1000, 1)} s)`,
          goal: `>= ${formatNumber(BATCH_GOAL)}/s`,
          ratio: `${formatNumber(batchRate / BATCH_GOAL, 2)}x the goal`,
          verdict: verdictOf(batchRate >= BATCH_GOAL),
        },
        {
          measure:
            "the same, with one day's 1,000 events replayed in every batch (new ids, the same times)",
          measured: `${formatNumber(replayRate)}/s (${formatNumber(replayed * 500)} in ${formatNumber(replayMs / 1000, 1)} s)`,
          goal: '-',
          verdict: 'reported',
        },
        {
          measure: `202 to written in the simulator, ${rate} events/s for ${steadySeconds} s, one worker`,
          measured: `p50 ${formatMs(p50)}, p99 ${formatMs(p99)} (${formatNumber(latencies.length)} events)`,
          goal: `p99 < ${P99_GOAL_MS} ms`,
          verdict: verdictOf(latencies.length === steadyEvents.length && p99 < P99_GOAL_MS),
        },
        {
          measure: 'pswb serve peak resident memory (accept runs; steady run)',
          measured: `${formatMiB(apiRss)}; ${formatMiB(steadyRss)}`,
          goal: '-',
          verdict: 'reported',
        },
      ],
      details: [],
      notes: [
        `The service is the compiled CLI (\`pswb serve --port 0\`) in its own process, started with --import bench/report-max-rss.mjs; the load comes from this process through undici pools; the simulator (${formatNumber(config.connectorStudents)} students, figure 3's workload) runs in a third process. All three share the machine's cores.`,
        'Accept rates: --workers 0, so the figure is the API (key check, rate limit, validation, one SQLite transaction per request, the 202) and not the writebacks. Each event has an id of its own.',
        "The single and batch rates post a backlog as a visitor-management system has one: figure 3's day of events in time order, then the same day again a day later, and so on, so each event lands after those already accepted (at the end of the log's day indexes). The replay row posts the same day's events again in every batch: each then lands at a random place among the day's index entries, which is the log's worst case (every batch dirties a page per event in each index), reported without a goal.",
        `Latency: events posted on a fixed schedule (open loop, ${rate}/s); for each, the time from its acceptance (stamped in the outbox before the 202) to its final state (stamped when the simulator's answer is recorded), read from the service's JSON log lines.`,
      ],
    };
  } finally {
    await child.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Reads `writeback` log lines until `count` outcomes are in (or 30 s pass); their latencies. */
async function waitForOutcomes(lines: string[], count: number): Promise<number[]> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    const latencies = lines
      .filter((line) => line.includes('"msg":"writeback"'))
      .map((line) => (JSON.parse(line) as { latencyMs: number }).latencyMs);
    if (latencies.length >= count || performance.now() > deadline) return latencies;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
