/**
 * The continuous outbox worker of `pswb serve`: it drains the outbox through the connector's
 * writeback pipeline (the same one `pswb writeback send` runs) whenever it is woken, which the
 * ingest API does right after an event is committed, and at least every `pollMs` (events put in
 * the outbox by another process, such as the CLI on the same data directory, or ones released by
 * a process that died). Stopping it aborts the run in flight: what was not finished goes back to
 * the outbox, nothing stays claimed.
 */
import {
  ConnectorError,
  DEFAULT_RETRY_LATER,
  type Connector,
  type RetryLater,
  type RunStore,
  type FinishedEvent,
  type RunProgress,
} from '../connector/index.ts';

/** What the worker reports about itself (the health answer). */
export interface WorkerStatus {
  /** False once stopped, or after its loop died on an unexpected error. */
  alive: boolean;
  /** Runs that ended (each drains the outbox until nothing is left to claim). */
  runs: number;
  lastRunAt: string | null;
  /** When a run last ended with at least one event Successful. */
  lastSuccessAt: string | null;
  /** The last run's unexpected failure, if the last run had one. */
  lastError: string | null;
}

/** One writeback outcome, for the service's log. */
export type RunListener = (progress: RunProgress, elapsedMs: number) => void;

export interface WorkerOptions {
  /** The longest the worker sleeps when not woken (default 2000 ms). */
  pollMs?: number;
  now?: () => Date;
  /** Called after each run that finished at least one event. */
  onRun?: RunListener;
  /** Called as each event reaches its final state. */
  onOutcome?: (outcome: FinishedEvent) => void;
  /** When to try again an event PowerSchool was unavailable for (default DEFAULT_RETRY_LATER). */
  retryLater?: RetryLater;
  /** Called when a run fails unexpectedly (the worker goes on after pollMs). */
  onError?: (error: unknown) => void;
  /**
   * Another outbox to drain instead of the connector's own: a district's events on PostgreSQL
   * (`pswb worker`), with how many to claim at a time.
   */
  outbox?: { store: RunStore; batchSize?: number };
}

/**
 * A worker loop over a connector: a fixed one, or a function giving the current one (the
 * service's, rebuilt when the Settings page saves a new connection; undefined while none is
 * saved, when the worker only waits).
 */
export class OutboxWorker {
  readonly #connector: () => Connector | undefined;
  readonly #pollMs: number;
  readonly #now: () => Date;
  readonly #onRun: RunListener | undefined;
  readonly #onError: ((error: unknown) => void) | undefined;
  readonly #onOutcome: ((outcome: FinishedEvent) => void) | undefined;
  readonly #retryLater: RetryLater;
  readonly #outbox: WorkerOptions['outbox'];
  readonly #stop = new AbortController();
  /** The run in flight's own stop (interrupt()); a new one per run. */
  #runStop: AbortController | undefined;
  #woken = false;
  #wakeSleeper: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  readonly #status: WorkerStatus = {
    alive: false,
    runs: 0,
    lastRunAt: null,
    lastSuccessAt: null,
    lastError: null,
  };

  constructor(connector: Connector | (() => Connector | undefined), options: WorkerOptions = {}) {
    this.#connector = typeof connector === 'function' ? connector : () => connector;
    this.#pollMs = options.pollMs ?? 2000;
    this.#now = options.now ?? (() => new Date());
    this.#onRun = options.onRun;
    this.#onError = options.onError;
    this.#onOutcome = options.onOutcome;
    this.#retryLater = options.retryLater ?? DEFAULT_RETRY_LATER;
    this.#outbox = options.outbox;
  }

  /** Starts the loop; it runs until stop(). */
  start(): void {
    if (this.#loop) return;
    this.#status.alive = true;
    this.#loop = this.#run().finally(() => {
      this.#status.alive = false;
    });
  }

  /** Asks for a run now (after an event was committed); a run in progress is followed by another. */
  wake(): void {
    this.#woken = true;
    this.#wakeSleeper?.();
  }

  /**
   * Stops the run in flight only: what it had not finished goes back to the outbox, and the
   * loop waits for its next wake or poll (a district paused while its events were being written).
   */
  interrupt(): void {
    this.#runStop?.abort(new ConnectorError('interrupted', 'The district was paused.'));
  }

  /** Stops taking events, puts back what the run in flight had not finished, and resolves. */
  async stop(): Promise<void> {
    this.#stop.abort(new ConnectorError('interrupted', 'The service is stopping.'));
    this.#wakeSleeper?.();
    await this.#loop;
  }

  status(): WorkerStatus {
    return { ...this.#status };
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      this.#woken = false;
      const started = performance.now();
      const connector = this.#connector();
      if (!connector) {
        await this.#sleep(this.#pollMs);
        continue;
      }
      this.#runStop = new AbortController();
      try {
        const run = {
          signal: AbortSignal.any([signal, this.#runStop.signal]),
          retryLater: this.#retryLater,
          ...(this.#onOutcome ? { onOutcome: this.#onOutcome } : {}),
        };
        const outbox = this.#outbox;
        const progress = outbox
          ? await connector.drain(outbox.store, {
              ...run,
              ...(outbox.batchSize !== undefined ? { batchSize: outbox.batchSize } : {}),
            })
          : await connector.resume(run);
        this.#status.runs += 1;
        this.#status.lastRunAt = this.#now().toISOString();
        this.#status.lastError = null;
        if (progress.successful > 0) this.#status.lastSuccessAt = this.#status.lastRunAt;
        if (progress.done > 0 || progress.released > 0 || progress.deferred > 0) {
          this.#onRun?.(progress, performance.now() - started);
        }
      } catch (error) {
        this.#status.lastError = error instanceof Error ? error.message : String(error);
        this.#onError?.(error);
        await this.#sleep(this.#pollMs);
        continue;
      }
      if (!this.#woken) await this.#sleep(this.#pollMs);
    }
  }

  /** Sleeps up to ms; wake() or stop() cut it short. */
  #sleep(ms: number): Promise<void> {
    if (this.#stop.signal.aborted || this.#woken) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wakeSleeper = () => {
        this.#wakeSleeper = undefined;
        done();
      };
    });
  }
}
