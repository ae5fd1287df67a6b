/**
 * The scheduled reconciliation of `pswb serve`: every `everyMs` (default a day) it reads back
 * from PowerSchool what was written over the last two district-local days (yesterday and today)
 * and keeps the report for the page's Check tab, logging one line with the counts (a warning
 * when anything is missing or changed). A failed check is logged and tried at the next turn.
 * On PostgreSQL, DistrictReconcilers keeps one per district and runs them one after another.
 */
import {
  DISTRICT_ADMIN,
  toDistrictLocalTime,
  type ReconcileFilter,
  type ReconcileReport,
} from '../connector/index.ts';
import type { PgDistricts } from '../connector/store/pg/index.ts';
import type { EventsPort } from './app.ts';
import type { LogLine } from './log.ts';

export interface ReconcilerOptions {
  /** Reads back the range as a district admin; undefined when there is nothing to check yet. */
  reconcile: (filter: ReconcileFilter) => Promise<ReconcileReport> | undefined;
  /** The district's time zone (the days checked are its). */
  zone: () => string | Promise<string>;
  everyMs: number;
  now: () => Date;
  log: (line: LogLine) => void;
  /** Added to each log line (a district's id). */
  fields?: Record<string, unknown>;
}

/** Work run every `everyMs` (never when 0) or on demand, one run at a time. */
class Schedule {
  readonly #everyMs: number;
  readonly #work: () => Promise<void>;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(everyMs: number, work: () => Promise<void>) {
    this.#everyMs = everyMs;
    this.#work = work;
  }

  start(): void {
    if (this.#everyMs <= 0 || this.#timer) return;
    this.#timer = setInterval(() => void this.runNow(), this.#everyMs);
    this.#timer.unref();
  }

  /** Runs the work now, or joins the run under way; resolves when it ended. */
  runNow(): Promise<void> {
    this.#running ??= this.#work().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}

export class Reconciler {
  readonly #options: ReconcilerOptions;
  readonly #schedule: Schedule;
  #last: ReconcileReport | undefined;

  constructor(options: ReconcilerOptions) {
    this.#options = options;
    this.#schedule = new Schedule(options.everyMs, () => this.#check());
  }

  /** Starts the schedule (nothing when everyMs is 0). */
  start(): void {
    this.#schedule.start();
  }

  /** Runs a check now (one at a time); resolves when it ended. */
  runNow(): Promise<void> {
    return this.#schedule.runNow();
  }

  last(): ReconcileReport | undefined {
    return this.#last;
  }

  stop(): Promise<void> {
    return this.#schedule.stop();
  }

  async #check(): Promise<void> {
    try {
      const zone = await this.#options.zone();
      const now = this.#options.now();
      const to = toDistrictLocalTime(now, zone).date;
      const from = toDistrictLocalTime(new Date(now.getTime() - 86_400_000), zone).date;
      const checking = this.#options.reconcile({ from, to });
      if (!checking) return;
      const report = await checking;
      this.#last = report;
      const trouble = report.missing.length + report.changed.length;
      this.#options.log({
        level: trouble > 0 ? 'warn' : 'info',
        msg: 'reconciliation',
        ...this.#options.fields,
        from,
        to,
        checked: report.checked,
        missing: report.missing.length,
        changed: report.changed.length,
      });
    } catch (error) {
      this.#options.log({
        level: 'error',
        msg: 'reconciliation failed',
        ...this.#options.fields,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

/**
 * The scheduled reconciliation of every district of a PostgreSQL database (`pswb serve
 * --database --reconcile-hours N`): each turn reads the districts and checks them one after
 * another (one district's PowerSchool at a time), keeping each one's last report for its Check
 * tab. Each serve process runs its own schedule: a read-back only reads.
 */
export interface DistrictReconcilersOptions {
  districts: PgDistricts;
  /** The districts' read-back and settings (service/pg-events.ts). */
  events: Pick<EventsPort, 'reconcile' | 'settings'>;
  everyMs: number;
  now: () => Date;
  log: (line: LogLine) => void;
}

export class DistrictReconcilers {
  readonly #options: DistrictReconcilersOptions;
  readonly #schedule: Schedule;
  readonly #each = new Map<string, Reconciler>();

  constructor(options: DistrictReconcilersOptions) {
    this.#options = options;
    this.#schedule = new Schedule(options.everyMs, () => this.#turn());
  }

  /** Starts the schedule (nothing when everyMs is 0). */
  start(): void {
    this.#schedule.start();
  }

  /** Checks every district now, one after another (one turn at a time). */
  runNow(): Promise<void> {
    return this.#schedule.runNow();
  }

  /** A district's last report. */
  last(district: string): ReconcileReport | undefined {
    return this.#each.get(district)?.last();
  }

  stop(): Promise<void> {
    return this.#schedule.stop();
  }

  async #turn(): Promise<void> {
    const { districts, events, everyMs, now, log } = this.#options;
    for (const { id } of await districts.list()) {
      let reconciler = this.#each.get(id);
      if (!reconciler) {
        reconciler = new Reconciler({
          reconcile: (filter) => events.reconcile?.(id, DISTRICT_ADMIN, filter),
          zone: async () => (await events.settings(id)).districtTimezone ?? 'UTC',
          everyMs,
          now,
          log,
          fields: { district: id },
        });
        this.#each.set(id, reconciler);
      }
      await reconciler.runNow();
    }
  }
}
