/**
 * Replay: after a fix (codes imported, mode corrected, SIS ids repaired), re-send the failed
 * events that match a filter. Caches are dropped first so student ids, periods and school days
 * are resolved again; reason codes are read from the settings afresh. Each replay is a new run
 * whose attempts are added to the event's history.
 */
import { type Clock, ConnectorError } from '../domain/index.ts';
import type { Lookups } from '../powerschool/index.ts';
import type { RunProgress } from './runner.ts';
import type { Actor } from '../setup/index.ts';
import { type LogFilter, scopeLogFilter } from '../log/index.ts';
import type { WritebackStore } from '../store/index.ts';

/** The log filter, limited to the states a replay can re-send. */
export type ReplayFilter = Omit<LogFilter, 'status' | 'page' | 'pageSize'> & {
  /** failed (default) or not_attempted (after enabling a school). */
  status?: 'failed' | 'not_attempted';
};

/** What a replay did. */
export interface ReplaySummary extends RunProgress {
  /** Events moved back to the outbox. */
  requeued: number;
  ids: string[];
}

const REPLAY_PAGE = 1000;

/** Re-sends matching failed (or not attempted) events the actor may see. */
export async function replayEvents(
  context: {
    store: WritebackStore;
    lookups: Lookups;
    clock: Clock;
    run: () => Promise<RunProgress>;
  },
  actor: Actor,
  filter: ReplayFilter,
): Promise<ReplaySummary> {
  const status = filter.status ?? 'failed';
  if (status !== 'failed' && status !== 'not_attempted') {
    throw new ConnectorError(
      'invalid_filter',
      `Replay re-sends failed or not_attempted events; "${String(status)}" is not one of them.`,
    );
  }
  const ids: string[] = [];
  for (let page = 1; ; page += 1) {
    const query = scopeLogFilter(actor, { ...filter, status, page, pageSize: REPLAY_PAGE });
    const { rows } = context.store.query(query);
    ids.push(...rows.map((row) => row.id));
    if (rows.length < REPLAY_PAGE) break;
  }
  context.lookups.forgetResolutions();
  const requeued = context.store.requeue(ids, context.clock.now().toISOString());
  const progress = await context.run();
  return { ...progress, requeued, ids };
}
