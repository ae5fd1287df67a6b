/**
 * The districts of a PostgreSQL database written by one `pswb worker` process (decision 084):
 * one OutboxWorker loop per district, each with the district's own connector (its PowerSchool,
 * settings, token and caches) and its own claims, so a district whose PowerSchool is slow or
 * down holds up only its own loop. A district's loop writes at most its concurrency at once; a
 * 429 or a streak of unavailable answers pauses the district for every worker (the claim skips
 * it), and this process wakes the loop again when the pause it saw ends.
 *
 * Districts are read at start, again when one is added or changed (a NOTIFY on
 * DISTRICTS_CHANNEL) and every `reloadMs`; a district whose settings cannot be opened (a
 * missing key, no connection) is reported once and tried again when it changes (or the worker
 * restarts).
 */
import type { Dispatcher } from 'undici';
import {
  DEFAULT_RETRY_LATER,
  WORKER_CLAIM,
  pgRunStore,
  type Clock,
  type Connector,
  type RetryLater,
  type RetryOptions,
  type RunProgress,
  type SecretKeyring,
} from '../connector/index.ts';
import type { DistrictRow, PgDistricts, PgOutbox } from '../connector/store/pg/index.ts';
import { openDistrictConnector } from './district-connector.ts';
import { OutboxWorker } from './worker.ts';

/** A log line of the worker process (JSON on stderr). */
export type WorkerLog = (line: Record<string, unknown>) => void;

export interface DistrictWorkersOptions {
  outbox: PgOutbox;
  districts: PgDistricts;
  keyring: SecretKeyring;
  clock: Clock;
  /** Only these districts (`--district`); every district of the database when absent. */
  only?: readonly string[];
  /** The most requests in flight per district in this process; a district's own cap lowers it. */
  concurrency: number;
  pollMs: number;
  leaseMs: number;
  /** How often the districts are read again without a notification (default 60 s). */
  reloadMs?: number;
  retryLater?: RetryLater;
  log: WorkerLog;
  /** Log a line per run (default true). */
  logRuns?: boolean;
  /** Transport and retries for every district's connector (tests: faster retries). */
  connector?: { dispatcher?: Dispatcher; retry?: Partial<RetryOptions>; timeoutMs?: number };
}

interface DistrictLoop {
  updatedAt: string;
  worker?: OutboxWorker;
  connector?: Connector;
  resumeTimer?: NodeJS.Timeout;
}

/** A district's loop as `status()` reports it. */
export interface DistrictLoopStatus {
  id: string;
  running: boolean;
  lastRunAt: string | null;
  lastSuccessAt: string | null;
}

