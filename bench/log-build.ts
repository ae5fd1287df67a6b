/**
 * Builds the million-row writeback log for figure 4 through the store's own insert path, and
 * probes the cost of one more event. The bulk is accepted a chunk per transaction (fast to
 * build); a probe inserts events one at a time, each in its own transactions (accept, attempt,
 * final state), which is how the connector receives them from Visitor Management. That cost in
 * the full log against a log of 1% of its size, probed in turn, is what "growth adds no
 * per-insert cost" is about.
 */
import { performance } from 'node:perf_hooks';
import type { HttpAttempt } from '../connector/http/index.ts';
import type { WritebackStore } from '../connector/store/index.ts';
import type { BenchConfig } from './bench-config.ts';
import { generateLogRows, type LogRow } from './log-rows.ts';
import { formatNumber } from './stats.ts';

/** One bulk chunk's timings. */
export interface ChunkTiming {
  /** Rows in the log before this chunk. */
  before: number;
  rows: number;
  insertMs: number;
  finishMs: number;
}

/** One probe: the log's size and the cost of one event's accept + attempt + final state. */
export interface ProbeTiming {
  atRows: number;
  events: number;
  microsPerEvent: number;
}

/** What building the log measured. */
export interface LogBuild {
  rows: number;
  chunks: ChunkTiming[];
  probes: ProbeTiming[];
}

function attemptOf(row: LogRow, now: string): HttpAttempt {
  return {
    method: 'POST',
    url: 'https://district.example/ws/attendance/daily_time',
    startedAt: now,
    durationMs: 41,
    status: row.outcome.error?.status ?? 200,
    outcome: row.outcome.state === 'failed' ? 'http_error' : 'ok',
    bodyText: row.outcome.error?.body ?? '{"results":{"insert_count":1,"update_count":0}}',
  };
}

/** Fills one store with generated rows: in bulk chunks, or one event at a time (a probe). */
export class LogFiller {
  readonly #store: WritebackStore;
  readonly #source: Generator<LogRow>;
  readonly #now = new Date().toISOString();
  #rows = 0;

  /** `capacity`: every row this filler will ever insert (it spreads their dates over a year). */
  constructor(store: WritebackStore, capacity: number) {
    this.#store = store;
    this.#source = generateLogRows(capacity);
  }

  /** Rows in the store so far. */
  get rows(): number {
    return this.#rows;
  }

  #take(count: number): LogRow[] {
    const rows: LogRow[] = [];
    while (rows.length < count) {
      const next = this.#source.next();
      if (next.done) throw new Error('the log generator ran out of rows');
      rows.push(next.value);
    }
    this.#rows += rows.length;
    return rows;
  }

  /** Accepts `count` rows in one transaction, then finishes them in a second one. */
  bulk(count: number): ChunkTiming {
    const before = this.#rows;
    const rows = this.#take(count);
    const store = this.#store;
    const started = performance.now();
    store.accept(
      rows.map((row) => row.item),
      this.#now,
    );
    const inserted = performance.now();
    store.db.transaction(() => {
      for (const row of rows) {
        store.recordAttempt(row.item.event.id, 1, attemptOf(row, this.#now));
        store.complete(row.item.event.id, row.outcome, this.#now);
      }
    })();
    const finishMs = performance.now() - inserted;
    return { before, rows: rows.length, insertMs: inserted - started, finishMs };
  }

  /** Inserts `count` events one at a time (accept, attempt, final state); times them. */
  probe(count: number): ProbeTiming {
    const atRows = this.#rows;
    const rows = this.#take(count);
    const started = performance.now();
    for (const row of rows) {
      this.#store.accept([row.item], this.#now);
      this.#store.recordAttempt(row.item.event.id, 1, attemptOf(row, this.#now));
      this.#store.complete(row.item.event.id, row.outcome, this.#now);
    }
    const microsPerEvent = ((performance.now() - started) * 1000) / count;
    return { atRows, events: count, microsPerEvent };
  }
}

/** Log sizes at which the growth table probes: 1%, then every tenth. */
function probePoints(config: BenchConfig): number[] {
  const points = [Math.round(config.logRows / 100)];
  for (let tenth = 1; tenth <= 10; tenth += 1) points.push((config.logRows * tenth) / 10);
  return points;
}

/** Rows a full log's filler needs: the bulk, the growth probes and the comparison probes. */
export function fullLogCapacity(config: BenchConfig): number {
  const probes = probePoints(config).length + config.logProbeRounds;
  return config.logRows + probes * config.logProbeEvents;
}

/** Fills the store with `config.logRows` rows, probing at 1% and after every tenth. */
export function buildLog(
  filler: LogFiller,
  config: BenchConfig,
  log: (line: string) => void,
): LogBuild {
  const build: LogBuild = { rows: 0, chunks: [], probes: [] };
  for (const point of probePoints(config)) {
    while (filler.rows < point) {
      build.chunks.push(filler.bulk(Math.min(config.logChunkRows, point - filler.rows)));
    }
    build.probes.push(filler.probe(config.logProbeEvents));
    log(`figure 4: ${formatNumber(filler.rows)} rows`);
  }
  build.rows = filler.rows;
  return build;
}

/** Probes of the small and the full log, taken in turn. */
export interface ProbeComparison {
  small: ProbeTiming[];
  full: ProbeTiming[];
}

/**
 * Fills `small` to 1% of the full log, then probes the two logs in turn, round after round, so
 * a busy moment on the machine falls on both alike.
 */
export function compareWithSmallLog(
  small: LogFiller,
  full: LogFiller,
  config: BenchConfig,
): ProbeComparison {
  const smallRows = Math.round(config.logRows / 100);
  while (small.rows < smallRows) small.bulk(Math.min(config.logChunkRows, smallRows - small.rows));
  const comparison: ProbeComparison = { small: [], full: [] };
  for (let round = 0; round < config.logProbeRounds; round += 1) {
    comparison.small.push(small.probe(config.logProbeEvents));
    comparison.full.push(full.probe(config.logProbeEvents));
  }
  return comparison;
}

/** Rows the small log's filler needs. */
export function smallLogCapacity(config: BenchConfig): number {
  return Math.round(config.logRows / 100) + config.logProbeRounds * config.logProbeEvents;
}
