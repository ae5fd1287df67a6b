/** writeback/: the pipeline from a claimed event to its outcome: decisions, lookups, records, posts, the runner and replay. */
export {
  eventContext,
  sharedCall,
  type EventContext,
  type LogRunContext,
  type RunContext,
} from './context.ts';
export { sqliteRunStore, type RunStore, type StudentKey } from './run-store.ts';
export {
  DEFAULT_LEASE_MS,
  WORKER_CLAIM,
  pgRunStore,
  type PgRunStoreOptions,
} from './pg-run-store.ts';
export { planEvent, type EventPlan } from './decide.ts';
export {
  STUDENT_ID_NOT_FOUND,
  STUDENT_PERIOD_NOT_FOUND,
  prepareWriteback,
  type PreparedWriteback,
  type ReadyRecord,
} from './prepare.ts';
export {
  postedRecords,
  writtenOf,
  type HeldRecord,
  type RecordLine,
  type StoredWritten,
  type WrittenRecord,
} from './written.ts';
export { minutesMissed, pickPeriodAt } from './attendance-record.ts';
export { describeFailure } from './failure.ts';
export { postPrepared } from './post.ts';
export { isOwnerAlive, newOwnerTag } from './owner.ts';
export {
  DEFAULT_RETRY_LATER,
  drainOutbox,
  type DrainOptions,
  type FinishedEvent,
  type RetryLater,
  type RunProgress,
} from './runner.ts';
export { replayEvents, type ReplayFilter, type ReplaySummary } from './replay.ts';
export { previewWritebacks, type WritebackPreview } from './preview.ts';
export {
  cancelEvent,
  correctEvent,
  removeWritten,
  storeRevisions,
  type EventCorrection,
  type EventRevisions,
} from './correct.ts';
export {
  MAX_RECONCILE_EVENTS,
  reconcileWritten,
  resendMissing,
  storeWrittenLog,
  type ReconcileFilter,
  type ReconcileItem,
  type ReconcileReport,
  type WrittenLog,
} from './reconcile.ts';
export {
  acceptEvents,
  parseEvents,
  type AcceptContext,
  type EnqueueResult,
  type EventInputs,
} from './accept.ts';
