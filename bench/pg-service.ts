/**
 * Figure Q: `pswb serve --database` (decision 084), figure 7's measures on PostgreSQL: single-event
 * POSTs and batches of 500 accepted per second (--workers 0: the API alone), and the time from
 * the 202 to the event written with 100 districts flowing at once (one event a second each,
 * 100 a second in all, through the service's own workers: one loop per district). The service
 * is the compiled CLI in its own process, the database a private PostgreSQL server
 * (bench/postgres-server.ts), PowerSchool one simulator child that every district's connection
 * points at (each district still has its own loop, token and caches).
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { Pool } from 'undici';
import { SecretKeyring, sealDistrictSettings } from '../connector/index.ts';
import {
  PgApiKeys,
  PgDistricts,
  migratePostgres,
  openPostgresPool,
} from '../connector/store/pg/index.ts';
import type { BenchConfig } from './bench-config.ts';
import { setUpConnector } from './connector-throughput.ts';
import type { FigureResult } from './figure.ts';
import { verdictOf } from './figure.ts';
import { startPostgresServer } from './postgres-server.ts';
import { backlogOf, postAll, withServe } from './service-ingest.ts';
import { startSimChild } from './sim-process.ts';
import { formatMiB, formatMs, formatNumber, quantileOfSorted } from './stats.ts';

/** Figure 7's goals, for the same measures on the other engine. */
const SINGLE_GOAL = 2_000;
const BATCH_GOAL = 20_000;
const P99_GOAL_MS = 250;
const DISTRICTS = 100;

/** Runs figure Q. */
export async function runPgService(
  config: BenchConfig,
  log: (line: string) => void,
): Promise<FigureResult> {
  const singles = config.quick ? 500 : 20_000;
  const batches = config.quick ? 4 : 100;
  const steadySeconds = config.quick ? 3 : 60;
  const districtCount = config.quick ? 10 : DISTRICTS;
  const perSecond = districtCount; // one event a second per district
  log('figure Q: starting PostgreSQL and the simulator');
  const server = await startPostgresServer();
  const child = await startSimChild({
    students: config.connectorStudents,
    workload: 'connector',
    size: 1_000,
  });
  const secretKey = randomBytes(32).toString('base64');
  const env = { ...process.env, PSWB_SECRET_KEY: secretKey };
  const pools: pg.Pool[] = [];
  try {
    const settings = await setUpConnector(child);
    const sealed = await sealDistrictSettings(
      settings.get(),
      new SecretKeyring('/nonexistent', { PSWB_SECRET_KEY: secretKey }),
    );
    /** A new database with the districts, each with an API key; its URL, pool and keys. */
    const database = async (name: string) => {
      const url = await server.createDatabase(name);
      const pool = openPostgresPool(url, { max: 4 });
      pools.push(pool);
      await migratePostgres(pool);
      const districts = new PgDistricts(pool);
      const keys = new PgApiKeys(pool);
      const keyOf: string[] = [];
      for (let n = 0; n < districtCount; n += 1) {
        const id = `district-${n + 1}`;
        await districts.add({ id, name: id, settings: sealed }, new Date().toISOString());
        keyOf.push((await keys.create({ district: id, name: 'bench' })).key);
      }
      return { url, pool, keyOf };
    };
    const template = child.workload.events ?? [];
    // Accept rates: the API alone, one district's key.
    const api = await database('api');
    const accepted = await withServe(
      { args: ['--database', api.url], env },
      0,
      async (serviceUrl) => {
        log(`figure Q: ${formatNumber(singles)} single-event POSTs, 16 in flight`);
        const singleBodies = backlogOf(template, singles, 'single').map((event) =>
          JSON.stringify(event),
        );
        const singleMs = await postAll(serviceUrl, api.keyOf[0]!, singleBodies, 16);
        log(`figure Q: ${batches} batches of 500, 4 in flight`);
        const backlog = backlogOf(template, batches * 500, 'batch');
        const batchBodies = Array.from({ length: batches }, (_, b) =>
          JSON.stringify(backlog.slice(b * 500, (b + 1) * 500)),
        );
        return { singleMs, batchMs: await postAll(serviceUrl, api.keyOf[0]!, batchBodies, 4) };
      },
    );

    // 202 to written: every district at once, through the service's workers (a new database:
    // the accept runs' backlog is not written).
    const steadyEvents = perSecond * steadySeconds;
    const flowing = await database('steady');
    const steady = await withServe(
      { args: ['--database', flowing.url], env },
      1,
      async (serviceUrl) => {
        log(
          `figure Q: ${perSecond} events/s over ${districtCount} districts for ${steadySeconds} s`,
        );
        const started = new Date().toISOString();
        await postSteadily(serviceUrl, flowing.keyOf, template, perSecond, steadyEvents);
        return waitForWritten(flowing.pool, started, steadyEvents);
      },
    );
    const sorted = Float64Array.from(steady.result).sort();
    const p50 = quantileOfSorted(sorted, 0.5);
    const p99 = quantileOfSorted(sorted, 0.99);
    const singleRate = singles / (accepted.result.singleMs / 1000);
    const batchRate = (batches * 500) / (accepted.result.batchMs / 1000);
    return {
      rows: [
        {
          measure: 'single-event POSTs accepted per second on PostgreSQL (API only, 16 in flight)',
          measured: `${formatNumber(singleRate)}/s (${formatNumber(singles)} in ${formatNumber(accepted.result.singleMs / 1000, 1)} s)`,
          goal: `>= ${formatNumber(SINGLE_GOAL)}/s`,
          ratio: `${formatNumber(singleRate / SINGLE_GOAL, 2)}x the goal`,
          verdict: verdictOf(singleRate >= SINGLE_GOAL),
        },
        {
          measure: 'events accepted per second in batches of 500 on PostgreSQL (API only)',
          measured: `${formatNumber(batchRate)}/s (${formatNumber(batches * 500)} in ${formatNumber(accepted.result.batchMs / 1000, 1)} s)`,
          goal: `>= ${formatNumber(BATCH_GOAL)}/s`,
          ratio: `${formatNumber(batchRate / BATCH_GOAL, 2)}x the goal`,
          verdict: verdictOf(batchRate >= BATCH_GOAL),
        },
        {
          measure: `202 to written with ${districtCount} districts flowing at once (${perSecond} events/s for ${steadySeconds} s, PostgreSQL)`,
          measured: `p50 ${formatMs(p50)}, p99 ${formatMs(p99)} (${formatNumber(sorted.length)} of ${formatNumber(steadyEvents)} events)`,
          goal: `p99 < ${P99_GOAL_MS} ms`,
          verdict: verdictOf(sorted.length === steadyEvents && p99 < P99_GOAL_MS),
        },
        {
          measure: 'pswb serve --database peak resident memory (accept runs; steady run)',
          measured: `${formatMiB(accepted.rss)}; ${formatMiB(steady.rss)}`,
          goal: '-',
          verdict: 'reported',
        },
      ],
      details: [],
      notes: [
        `The service is the compiled CLI (\`pswb serve --database URL --port 0\`) in its own process; the load comes from this process through undici pools; PostgreSQL (a private server, fsync off as in every test and benchmark) and the simulator (${formatNumber(config.connectorStudents)} students, figure 3's workload) run in processes of their own. All share the machine's cores.`,
        "Accept rates: --workers 0, so the figure is the API (the key read from pswb_api_keys, validation, one transaction with the events' INSERT and its NOTIFY, the 202), with figure 7's goals for SQLite.",
        `202 to written: each of the ${districtCount} districts has its own API key and gets one event a second, posted on a fixed schedule (open loop); the service runs one worker (a loop per district, figure W's claim of 50). Each latency is the event's completed_at minus its created_at (stamped in the accept's transaction before the 202), read from pswb_events. Every district's connection points at the one simulator child.`,
      ],
    };
  } finally {
    await Promise.all(pools.map((pool) => pool.end()));
    await child.stop();
    await server.stop();
  }
}

