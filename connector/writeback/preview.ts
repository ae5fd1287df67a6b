/**
 * A dry run: what writing events would do now, against PowerSchool as it is, without writing
 * anything. Each event goes through the same preparation as a real run (settings, the student's
 * id, the district-local time, the reason code, the period or the school day, the record for the
 * school's mode), every lookup a real call to PowerSchool; then nothing is posted and nothing is
 * stored (no outbox row, no journal, no stamp). What PowerSchool itself decides when it receives a
 * record (enrollment on the date, the code's year, the school's attendance method) shows only when
 * it is posted: Inferred, PowerSchool has no validate-only call for attendance writes.
 */
import type { WritebackEvent } from '../domain/index.ts';
import { explainFailure } from '../troubleshooting/index.ts';
import type { EventOutcome, EventRow } from '../store/index.ts';
import type { RunContext } from './context.ts';
import { prepareWriteback, type WrittenRecord } from './prepare.ts';

/** What writing one event would do now. */
export interface WritebackPreview {
  id: string;
  /** would_write: `record` would be posted; not_attempted or failed: decided before any post. */
  outcome: 'would_write' | 'not_attempted' | 'failed';
  studentPsId?: number;
  record?: WrittenRecord;
  error?: {
    code: string;
    message: string;
    status?: number;
    meaning: string;
    resolution: readonly string[];
  };
}

/** Previews the events one after another (lookups are cached as in a run). */
export async function previewWritebacks(
  run: RunContext,
  events: readonly WritebackEvent[],
): Promise<WritebackPreview[]> {
  const previews: WritebackPreview[] = [];
  for (const event of events) {
    const prepared = await prepareWriteback({
      run,
      row: unsavedRow(event, run.clock.now().toISOString()),
      call: run.signal ? { signal: run.signal } : {},
      stamp: () => undefined,
    });
    if (prepared.kind === 'ready') {
      previews.push({
        id: event.id,
        outcome: 'would_write',
        studentPsId: prepared.studentPsId,
        record: prepared.written,
      });
      continue;
    }
    const outcome: EventOutcome =
      prepared.kind === 'wait'
        ? {
            state: 'not_attempted',
            studentPsId: prepared.studentPsId,
            error: {
              code: 'waiting_for_checkout',
              message: `It would wait for the student's early check-out ${prepared.checkoutId} to be written first (return to school).`,
            },
          }
        : prepared.outcome;
    const error = outcome.error;
    const entry = error ? explainFailure(error) : undefined;
    previews.push({
      id: event.id,
      outcome: outcome.state === 'not_attempted' ? 'not_attempted' : 'failed',
      ...(outcome.studentPsId !== undefined ? { studentPsId: outcome.studentPsId } : {}),
      ...(error && entry
        ? {
            error: {
              code: error.code,
              message: error.message,
              ...(error.status !== undefined ? { status: error.status } : {}),
              meaning: entry.meaning,
              resolution: entry.resolution,
            },
          }
        : {}),
    });
  }
  return previews;
}

/** The row an event would have in the outbox, never stored. */
function unsavedRow(event: WritebackEvent, now: string): EventRow {
  return {
    seq: 0,
    id: event.id,
    type: event.type,
    school_number: event.student.schoolNumber,
    student_name: event.student.name,
    student_dcid: event.student.dcid ?? null,
    student_ps_id: event.student.id ?? null,
    grade: event.student.grade ?? null,
    occurred_at: event.occurredAt,
    occurred_ms: Date.parse(event.occurredAt),
    local_date: '',
    local_time: '',
    reason: event.reason,
    payload: JSON.stringify(event),
    state: 'pending',
    owner: null,
    runs: 0,
    retries: 0,
    retry_at: null,
    error_code: null,
    error_message: null,
    error_status: null,
    error_body: null,
    result: null,
    created_at: now,
    updated_at: now,
    completed_at: null,
  };
}
