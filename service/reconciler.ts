/**
 * The scheduled reconciliation of `pswb serve`: every `everyMs` (default a day) it reads back
 * from PowerSchool what was written over the last two district-local days (yesterday and today)
 * and keeps the report for the page's Check tab, logging one line with the counts (a warning
 * when anything is missing or changed). A failed check is logged and tried at the next turn.
 */
import {
  DISTRICT_ADMIN,
  toDistrictLocalTime,
  type Connector,
  type ConnectorSettings,
  type ReconcileReport,
} from '../connector/index.ts';
import type { LogLine } from './log.ts';

export interface ReconcilerOptions {
  connector: () => Connector | undefined;
  settings: () => ConnectorSettings;
  everyMs: number;
  now: () => Date;
  log: (line: LogLine) => void;
}

export class Reconciler {
  readonly #options: ReconcilerOptions;
  #timer: NodeJS.Timeout | undefined;
  #last: ReconcileReport | undefined;
  #running: Promise<void> | undefined;

  constructor(options: ReconcilerOptions) {
    this.#options = options;
  }

  /** Starts the schedule (nothing when everyMs is 0). */
  start(): void {
    if (this.#options.everyMs <= 0 || this.#timer) return;
    this.#timer = setInterval(() => void this.runNow(), this.#options.everyMs);
    this.#timer.unref();
  }

  /** Runs a check now (one at a time); resolves when it ended. */
  runNow(): Promise<void> {
    this.#running ??= this.#check().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  last(): ReconcileReport | undefined {
    return this.#last;
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  async #check(): Promise<void> {
    const connector = this.#options.connector();
    if (!connector) return;
    const zone = this.#options.settings().districtTimezone ?? 'UTC';
    const now = this.#options.now();
    const to = toDistrictLocalTime(now, zone).date;
    const from = toDistrictLocalTime(new Date(now.getTime() - 86_400_000), zone).date;
    try {
      const report = await connector.reconcile(DISTRICT_ADMIN, { from, to });
      this.#last = report;
      const trouble = report.missing.length + report.changed.length;
      this.#options.log({
        level: trouble > 0 ? 'warn' : 'info',
        msg: 'reconciliation',
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
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
