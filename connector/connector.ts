/**
 * createConnector: the library behind `pswb` (and later a web page). It ties the transport,
 * settings, lookups, outbox and log together; every entry point that acts for a person takes an
 * Actor so the role rules hold whatever the front end.
 */
import type { Dispatcher } from 'undici';
import { systemClock, type Clock } from './clock.ts';
import { checkConnection, type ConnectionReport } from './connection-check.ts';
import { ConnectorError } from './connector-error.ts';
import { formatClockTime, toDistrictLocalTime } from './district-time.ts';
import { DEFAULT_CACHE_TTLS, Lookups, type CacheTtls } from './lookups.ts';
import { drainOutbox, newOwnerTag, type DrainOptions, type RunProgress } from './outbox-runner.ts';
import {
  createPowerSchoolClient,
  type AttemptListener,
  type ClientStats,
  type PowerSchoolClient,
} from './powerschool-client.ts';
import {
  checkReasonYears,
  importAttendanceCodes,
  type CodeImportOptions,
  type CodeImportResult,
  type ReasonYearWarning,
} from './reasons-import.ts';
import type { RetryOptions } from './retry-policy.ts';
import { assertCanSeeSchool, type Actor } from './roles.ts';
import {
  refreshSchools,
  setPreventSchoolOverrides,
  updateSchools,
  viewSchools,
  type SchoolChange,
  type SchoolView,
} from './school-setup.ts';
import { SettingsStore } from './settings.ts';
import { replayEvents, type ReplayFilter, type ReplaySummary } from './replay.ts';
import { parseWritebackEvent } from './writeback-event.ts';
import {
  scopeLogFilter,
  toWritebackRecord,
  type LogFilter,
  type LogPage,
  type WritebackRecord,
} from './writeback-log.ts';
import { WritebackStore, type AttemptRow } from './writeback-store.ts';
import type { ProcessContext } from './writeback-process.ts';

/** What createConnector needs: the connection, and optionally transport, clock, stores, tuning. */
export interface ConnectorOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** undici dispatcher: an Agent, a MockAgent, a proxy. */
  dispatcher?: Dispatcher;
  clock?: Clock;
  /** The outbox and log; in memory when omitted. */
  store?: WritebackStore;
  /** School setup, reasons, student ID source; in memory when omitted. */
  settings?: SettingsStore;
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  /**
   * Events prepared, and writes posted, at the same time; 4 by default. While one chunk of 200
   * posts, the next chunk's lookups may run beside it.
   */
  concurrency?: number;
  /** Use batch_daily_time on PowerSchool 25.3.0+ (default true). */
  batchWrites?: boolean;
  cacheTtls?: Partial<CacheTtls>;
  /** Sees every HTTP attempt (never tokens or secrets). */
  onAttempt?: AttemptListener;
}

/** The outcome of accepting one event. */
export interface AcceptResult {
  record: WritebackRecord;
  /** false when an event with the same id was already accepted (nothing new is written). */
  created: boolean;
}

/** Options of the runs that send events. */
export interface RunOptions {
  onProgress?: (progress: RunProgress) => void;
}

/** Counters for the request budget. */
export interface ConnectorStats extends ClientStats {
  httpRequestsPerWriteback: number;
  writebacks: number;
}

/** The connector's API. */
export interface Connector {
  readonly client: PowerSchoolClient;
  readonly settings: SettingsStore;
  readonly store: WritebackStore;
  readonly lookups: Lookups;
  checkConnection(): Promise<ConnectionReport>;
  listSchools(actor: Actor, options?: { refresh?: boolean }): Promise<SchoolView[]>;
  updateSchools(actor: Actor, changes: readonly SchoolChange[]): Promise<SchoolView[]>;
  setPreventSchoolOverrides(actor: Actor, prevent: boolean): Promise<void>;
  importAttendanceCodes(actor: Actor, options: CodeImportOptions): Promise<CodeImportResult>;
  checkReasonYears(actor: Actor, date?: string): Promise<ReasonYearWarning[]>;
  /** Validates and commits events (all or none); nothing is sent yet. */
  accept(inputs: readonly unknown[]): AcceptResult[];
  /** Accepts events, then sends everything pending; resolves with the given events' records. */
  send(inputs: readonly unknown[], options?: RunOptions): Promise<WritebackRecord[]>;
  /** Sends whatever is pending, including events a killed run left behind. */
  resume(options?: RunOptions): Promise<RunProgress>;
  logs(actor: Actor, filter?: LogFilter): LogPage;
  record(actor: Actor, id: string): WritebackRecord | undefined;
  attempts(actor: Actor, id: string): AttemptRow[];
  replay(actor: Actor, filter?: ReplayFilter, options?: RunOptions): Promise<ReplaySummary>;
  stats(): ConnectorStats;
  close(): void;
}

/** Creates a connector for one PowerSchool server. */
export function createConnector(options: ConnectorOptions): Connector {
  return new WritebackConnector(options);
}

class WritebackConnector implements Connector {
  readonly client: PowerSchoolClient;
  readonly settings: SettingsStore;
  readonly store: WritebackStore;
  readonly lookups: Lookups;
  readonly #clock: Clock;
  readonly #owner: { tag: string; retire: () => void };
  readonly #context: ProcessContext;
  readonly #drain: Omit<DrainOptions, 'onProgress'>;
  #writebacks = 0;

