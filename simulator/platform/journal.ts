/**
 * The request journal: a fixed-size ring buffer of what the simulator answered, newest first.
 * Recording is O(1) with no allocation beyond the entry (a benchmark drives thousands of requests
 * a second through it). It never holds headers, bodies, or secret query values.
 */
import type { SimClock } from '../clock.ts';
import { isGlob, matchesGlob } from './glob.ts';

/** What the journal keeps of one request. */
export interface JournalEntry {
  /** ISO instant on the simulator clock when the request arrived. */
  at: string;
  method: string;
  path: string;
  /** The query string without "?", secret values replaced by "***". */
  query: string;
  /** HTTP status answered; 0 when the connection was reset or the request hung. */
  status: number;
  durationMs: number;
  pluginId?: number;
  /** The fault rule that acted on the request: "<rule id>:<action type>". */
  fault?: string;
}

/** An entry as recorded (the instant kept as a number until read). */
export type JournalRecord = Omit<JournalEntry, 'at'> & { atMs: number };

/** Filters for GET /__sim/journal. */
export interface JournalFilter {
  /** A substring of the path, or a glob when it holds * or ?. */
  path?: string;
  /** An exact status ("404", 404) or a class ("4xx"). */
  status?: string | number;
  method?: string;
  limit?: number;
}

export const DEFAULT_JOURNAL_SIZE = 1000;

/** Query parameter names whose values never reach the journal. */
const SECRET_PARAMETER = /token|secret|password|passwd|key|code|credential|auth/i;

/** Removes secret values from a raw query string; other parameters keep their exact text. */
export function redactQuery(rawQuery: string): string {
  if (rawQuery === '' || !SECRET_PARAMETER.test(rawQuery)) return rawQuery;
  return rawQuery
    .split('&')
    .map((part) => {
      const equals = part.indexOf('=');
      const rawName = equals === -1 ? part : part.slice(0, equals);
      return SECRET_PARAMETER.test(safeDecode(rawName)) ? `${rawName}=***` : part;
    })
    .join('&');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** A bounded, newest-first log of requests. */
export class RequestJournal {
  readonly capacity: number;
  readonly #clock: SimClock;
  readonly #slots: (JournalRecord | undefined)[];
  #next = 0;
  #size = 0;

  constructor(options: { clock: SimClock; size?: number }) {
    const size = options.size ?? DEFAULT_JOURNAL_SIZE;
    if (!Number.isInteger(size) || size < 1 || size > 1_000_000) {
      throw new RangeError(`journal size must be a whole number from 1 to 1000000; got ${size}.`);
    }
    this.capacity = size;
    this.#clock = options.clock;
    this.#slots = new Array<JournalRecord | undefined>(size);
  }

  /** How many entries are held. */
  get size(): number {
    return this.#size;
  }

  /** The simulator clock's now, for stamping an entry when its request arrives. */
  now(): number {
    return this.#clock.nowMs();
  }

  /** Adds one entry, overwriting the oldest when full. */
  record(entry: JournalRecord): void {
    this.#slots[this.#next] = entry;
    this.#next = (this.#next + 1) % this.capacity;
    if (this.#size < this.capacity) this.#size += 1;
  }

  /** Entries newest first, filtered. */
  list(filter: JournalFilter = {}): JournalEntry[] {
    const limit = filter.limit ?? this.capacity;
    const accept = buildPredicate(filter);
    const entries: JournalEntry[] = [];
    for (let offset = 1; offset <= this.#size && entries.length < limit; offset += 1) {
      const record = this.#slots[(this.#next - offset + this.capacity) % this.capacity]!;
      if (accept(record)) entries.push(toEntry(record));
    }
    return entries;
  }

  /** Empties the journal; returns how many entries were dropped. */
  clear(): number {
    const dropped = this.#size;
    this.#slots.fill(undefined);
    this.#next = 0;
    this.#size = 0;
    return dropped;
  }
}

function toEntry({ atMs, ...rest }: JournalRecord): JournalEntry {
  return { at: new Date(atMs).toISOString(), ...rest };
}

function buildPredicate(filter: JournalFilter): (record: JournalRecord) => boolean {
  const checks: ((record: JournalRecord) => boolean)[] = [];
  if (filter.path) {
    const path = filter.path;
    checks.push(
      isGlob(path) ? (record) => matchesGlob(path, record.path) : (r) => r.path.includes(path),
    );
  }
  if (filter.status !== undefined) checks.push(statusPredicate(String(filter.status)));
  if (filter.method) {
    const method = filter.method.toUpperCase();
    checks.push((record) => record.method === method);
  }
  return (record) => checks.every((check) => check(record));
}

function statusPredicate(status: string): (record: JournalRecord) => boolean {
  const statusClass = /^([1-5])xx$/i.exec(status);
  if (statusClass) {
    const hundreds = Number(statusClass[1]);
    return (record) => Math.floor(record.status / 100) === hundreds;
  }
  const exact = Number(status);
  return (record) => record.status === exact;
}

/** True for a valid status filter: a code such as 404 or a class such as 4xx. */
export function isStatusFilter(text: string): boolean {
  return /^([1-5]xx|[0-5]\d\d|0)$/i.test(text);
}
