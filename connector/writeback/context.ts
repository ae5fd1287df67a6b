/**
 * The contexts of a writeback run: RunContext is what every event of a run shares (store,
 * lookups, client, settings, clock, the run's abort signal); EventContext is one claimed event,
 * carrying the call options that journal its HTTP attempts under its current run.
 */
import type { Clock } from '../domain/index.ts';
import type { CallOptions } from '../http/index.ts';
import type { Lookups, PowerSchoolClient } from '../powerschool/index.ts';
import type { ConnectorSettings } from '../setup/index.ts';
import type { EventRow, LocalStamp, WritebackStore } from '../store/index.ts';
import type { RunStore } from './run-store.ts';

/** What a run needs from the connector. */
export interface RunContext {
  /** The outbox and log a run claims from and finishes in (SQLite or PostgreSQL). */
  outbox: RunStore;
  lookups: Lookups;
  client: PowerSchoolClient;
  /** The settings now (a frozen snapshot; read once per event). */
  settings: () => ConnectorSettings;
  clock: Clock;
  /** Aborts the run's calls (Ctrl-C, shutdown). */
  signal?: AbortSignal;
}

/** A run over the SQLite log as well: reconciliation and corrections read and change it. */
export interface LogRunContext extends RunContext {
  store: WritebackStore;
}

/** One claimed event being written. */
export interface EventContext {
  run: RunContext;
  row: EventRow;
  /** Journals the event's attempts under its current run; carries the run's signal. */
  call: CallOptions;
  /** Records the district-local date and time the event is shown by (a preview records nothing). */
  stamp: (stamp: LocalStamp) => void;
}

/** The context of one claimed event. */
export function eventContext(run: RunContext, row: EventRow): EventContext {
  return {
    run,
    row,
    call: {
      onAttempt: (attempt) => run.outbox.recordAttempt(row, attempt),
      ...(run.signal ? { signal: run.signal } : {}),
    },
    stamp: (stamp) => run.outbox.stamp(row, stamp),
  };
}

/** Call options for one call made for many events (a DCID batch, a batch write): journaled under each. */
export function sharedCall(run: RunContext, rows: readonly EventRow[]): CallOptions {
  const calls = rows.map((row) => eventContext(run, row).call.onAttempt!);
  return {
    onAttempt: (attempt) => calls.forEach((record) => record(attempt)),
    ...(run.signal ? { signal: run.signal } : {}),
  };
}
