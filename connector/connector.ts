/**
 * createConnector: the library behind `pswb` and the service. It ties the transport, settings,
 * lookups, outbox and log together; every entry point that acts for a person takes an Actor so
 * the role rules hold whatever the front end.
 */
import type { Dispatcher } from 'undici';
import { ConnectorError, systemClock, type Clock, type WritebackEvent } from './domain/index.ts';
import type { AttemptListener, RetryOptions } from './http/index.ts';
import {
  DEFAULT_CACHE_TTLS,
  Lookups,
  createPowerSchoolClient,
  type CacheTtls,
  type ClientStats,
  type PowerSchoolClient,
} from './powerschool/index.ts';
import {
  assertCanSeeSchool,
  canSeeSchool,
  checkConnection,
  checkReasonYears,
  importAttendanceCodes,
  refreshSchools,
  setPreventSchoolOverrides,
  setSchoolBehaviours,
  updateSchools,
  viewSchools,
  SettingsStore,
  type Actor,
  type CodeImportOptions,
  type CodeImportResult,
  type ConnectionReport,
  type ReasonYearWarning,
  type BehavioursChange,
  type SchoolBehaviours,
  type SchoolChange,
  type SchoolView,
} from './setup/index.ts';
import {
  WritebackStore,
  type ApiKeyStore,
  type AttemptRow,
  type EventVersionRow,
} from './store/index.ts';
import {
  readLogPage,
  resendableRow,
  toWritebackRecord,
  type LogFilter,
  type LogPage,
  type WritebackRecord,
} from './log/index.ts';
import {
  acceptEvents,
  cancelEvent,
  correctEvent,
  storeRevisions,
  drainOutbox,
  parseEvents,
  previewWritebacks,
  reconcileWritten,
  resendMissing,
  type WrittenLog,
  type ReconcileFilter,
  type ReconcileReport,
  type WritebackPreview,
  type EnqueueResult,
  type EventInputs,
  newOwnerTag,
  replayEvents,
  type DrainOptions,
  type ReplayFilter,
  type ReplaySummary,
  type LogRunContext,
  type RunStore,
  sqliteRunStore,
  type FinishedEvent,
  type RetryLater,
  type RunProgress,
  type EventCorrection,
  type EventRevisions,
  type HeldRecord,
} from './writeback/index.ts';

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
  /** false when an event with the same id and contents was already accepted (nothing new is written). */
  created: boolean;
}

/** Options of the runs that send events. */
export interface RunOptions {
  onProgress?: (progress: RunProgress) => void;
  /** Called as each event reaches its final state. */
  onOutcome?: (outcome: FinishedEvent) => void;
  /** Put events that met an unavailable PowerSchool back for a later run (the service does). */
  retryLater?: RetryLater;
  /** Stops the run: nothing more is claimed and unfinished events go back to pending. */
  signal?: AbortSignal;
  /**
   * Events claimed at a time (default 200). Workers sharing a queue claim fewer, so each holds
   * only what it is about to write and the last events spread over all of them (figure W).
   */
  batchSize?: number;
}

/** The outbox's depth (the service's health answer). */
export interface OutboxDepth {
  pending: number;
  sending: number;
  /** When the oldest event still waiting was accepted; null when none waits. */
  oldestPendingAt: string | null;
}

/** Counters for the request budget. */
export interface ConnectorStats extends ClientStats {
  httpRequestsPerWriteback: number;
  writebacks: number;
}