/** POSTs `count` events on a fixed schedule, `rate` a second, each district in turn with its key. */
async function postSteadily(
  url: string,
  keys: readonly string[],
  template: readonly Record<string, unknown>[],
  rate: number,
  count: number,
): Promise<void> {
  const client = new Pool(url, { connections: 8 });
  const started = performance.now();
  const posts: Promise<void>[] = [];
  try {
    for (let n = 0; n < count; n += 1) {
      const wait = started + (n * 1000) / rate - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const body = JSON.stringify({ ...template[n % template.length], id: `steady-${n}` });
      const headers = {
        authorization: `Bearer ${keys[n % keys.length]}`,
        'content-type': 'application/json',
      };
      posts.push(
        client
          .request({ method: 'POST', path: '/api/v1/events', headers, body })
          .then(async (response) => {
            await response.body.text();
            if (response.statusCode !== 202) {
              throw new Error(`POST answered ${response.statusCode}`);
            }
          }),
      );
    }
    await Promise.all(posts);
  } finally {
    await client.close();
  }
}

/** Waits (up to 60 s) until `count` events accepted since `since` are final; their latencies. */
async function waitForWritten(pool: pg.Pool, since: string, count: number): Promise<number[]> {
  const deadline = performance.now() + 60_000;
  for (;;) {
    const { rows } = await pool.query<{ ms: number }>(
      `SELECT extract(epoch FROM completed_at - created_at) * 1000 AS ms FROM pswb_events
       WHERE created_at >= $1 AND state IN ('successful', 'failed')`,
      [since],
    );
    if (rows.length >= count || performance.now() > deadline) return rows.map((row) => row.ms);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
