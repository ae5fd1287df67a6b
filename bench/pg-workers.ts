/**
 * Figure W: workers on PostgreSQL (docs/deploy.md, decision 083). One district's events are
 * handed to a PostgreSQL outbox (a private server, bench/postgres-server.ts) and written by 1, 2
 * and 4 workers at once (each its own connector, as separate processes would be) against a
 * simulator child whose attendance writes take 20 ms more, as a PowerSchool across the internet
 * does. Each event is its own post (batch writes off: a district before 25.3, or a Meeting
 * school), so the time is the posts' waiting and more workers overlap more of it.
 */
import { performance } from 'node:perf_hooks';
import {
  WORKER_CLAIM,
  WritebackStore,
  createConnector,
  formatClockTime,
  parseWritebackEvent,
  pgRunStore,
  systemClock,
  toDistrictLocalTime,
  type Connector,
} from '../connector/index.ts';
import { PgOutbox, migratePostgres, openPostgresPool } from '../connector/store/pg/index.ts';
import type { BenchConfig } from './bench-config.ts';
import { setUpConnector } from './connector-throughput.ts';
import type { FigureResult } from './figure.ts';
import { verdictOf } from './figure.ts';
import { startPostgresServer } from './postgres-server.ts';
import { addFault, resetDistrict } from './sim-http.ts';
import { startSimChild } from './sim-process.ts';
import { formatNumber } from './stats.ts';

const LATENCY_MS = 20;
const WORKER_COUNTS = [1, 2, 4] as const;
/** The goal: 4 workers write at least 3 times as fast as one. */
const SCALE_GOAL = 3;
/** Requests in flight per worker (the connector's default). */
const CONCURRENCY = 4;

/** Runs figure W. */
export async function runPgWorkers(
  config: BenchConfig,
  log: (line: string) => void,
): Promise<FigureResult> {
  const events = config.quick ? 80 : 1_200;
  log('figure W: starting PostgreSQL and the simulator');
  const server = await startPostgresServer();
  const child = await startSimChild({
    students: config.connectorStudents,
    workload: 'connector',
    size: events,
  });
  const pool = openPostgresPool(await server.createDatabase('workers'), { max: 16 });
  try {
    await migratePostgres(pool);
    const outbox = new PgOutbox(pool);
    const settings = await setUpConnector(child);
    const zone = settings.get().districtTimezone ?? 'UTC';
    await addFault(child.url, {
      method: 'POST',
      path: '/ws/attendance/*',
      action: { type: 'latency', ms: LATENCY_MS },
    });
    const rates = new Map<number, number>();
    for (const workers of WORKER_COUNTS) {
      await resetDistrict(child.url);
      const district = `workers-${workers}`;
      const items = (child.workload.events ?? []).slice(0, events).map((input) => {
        const event = parseWritebackEvent(input, 'dcid');
        const local = toDistrictLocalTime(new Date(event.occurredAt), zone);
        return {
          event,
          stamp: { date: local.date, time: formatClockTime(local.secondsSinceMidnight) },
        };
      });
      await outbox.accept(district, items, systemClock.now().toISOString());
      const connectors: Connector[] = Array.from({ length: workers }, () =>
        createConnector({
          baseUrl: child.url,
          clientId: child.clientId,
          clientSecret: child.clientSecret,
          settings,
          store: WritebackStore.inMemory(),
          concurrency: CONCURRENCY,
          batchWrites: false,
        }),
      );
      const started = performance.now();
      const written = await Promise.all(
        connectors.map(async (connector) => {
          const store = pgRunStore(outbox, district, { clock: systemClock });
          let successful = 0;
          // As `pswb worker` does: drain, look again until the district's outbox is empty.
          for (;;) {
            successful += (await connector.drain(store, { batchSize: WORKER_CLAIM })).successful;
            const depth = await outbox.queue(district);
            if (depth.pending === 0 && depth.sending === 0) return successful;
          }
        }),
      );
      const elapsed = performance.now() - started;
      for (const connector of connectors) connector.close();
      const total = written.reduce((sum, n) => sum + n, 0);
      if (total !== items.length) {
        throw new Error(`${workers} worker(s) wrote ${total} of ${items.length} events`);
      }
      rates.set(workers, (total / elapsed) * 1000);
      log(`figure W: ${workers} worker(s): ${formatNumber(rates.get(workers)!)} events/s`);
    }
    const one = rates.get(1)!;
    const four = rates.get(4)!;
    const scale = four / one;
    return {
      rows: [
        ...WORKER_COUNTS.map((workers) => ({
          measure: `events written per second, ${workers} worker(s) on PostgreSQL, ${events} events, ${LATENCY_MS} ms PowerSchool latency`,
          measured: `${formatNumber(rates.get(workers)!)}/s`,
          goal: '-',
          verdict: 'reported' as const,
        })),
        {
          measure: '4 workers vs 1 on PostgreSQL',
          measured: `${formatNumber(four)}/s vs ${formatNumber(one)}/s`,
          goal: `>= ${SCALE_GOAL}x one worker`,
          ratio: `${scale.toFixed(2)}x`,
          verdict: verdictOf(scale >= SCALE_GOAL),
        },
      ],
      details: [],
      notes: [
        `Each worker is a connector of its own in this process (its own token, caches and ${CONCURRENCY} requests in flight), claiming ${WORKER_CLAIM} events at a time (pswb worker's claim) from one district's PostgreSQL outbox with FOR UPDATE SKIP LOCKED; batch writes off, so every event is one POST that waits ${LATENCY_MS} ms at the simulator.`,
        'The 100-district p99 from 202 to written and the API figures on PostgreSQL are figure Q.',
      ],
    };
  } finally {
    await pool.end().catch(() => undefined);
    await child.stop();
    await server.stop();
  }
}