export class DistrictWorkers {
  readonly #options: DistrictWorkersOptions;
  readonly #loops = new Map<string, DistrictLoop>();
  #unlisten: (() => Promise<void>) | undefined;
  #reloadTimer: NodeJS.Timeout | undefined;
  #reloading: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(options: DistrictWorkersOptions) {
    this.#options = options;
  }

  /** Listens for new events and changed districts, loads the districts and starts their loops. */
  async start(): Promise<void> {
    const { outbox, log, pollMs } = this.#options;
    this.#unlisten = await outbox.listen(
      (payload) => {
        this.#loops.get(payload)?.worker?.wake();
      },
      {
        onDistrictChange: (id) => {
          if (this.#serves(id)) void this.reload();
        },
        onError: (error) =>
          log({
            level: 'warn',
            msg: `LISTEN connection lost: ${error.message}; polling every ${pollMs / 1000} s`,
          }),
      },
    );
    await this.reload();
    this.#reloadTimer = setInterval(() => void this.reload(), this.#options.reloadMs ?? 60_000);
    this.#reloadTimer.unref();
  }

  /** The districts this process serves now. */
  status(): DistrictLoopStatus[] {
    return [...this.#loops.entries()]
      .map(([id, loop]) => {
        const worker = loop.worker?.status();
        return {
          id,
          running: worker?.alive ?? false,
          lastRunAt: worker?.lastRunAt ?? null,
          lastSuccessAt: worker?.lastSuccessAt ?? null,
        };
      })
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Reads the districts again: starts new ones, restarts changed ones, stops removed ones. */
  reload(): Promise<void> {
    this.#reloading = this.#reloading
      .then(() => this.#reload())
      .catch((error: unknown) =>
        this.#options.log({
          level: 'error',
          msg: `reading the districts failed: ${error instanceof Error ? error.message : String(error)}; trying again later`,
        }),
      );
    return this.#reloading;
  }

  /** Stops every loop (what each holds goes back to the outbox) and the listener. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#reloadTimer);
    await this.#reloading;
    await Promise.all([...this.#loops.keys()].map((id) => this.#stopLoop(id)));
    await this.#unlisten?.().catch(() => undefined);
  }

  #serves(id: string): boolean {
    return this.#options.only === undefined || this.#options.only.includes(id);
  }

  async #reload(): Promise<void> {
    if (this.#stopped) return;
    const rows = (await this.#options.districts.list()).filter((row) => this.#serves(row.id));
    const seen = new Set(rows.map((row) => row.id));
    for (const id of [...this.#loops.keys()]) {
      if (!seen.has(id)) await this.#stopLoop(id);
    }
    for (const row of rows) {
      const loop = this.#loops.get(row.id);
      if (loop?.updatedAt === row.updatedAt) continue;
      if (loop) await this.#stopLoop(row.id);
      if (this.#stopped) return;
      this.#loops.set(row.id, await this.#startLoop(row));
    }
  }

  async #startLoop(row: DistrictRow): Promise<DistrictLoop> {
    const options = this.#options;
    let connector: Connector;
    try {
      connector = await openDistrictConnector(row, {
        keyring: options.keyring,
        clock: options.clock,
        concurrency: options.concurrency,
        ...(options.connector ? { transport: options.connector } : {}),
      });
    } catch (error) {
      // Reported once per version of the district; the next change (or restart) tries again.
      options.log({
        level: 'error',
        msg: `district ${row.id} not served: ${error instanceof Error ? error.message : String(error)}`,
        district: row.id,
      });
      return { updatedAt: row.updatedAt };
    }
    const loop: DistrictLoop = { updatedAt: row.updatedAt, connector };
    const store = pgRunStore(options.outbox, row.id, {
      clock: options.clock,
      leaseMs: options.leaseMs,
      districts: options.districts,
      onPause: (until) => {
        options.log({ level: 'warn', msg: 'district paused', district: row.id, until });
        // What this loop holds goes back now, not after each event's own retries; other
        // processes stop claiming at their next claim. Woken again when the pause ends.
        loop.worker?.interrupt();
        clearTimeout(loop.resumeTimer);
        const wait = Math.max(0, Date.parse(until) - options.clock.now().getTime()) + 50;
        loop.resumeTimer = setTimeout(() => loop.worker?.wake(), wait);
        loop.resumeTimer.unref();
      },
    });
    loop.worker = new OutboxWorker(connector, {
      pollMs: options.pollMs,
      retryLater: options.retryLater ?? DEFAULT_RETRY_LATER,
      outbox: { store, batchSize: WORKER_CLAIM },
      onRun: (progress: RunProgress, elapsedMs: number) => {
        if (options.logRuns === false) return;
        options.log({
          level: 'info',
          msg: 'run',
          district: row.id,
          successful: progress.successful,
          failed: progress.failed,
          notAttempted: progress.notAttempted,
          deferred: progress.deferred,
          released: progress.released,
          ms: Math.round(elapsedMs),
        });
      },
      onError: (error) =>
        options.log({
          level: 'error',
          msg: `run failed: ${error instanceof Error ? error.message : String(error)}; trying again in ${options.pollMs / 1000} s`,
          district: row.id,
        }),
    });
    loop.worker.start();
    return loop;
  }

  async #stopLoop(id: string): Promise<void> {
    const loop = this.#loops.get(id);
    this.#loops.delete(id);
    if (!loop) return;
    clearTimeout(loop.resumeTimer);
    await loop.worker?.stop();
    loop.connector?.close();
  }
}