/** A correction or cancellation done: the records removed from PowerSchool, the event now. */
export interface CorrectionResult {
  removed: HeldRecord[];
  record: WritebackRecord;
  /** A correction's event before and after (for the audit log). */
  before?: WritebackEvent;
  after?: WritebackEvent;
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
  /** Changes one school's behaviours beyond the guide (setup/school-behaviours.ts). */
  setSchoolBehaviours(
    actor: Actor,
    schoolNumber: number,
    change: BehavioursChange,
  ): Promise<SchoolBehaviours>;
  importAttendanceCodes(actor: Actor, options: CodeImportOptions): Promise<CodeImportResult>;
  checkReasonYears(actor: Actor, date?: string): Promise<ReasonYearWarning[]>;
  /**
   * Validates and commits events, all or none: every invalid event is reported (by position),
   * and an id given again with other contents is refused (event_conflict). Nothing is sent yet.
   */
  enqueue(inputs: EventInputs): EnqueueResult;
  /** enqueue, returning each event's record. */
  accept(inputs: readonly unknown[]): AcceptResult[];
  /** Accepts events, then sends everything pending; resolves with the given events' records. */
  send(inputs: readonly unknown[], options?: RunOptions): Promise<WritebackRecord[]>;
  /**
   * A dry run: validates the events as accepting them would, then for each does every lookup and
   * check against PowerSchool and builds the record that would be posted; posts and stores
   * nothing (writeback/preview.ts). `outbox`: where the student's other events of the day are
   * (a return to school), when not this connector's own log (a PostgreSQL district's).
   */
  preview(
    inputs: readonly unknown[],
    options?: { signal?: AbortSignal; outbox?: RunStore },
  ): Promise<WritebackPreview[]>;
  /**
   * Reads back from PowerSchool the records of the range's successful events and reports each
   * missing or changed one (writeback/reconcile.ts).
   */
  reconcile(actor: Actor, filter: ReconcileFilter, log?: WrittenLog): Promise<ReconcileReport>;
  /**
   * Puts the events back in the outbox that are still missing from PowerSchool; their ids.
   * `log`: the log checked, when not this connector's own (a PostgreSQL district's).
   */
  resendMissing(actor: Actor, ids: readonly string[], log?: WrittenLog): Promise<string[]>;
  /** Sends whatever is pending, including events a killed run left behind. */
  resume(options?: RunOptions): Promise<RunProgress>;
  /**
   * resume() on another outbox: a district's events on PostgreSQL (writeback/pg-run-store.ts),
   * written with this connector's connection, settings and lookups.
   */
  drain(outbox: RunStore, options?: RunOptions): Promise<RunProgress>;
  logs(actor: Actor, filter?: LogFilter): LogPage;
  record(actor: Actor, id: string): WritebackRecord | undefined;
  attempts(actor: Actor, id: string): AttemptRow[];
  replay(actor: Actor, filter?: ReplayFilter, options?: RunOptions): Promise<ReplaySummary>;
  /**
   * Puts one Failed or Not attempted event back in the outbox (its student, period and codes are
   * looked up again) without sending it: a running worker picks it up. Returns it, pending.
   */
  resend(actor: Actor, id: string): WritebackRecord;
  /**
   * Corrects a stored event (student, time, reason, type): what it wrote is removed from
   * PowerSchool, the version before is kept, and the corrected event goes back in the outbox
   * (writeback/correct.ts). `by` names who did it in the event's history (default: the actor).
   * `elsewhere`: the event is in another log (a PostgreSQL district's): read and revised there,
   * its removals journaled through that outbox.
   */
  correct(
    actor: Actor,
    id: string,
    change: EventCorrection,
    by?: string,
    elsewhere?: EventsElsewhere,
  ): Promise<CorrectionResult>;
  /** Cancels a stored event: what it wrote is removed from PowerSchool, it is kept as it was. */
  cancel(
    actor: Actor,
    id: string,
    by?: string,
    elsewhere?: EventsElsewhere,
  ): Promise<CorrectionResult>;
  /** An event's earlier versions, oldest first (none when the actor may not see it). */
  versions(actor: Actor, id: string): EventVersionRow[];
  stats(): ConnectorStats;
  /** The outbox's depth: waiting, being sent, and when the oldest waiting event was accepted. */
  queue(): OutboxDepth;
  /** The service's API keys (in the same SQLite file as the log). */
  readonly keys: ApiKeyStore;
  close(): void;
}

