/**
 * Accepting events into the outbox, all or none: every input validated (each problem reported
 * with its position), repeats of one id folded (the same contents count once, other contents
 * are an event_conflict, as is an id already stored with other contents), then every new event
 * committed in one transaction before anything is sent.
 *
 * Two passes over the inputs, so a 200,000-event file is never held whole: the first keeps only
 * a digest per id, the second parses again while it inserts (and drops each event once inserted).
 * Inputs may be an array or a function that reads them afresh each time (the CLI reads a JSON
 * lines file line by line). docs/benchmarks.md figure M.
 */
import { createHash } from 'node:crypto';
import {
  ConnectorError,
  differingFields,
  formatClockTime,
  parseWritebackEvent,
  readStoredEvent,
  toDistrictLocalTime,
  type StudentIdSource,
  type WritebackEvent,
} from '../domain/index.ts';
import type { EventRow, LocalStamp, WritebackStore } from '../store/index.ts';

/** What was committed: each distinct event's id in the order given, and whether it was new. */
export interface EnqueueResult {
  events: { id: string; created: boolean }[];
  /** How many were new. */
  created: number;
}

/** Where and how events are accepted. */
export interface AcceptContext {
  store: WritebackStore;
  source: StudentIdSource;
  /** The zone that stamps an event's local date until it is processed. */
  zone: string;
  now: string;
}

/** Events to accept: a list, or a function that reads them afresh each time it is called. */
export type EventInputs = readonly unknown[] | (() => Iterable<unknown>);

/** Validates and commits the events, all or none; throws invalid_event or event_conflict. */
export function acceptEvents(context: AcceptContext, inputs: EventInputs): EnqueueResult {
  const read = typeof inputs === 'function' ? inputs : () => inputs;
  // An array is in memory already: its parsed events are kept from the first pass, not parsed
  // again. Only a reader (a large file) is read twice.
  const kept: WritebackEvent[] | undefined = typeof inputs === 'function' ? undefined : [];
  const firstOf = checkAll(read, context.source, kept);
  function* items(): Generator<{ event: WritebackEvent; stamp: LocalStamp }> {
    let index = 0;
    for (const input of kept ?? read()) {
      const event = kept ? (input as WritebackEvent) : parseWritebackEvent(input, context.source);
      if (firstOf.get(event.id)?.index === index)
        yield { event, stamp: stampOf(event, context.zone) };
      index += 1;
    }
  }
  const events = context.store.accept(items(), context.now, refuseConflict);
  return { events, created: events.filter((item) => item.created).length };
}

/**
 * Validates events as accepting them would, all or none (each problem by its position; an id
 * given twice with other contents refused), without storing anything: what a preview checks.
 */
export function parseEvents(inputs: readonly unknown[], source: StudentIdSource): WritebackEvent[] {
  const kept: WritebackEvent[] = [];
  checkAll(() => inputs, source, kept);
  return kept;
}

function stampOf(event: WritebackEvent, zone: string): LocalStamp {
  const local = toDistrictLocalTime(new Date(event.occurredAt), zone);
  return { date: local.date, time: formatClockTime(local.secondsSinceMidnight) };
}

function digest(event: WritebackEvent): string {
  return createHash('sha1').update(JSON.stringify(event)).digest('base64');
}

/** Pass one: every input valid, and each id's first position and digest; throws on a problem. */
function checkAll(
  read: () => Iterable<unknown>,
  source: StudentIdSource,
  keep?: WritebackEvent[],
): Map<string, { index: number; digest: string | undefined }> {
  const problems: { index: number; message: string }[] = [];
  const conflicts: { id: string; earlier: number; event: WritebackEvent }[] = [];
  const firstOf = new Map<string, { index: number; digest: string | undefined }>();
  let count = 0;
  for (const input of read()) {
    const index = count;
    count += 1;
    try {
      const event = parseWritebackEvent(input, source);
      keep?.push(event);
      const first = firstOf.get(event.id);
      // Kept events are compared field by field when an id repeats; a reader's are not kept,
      // so each id's first event leaves a digest to compare against instead.
      if (!first) firstOf.set(event.id, { index, digest: keep ? undefined : digest(event) });
      else if (
        keep
          ? differingFields(keep[first.index]!, event).length > 0
          : first.digest !== digest(event)
      )
        conflicts.push({ id: event.id, earlier: first.index, event });
    } catch (error) {
      if (!(error instanceof ConnectorError)) throw error;
      problems.push({ index, message: error.message });
    }
  }
  if (problems.length > 0) {
    const lines = problems.map(({ index, message }) =>
      count === 1 ? message : `#${index + 1}: ${message}`,
    );
    const head =
      count === 1
        ? lines[0]!
        : `${problems.length} of ${count} events are not valid, so none was accepted.`;
    throw new ConnectorError('invalid_event', head, { details: lines });
  }
  if (conflicts.length > 0) {
    const named = describeConflicts(read, source, conflicts);
    throw new ConnectorError(
      'event_conflict',
      `The same event id is given twice with different contents: ${named.join('; ')}. None was accepted.`,
      { details: named },
    );
  }
  return firstOf;
}

/** `"id" (reason, student.dcid)` for each repeat, reading the earlier events back. */
function describeConflicts(
  read: () => Iterable<unknown>,
  source: StudentIdSource,
  conflicts: readonly { id: string; earlier: number; event: WritebackEvent }[],
): string[] {
  const wanted = new Set(conflicts.map((conflict) => conflict.earlier));
  const earlier = new Map<number, WritebackEvent>();
  let index = 0;
  for (const input of read()) {
    if (wanted.has(index)) earlier.set(index, parseWritebackEvent(input, source));
    index += 1;
  }
  return conflicts.map(({ id, earlier: at, event }) => {
    const fields = differingFields(earlier.get(at)!, event);
    return `"${id}" (${fields.join(', ')})`;
  });
}

/** An id already stored must come with the same contents. */
function refuseConflict(row: EventRow, event: WritebackEvent): void {
  let fields: string[];
  try {
    fields = differingFields(readStoredEvent(row.payload), event);
  } catch {
    fields = ['the stored event, which cannot be read back'];
  }
  if (fields.length === 0) return;
  throw new ConnectorError(
    'event_conflict',
    `Event "${event.id}" was already accepted with other contents (differing: ${fields.join(', ')}); the stored event was kept and nothing was accepted.`,
    { details: fields },
  );
}