  constructor(options: ConnectorOptions) {
    this.#clock = options.clock ?? systemClock;
    this.client = createPowerSchoolClient({
      baseUrl: options.baseUrl,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      clock: this.#clock,
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.onAttempt ? { onAttempt: options.onAttempt } : {}),
    });
    this.settings = options.settings ?? SettingsStore.inMemory();
    this.store = options.store ?? WritebackStore.inMemory();
    this.lookups = new Lookups(this.client, this.#clock, {
      ...DEFAULT_CACHE_TTLS,
      ...options.cacheTtls,
    });
    this.#owner = newOwnerTag();
    const settings = this.settings;
    this.#context = {
      store: this.store,
      lookups: this.lookups,
      client: this.client,
      settings: () => settings.get(),
      clock: this.#clock,
    };
    this.#drain = {
      owner: this.#owner.tag,
      concurrency: options.concurrency ?? 4,
      batchSize: 200,
      batchWrites: options.batchWrites ?? true,
    };
  }

  get #reasons() {
    return {
      client: this.client,
      lookups: this.lookups,
      settings: this.settings,
      clock: this.#clock,
    };
  }

  checkConnection(): Promise<ConnectionReport> {
    return checkConnection(this.client, this.#clock);
  }

  async listSchools(
    actor: Actor,
    { refresh = true }: { refresh?: boolean } = {},
  ): Promise<SchoolView[]> {
    const current = refresh
      ? await refreshSchools(this.client, this.settings)
      : this.settings.get();
    return viewSchools(current, actor);
  }

  async updateSchools(actor: Actor, changes: readonly SchoolChange[]): Promise<SchoolView[]> {
    const known = this.settings.get().schools;
    if (changes.some((change) => !known[String(change.schoolNumber)])) {
      await refreshSchools(this.client, this.settings);
    }
    return updateSchools(this.settings, actor, changes);
  }

  async setPreventSchoolOverrides(actor: Actor, prevent: boolean): Promise<void> {
    await setPreventSchoolOverrides(this.settings, actor, prevent);
  }

  importAttendanceCodes(actor: Actor, options: CodeImportOptions): Promise<CodeImportResult> {
    return importAttendanceCodes(this.#reasons, actor, options);
  }

  checkReasonYears(actor: Actor, date?: string): Promise<ReasonYearWarning[]> {
    return checkReasonYears(this.#reasons, actor, date);
  }

  accept(inputs: readonly unknown[]): AcceptResult[] {
    const current = this.settings.get();
    const source = current.connection?.studentIdSource ?? 'dcid';
    const events = inputs.map((input) => parseWritebackEvent(input, source));
    // The zone saved at connect time stamps the log's date until the event is processed (which
    // stamps it with the zone PowerSchool reports then).
    const zone = current.districtTimezone ?? 'UTC';
    const items = events.map((event) => {
      const local = toDistrictLocalTime(new Date(event.occurredAt), zone);
      return {
        event,
        stamp: { date: local.date, time: formatClockTime(local.secondsSinceMidnight) },
      };
    });
    return this.store
      .accept(items, this.#clock.now().toISOString())
      .map(({ row, created }) => ({ record: toWritebackRecord(row), created }));
  }

  async send(inputs: readonly unknown[], options: RunOptions = {}): Promise<WritebackRecord[]> {
    const accepted = this.accept(inputs);
    await this.resume(options);
    const rows = this.store.getMany(accepted.map(({ record }) => record.id));
    return rows.map((row) => toWritebackRecord(row!));
  }

  async resume(options: RunOptions = {}): Promise<RunProgress> {
    const progress = await drainOutbox(this.#context, { ...this.#drain, ...options });
    this.#writebacks += progress.done;
    return progress;
  }

  logs(actor: Actor, filter: LogFilter = {}): LogPage {
    const query = scopeLogFilter(actor, filter);
    const { rows, total } = this.store.query(query);
    return {
      records: rows.map(toWritebackRecord),
      total,
      page: query.page,
      pageSize: query.pageSize,
      pages: Math.ceil(total / query.pageSize),
    };
  }

  record(actor: Actor, id: string): WritebackRecord | undefined {
    const row = this.store.get(id);
    if (!row) return undefined;
    assertCanSeeSchool(actor, row.school_number);
    return toWritebackRecord(row);
  }

  attempts(actor: Actor, id: string): AttemptRow[] {
    const row = this.store.get(id);
    if (!row) throw new ConnectorError('invalid_filter', `No event with id "${id}" in the log.`);
    assertCanSeeSchool(actor, row.school_number);
    return this.store.attempts(id);
  }

  replay(
    actor: Actor,
    filter: ReplayFilter = {},
    options: RunOptions = {},
  ): Promise<ReplaySummary> {
    const context = {
      store: this.store,
      lookups: this.lookups,
      clock: this.#clock,
      run: () => this.resume(options),
    };
    return replayEvents(context, actor, filter);
  }

  stats(): ConnectorStats {
    const counters = this.client.stats();
    const perWriteback = this.#writebacks === 0 ? 0 : counters.requests / this.#writebacks;
    return { ...counters, writebacks: this.#writebacks, httpRequestsPerWriteback: perWriteback };
  }

  close(): void {
    this.#owner.retire();
    this.store.close();
  }
}