/** An event log other than the connector's own, for a correction (a PostgreSQL district's). */
export interface EventsElsewhere {
  revisions: EventRevisions;
  outbox: RunStore;
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
  /** The outbox as runs see it (writeback/run-store.ts). */
  readonly #outbox: RunStore;
  readonly #drain: Omit<DrainOptions, 'onProgress' | 'owner'>;
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
    this.#outbox = sqliteRunStore(this.store);
    this.lookups = new Lookups(this.client, this.#clock, {
      ...DEFAULT_CACHE_TTLS,
      ...options.cacheTtls,
    });
    this.#drain = {
      concurrency: options.concurrency ?? 4,
      batchSize: 200,
      batchWrites: options.batchWrites ?? true,
    };
  }

  #runContext(signal?: AbortSignal): LogRunContext {
    const settings = this.settings;
    return {
      store: this.store,
      outbox: this.#outbox,
      lookups: this.lookups,
      client: this.client,
      settings: () => settings.get(),
      clock: this.#clock,
      ...(signal ? { signal } : {}),
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

  setSchoolBehaviours(
    actor: Actor,
    schoolNumber: number,
    change: BehavioursChange,
  ): Promise<SchoolBehaviours> {
    return setSchoolBehaviours(this.settings, actor, schoolNumber, change);
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

  enqueue(inputs: EventInputs): EnqueueResult {
    const current = this.settings.get();
    return acceptEvents(
      {
        store: this.store,
        source: current.connection?.studentIdSource ?? 'dcid',
        // The zone saved at connect time stamps the log's date until the event is processed
        // (which stamps it with the zone PowerSchool reports then).
        zone: current.districtTimezone ?? 'UTC',
        now: this.#clock.now().toISOString(),
      },
      inputs,
    );
  }

  accept(inputs: readonly unknown[]): AcceptResult[] {
    const { events } = this.enqueue(inputs);
    const rows = this.store.getMany(events.map((event) => event.id));
    return rows.map((row, index) => ({
      record: toWritebackRecord(row!),
      created: events[index]!.created,
    }));
  }

  async send(inputs: readonly unknown[], options: RunOptions = {}): Promise<WritebackRecord[]> {
    const { events } = this.enqueue(inputs);
    await this.resume(options);
    return this.store
      .getMany(events.map((event) => event.id))
      .map((row) => toWritebackRecord(row!));
  }

  async preview(
    inputs: readonly unknown[],
    options: { signal?: AbortSignal; outbox?: RunStore } = {},
  ): Promise<WritebackPreview[]> {
    const source = this.settings.get().connection?.studentIdSource ?? 'dcid';
    const run = this.#runContext(options.signal);
    return previewWritebacks(
      options.outbox ? { ...run, outbox: options.outbox } : run,
      parseEvents(inputs, source),
    );
  }

  reconcile(actor: Actor, filter: ReconcileFilter, log?: WrittenLog): Promise<ReconcileReport> {
    return reconcileWritten(this.#runContext(), actor, filter, log);
  }

  resendMissing(actor: Actor, ids: readonly string[], log?: WrittenLog): Promise<string[]> {
    return resendMissing(this.#runContext(), actor, ids, log);
  }

  resume(options: RunOptions = {}): Promise<RunProgress> {
    return this.drain(this.#outbox, options);
  }

  async drain(outbox: RunStore, options: RunOptions = {}): Promise<RunProgress> {
    const { signal, ...rest } = options;
    // Each run claims under its own owner tag, so runs of one connector at once (the service's
    // workers) never release or recover each other's claims.
    const owner = newOwnerTag();
    try {
      const progress = await drainOutbox(
        { ...this.#runContext(signal), outbox },
        { ...this.#drain, owner: owner.tag, ...rest },
      );
      this.#writebacks += progress.done;
      return progress;
    } finally {
      owner.retire();
    }
  }

  logs(actor: Actor, filter: LogFilter = {}): LogPage {
    return readLogPage(this.store, actor, filter);
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

  resend(actor: Actor, id: string): WritebackRecord {
    resendableRow(this.store.get(id), actor, id);
    this.lookups.forgetResolutions();
    this.store.requeue([id], this.#clock.now().toISOString());
    return toWritebackRecord(this.store.get(id)!);
  }

  async correct(
    actor: Actor,
    id: string,
    change: EventCorrection,
    by?: string,
    elsewhere?: EventsElsewhere,
  ): Promise<CorrectionResult> {
    const { run, revisions } = this.#revising(elsewhere);
    const { row, ...done } = await correctEvent(run, actor, id, change, by, revisions);
    this.lookups.forgetResolutions();
    return { ...done, record: toWritebackRecord(row) };
  }

  async cancel(
    actor: Actor,
    id: string,
    by?: string,
    elsewhere?: EventsElsewhere,
  ): Promise<CorrectionResult> {
    const { run, revisions } = this.#revising(elsewhere);
    const { row, ...done } = await cancelEvent(run, actor, id, by, revisions);
    return { ...done, record: toWritebackRecord(row) };
  }

  #revising(elsewhere: EventsElsewhere | undefined) {
    const run = this.#runContext();
    return elsewhere
      ? { run: { ...run, outbox: elsewhere.outbox }, revisions: elsewhere.revisions }
      : { run, revisions: storeRevisions(this.store) };
  }

  versions(actor: Actor, id: string): EventVersionRow[] {
    const row = this.store.get(id);
    if (!row || !canSeeSchool(actor, row.school_number)) return [];
    return this.store.versions(id);
  }

  stats(): ConnectorStats {
    const counters = this.client.stats();
    const perWriteback = this.#writebacks === 0 ? 0 : counters.requests / this.#writebacks;
    return { ...counters, writebacks: this.#writebacks, httpRequestsPerWriteback: perWriteback };
  }

  queue(): OutboxDepth {
    return this.store.queue();
  }

  get keys(): ApiKeyStore {
    return this.store.keys;
  }

  close(): void {
    this.store.close();
  }
}
