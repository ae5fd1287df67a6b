/**
 * Accepting a district's events into pswb_events: inserted from arrays, a chunk per statement,
 * with SQLite's idempotency rule (store/outbox.ts and writeback/accept.ts): an id seen again
 * must come with the same contents, else the call is refused with event_conflict.
 */
import type pg from 'pg';
import {
  ConnectorError,
  differingFields,
  readStoredEvent,
  type WritebackEvent,
} from '../../domain/index.ts';
import type { LocalStamp } from '../rows.ts';
import { OUTBOX_CHANNEL } from './migrations.ts';

/** An event to accept and its district-local stamp (as WritebackStore.accept takes them). */
export interface PgAcceptItem {
  event: WritebackEvent;
  stamp: LocalStamp;
}

/** Events inserted per statement (13 arrays of this many values). */
export const ACCEPT_CHUNK = 1000;

const INSERT_EVENTS = `INSERT INTO pswb_events (district, id, type, school_number, student_name,
  student_dcid, student_ps_id, grade, occurred_at, occurred_ms, local_date, local_time, reason,
  payload, state, created_at, updated_at)
SELECT $1, u.id, u.type, u.school_number, u.student_name, u.student_dcid, u.student_ps_id,
  u.grade, u.occurred_at, u.occurred_ms, u.local_date, u.local_time, u.reason, u.payload,
  'pending', $2, $2
FROM unnest($3::text[], $4::text[], $5::int[], $6::text[], $7::bigint[], $8::bigint[],
  $9::text[], $10::text[], $11::bigint[], $12::date[], $13::text[], $14::text[], $15::jsonb[])
  WITH ORDINALITY AS u(id, type, school_number, student_name, student_dcid, student_ps_id, grade,
  occurred_at, occurred_ms, local_date, local_time, reason, payload, n)
ORDER BY u.n
ON CONFLICT (district, id) DO NOTHING
RETURNING id`;

/** A chunk's first event of each id (a repeat must have the same contents) and its columns. */
function freshOf(chunk: readonly PgAcceptItem[]): PgAcceptItem[] {
  const firstOf = new Map<string, WritebackEvent>();
  const fresh: PgAcceptItem[] = [];
  for (const item of chunk) {
    const earlier = firstOf.get(item.event.id);
    if (earlier) refuseChanged(earlier, item.event);
    else {
      firstOf.set(item.event.id, item.event);
      fresh.push(item);
    }
  }
  return fresh;
}

function insertValues(district: string, fresh: readonly PgAcceptItem[], now: string): unknown[] {
  const column = <T>(pick: (item: PgAcceptItem) => T): T[] => fresh.map(pick);
  return [
    district,
    now,
    column(({ event }) => event.id),
    column(({ event }) => event.type),
    column(({ event }) => event.student.schoolNumber),
    column(({ event }) => event.student.name),
    column(({ event }) => event.student.dcid ?? null),
    column(({ event }) => event.student.id ?? null),
    column(({ event }) => event.student.grade ?? null),
    column(({ event }) => event.occurredAt),
    column(({ event }) => Date.parse(event.occurredAt)),
    column(({ stamp }) => stamp.date),
    column(({ stamp }) => stamp.time),
    column(({ event }) => event.reason),
    column(({ event }) => JSON.stringify(event)),
  ];
}

/**
 * The events inserted and the outbox notified in one statement, committed on its own, only when
 * every id is new: otherwise the division by zero aborts the statement (the inserts with it) and
 * the caller takes the transaction that compares the stored contents (insertChunk). The
 * division's column is selected so that the planner cannot leave it out. One round
 * trip instead of four (BEGIN, INSERT, NOTIFY, COMMIT) for the usual request, whose events are
 * all new: docs/benchmarks.md figure Q.
 */
const INSERT_ALL_NEW = `WITH inserted AS (${INSERT_EVENTS})
SELECT every_id_new, pg_notify('${OUTBOX_CHANNEL}', $1)
FROM (SELECT 1 / (count(*) = $16)::int AS every_id_new FROM inserted) AS checked`;

/** SQLSTATE of the division by zero that says some id was there already. */
const SOME_ID_EXISTS = '22012';

/**
 * Inserts a district's chunk of events, and notifies the outbox, in one statement when every id
 * is new; undefined (nothing inserted) when some id was accepted before.
 */
export async function insertAllNew(
  pool: pg.Pool,
  district: string,
  chunk: readonly PgAcceptItem[],
  now: string,
): Promise<{ id: string; created: boolean }[] | undefined> {
  const fresh = freshOf(chunk);
  try {
    await pool.query(INSERT_ALL_NEW, [...insertValues(district, fresh, now), fresh.length]);
  } catch (error) {
    if ((error as { code?: string }).code === SOME_ID_EXISTS) return undefined;
    throw error;
  }
  const firstItem = new Set<PgAcceptItem>(fresh);
  return chunk.map((item) => ({ id: item.event.id, created: firstItem.has(item) }));
}

/**
 * Inserts one chunk of a district's events; an id seen before (in this chunk, an earlier one,
 * or the table) must come with the same contents, else the call is refused with event_conflict.
 */
export async function insertChunk(
  client: pg.PoolClient,
  district: string,
  chunk: readonly PgAcceptItem[],
  now: string,
): Promise<{ id: string; created: boolean }[]> {
  const fresh = freshOf(chunk);
  const { rows } = await client.query<{ id: string }>(
    INSERT_EVENTS,
    insertValues(district, fresh, now),
  );
  const inserted = new Set(rows.map((row) => row.id));
  const existing = fresh.filter(({ event }) => !inserted.has(event.id));
  if (existing.length > 0) {
    const stored = await client.query<{ id: string; payload: string }>(
      'SELECT id, payload::text AS payload FROM pswb_events WHERE district = $1 AND id = ANY($2::text[])',
      [district, existing.map(({ event }) => event.id)],
    );
    const payloadOf = new Map(stored.rows.map((row) => [row.id, row.payload]));
    for (const { event } of existing) refuseChangedStored(payloadOf.get(event.id), event);
  }
  const firstItem = new Set<PgAcceptItem>(fresh);
  return chunk.map((item) => ({
    id: item.event.id,
    created: firstItem.has(item) && inserted.has(item.event.id),
  }));
}

/** An id stored already must come with the same contents (as the SQLite store's accept). */
function refuseChangedStored(payload: string | undefined, event: WritebackEvent): void {
  let stored: WritebackEvent;
  try {
    stored = readStoredEvent(payload ?? '');
  } catch {
    throw conflict(event, ['the stored event, which cannot be read back']);
  }
  refuseChanged(stored, event);
}

function refuseChanged(stored: WritebackEvent, event: WritebackEvent): void {
  const fields = differingFields(stored, event);
  if (fields.length > 0) throw conflict(event, fields);
}

function conflict(event: WritebackEvent, fields: readonly string[]): ConnectorError {
  return new ConnectorError(
    'event_conflict',
    `Event "${event.id}" was already accepted with other contents (differing: ${fields.join(', ')}); the stored event was kept and nothing was accepted.`,
    { details: fields },
  );
}
