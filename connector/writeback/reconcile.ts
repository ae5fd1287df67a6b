/**
 * Reconciliation: reads back from PowerSchool the records pswb wrote over a date range and says,
 * for each successful event, whether PowerSchool still holds what was written: present, missing
 * (deleted since, or never kept), changed (someone set another code or other minutes), or
 * superseded (a later writeback of the same student, day and period replaced it, as PowerSchool's
 * create-or-update does for Daily and Meeting records). One read per student and day
 * (powerschool/api.ts attendanceOnDay). Re-sending a missing event puts it back in the outbox,
 * after checking again that it is still missing.
 */
import { ConnectorError, type AttendanceMode } from '../domain/index.ts';
import { readLogPage, type LogFilter, type LogPage, type WritebackRecord } from '../log/index.ts';
import { attendanceOnDay, type AttendanceOnDay } from '../powerschool/index.ts';
import type { Actor } from '../setup/index.ts';
import type { WritebackStore } from '../store/index.ts';
import type { LogRunContext } from './context.ts';
import { postedRecords, writtenOf } from './written.ts';

/** What a reconciliation checks: district-local dates, inclusive, and optionally buildings. */
export interface ReconcileFilter {
  from: string;
  to: string;
  school?: number | number[];
}

/** One checked event. */
export interface ReconcileItem {
  id: string;
  studentName: string;
  studentPsId: number;
  schoolNumber: number;
  localDate: string;
  localTime: string;
  mode: AttendanceMode;
  state: 'present' | 'missing' | 'changed' | 'superseded';
  /** For changed: each field that differs, what pswb wrote and what PowerSchool holds now. */
  changes?: { field: string; written: string; now: string }[];
}

/** The report: counts, and the events that need a look. */
export interface ReconcileReport {
  from: string;
  to: string;
  checkedAt: string;
  checked: number;
  present: number;
  superseded: number;
  missing: ReconcileItem[];
  changed: ReconcileItem[];
}

/** The most events one check reads back (pswb's limit: each student-day is one call). */
export const MAX_RECONCILE_EVENTS = 20_000;

interface Written {
  record: WritebackRecord;
  mode: AttendanceMode;
  fields: Record<string, string | number>;
  /** A return to school updated this event's records since, on purpose (return-to-school.ts). */
  returned?: boolean;
}

/**
 * The records a successful event wrote, one check each: every record of a Meeting event's call
 * (the missed periods too), but not a Time record a return to school voided (0 minutes under its
 * DCID, on purpose). None for an event without a record (a return that only removed).
 */
function writtenRecords(record: WritebackRecord): Written[] {
  const written = writtenOf(record);
  const mode = written.mode;
  if (record.studentPsId === null || !mode) return [];
  const voided = (fields: Record<string, string | number>) =>
    fields.dcid !== undefined && Number(fields.total_minutes) === 0;
  return postedRecords(written)
    .filter((fields) => !voided(fields))
    .map((fields) => ({
      record,
      mode,
      fields,
      ...(written.returnedBy !== undefined ? { returned: true } : {}),
    }));
}

const STATE_WEIGHT: Record<ReconcileItem['state'], number> = {
  missing: 3,
  changed: 2,
  present: 1,
  superseded: 0,
};

/** One item per event: its records' worst state (missing, changed, present, superseded). */
function perEvent(items: readonly ReconcileItem[]): ReconcileItem[] {
  const byId = new Map<string, ReconcileItem>();
  for (const item of items) {
    const seen = byId.get(item.id);
    if (!seen) {
      byId.set(item.id, item);
      continue;
    }
    const worse = STATE_WEIGHT[item.state] > STATE_WEIGHT[seen.state] ? item : seen;
    const changes = [...(seen.changes ?? []), ...(item.changes ?? [])];
    byId.set(item.id, { ...worse, ...(changes.length > 0 ? { changes } : {}) });
  }
  return [...byId.values()];
}

/**
 * The log a read-back checks: the connector's SQLite log (storeWrittenLog), or a PostgreSQL
 * district's (service/pg-events.ts).
 */
export interface WrittenLog {
  /** A page of the log as the actor may see it. */
  page(actor: Actor, filter: LogFilter): Promise<LogPage>;
  /** Puts successful events back in the outbox (their records went missing in PowerSchool). */
  requeueWritten(ids: readonly string[], now: string): Promise<void>;
}

/** The connector's own log as a WrittenLog. */
export function storeWrittenLog(store: WritebackStore): WrittenLog {
  return {
    async page(actor, filter) {
      return readLogPage(store, actor, filter);
    },
    async requeueWritten(ids, now) {
      store.requeueWritten(ids, now);
    },
  };
}

/** Reads back every successful event of the range the actor may see. */
export async function reconcileWritten(
  run: LogRunContext,
  actor: Actor,
  filter: ReconcileFilter,
  log: WrittenLog = storeWrittenLog(run.store),
): Promise<ReconcileReport> {
  const written = await successfulEvents(log, actor, filter);
  const byStudentDay = new Map<string, Written[]>();
  for (const item of written) {
    const key = `${item.record.studentPsId}|${item.record.localDate}`;
    byStudentDay.set(key, [...(byStudentDay.get(key) ?? []), item]);
  }
  const items: ReconcileItem[] = [];
  const call = run.signal ? { signal: run.signal } : {};
  for (const group of byStudentDay.values()) {
    const first = group[0]!.record;
    const now = await attendanceOnDay(run.client, first.studentPsId!, first.localDate, call);
    items.push(...perEvent(checkGroup(group, now)));
  }
  return {
    from: filter.from,
    to: filter.to,
    checkedAt: run.clock.now().toISOString(),
    checked: items.length,
    present: items.filter((item) => item.state === 'present').length,
    superseded: items.filter((item) => item.state === 'superseded').length,
    missing: items.filter((item) => item.state === 'missing'),
    changed: items.filter((item) => item.state === 'changed'),
  };
}

async function successfulEvents(
  log: WrittenLog,
  actor: Actor,
  filter: ReconcileFilter,
): Promise<Written[]> {
  const events: Written[] = [];
  for (let page = 1; ; page += 1) {
    const result = await log.page(actor, {
      status: 'successful',
      from: filter.from,
      to: filter.to,
      ...(filter.school !== undefined ? { school: filter.school } : {}),
      page,
      pageSize: 1000,
    });
    if (result.total > MAX_RECONCILE_EVENTS) {
      throw new ConnectorError(
        'invalid_filter',
        `${result.total} successful events fall in ${filter.from}..${filter.to}; one check reads back up to ${MAX_RECONCILE_EVENTS}. Check a shorter range or one building at a time.`,
      );
    }
    for (const record of result.records) events.push(...writtenRecords(record));
    if (page >= result.pages) return events;
  }
}

/** The PowerSchool record a written one is: the same mode, and for Meeting the same period. */
function sameRecord(fields: Record<string, string | number>, row: AttendanceOnDay): boolean {
  if (row.attModeCode !== String(fields.att_mode_code)) return false;
  if (fields.periodid !== undefined && row.periodId !== Number(fields.periodid)) return false;
  if (fields.schoolid !== undefined && row.schoolId !== undefined) {
    return row.schoolId === Number(fields.schoolid);
  }
  return true;
}

/**
 * Checks one student's events of one day against PowerSchool's records of that day. Of several
 * events that wrote the same record, the last one written is what PowerSchool should hold; the
 * earlier ones were replaced by pswb itself (superseded). Time records are one per event
 * (PowerSchool keeps several a day), matched by their minutes.
 */
function checkGroup(group: readonly Written[], rows: readonly AttendanceOnDay[]): ReconcileItem[] {
  const latestFirst = [...group].sort((a, b) =>
    (b.record.completedAt ?? '').localeCompare(a.record.completedAt ?? ''),
  );
  const claimed = new Set<number>();
  const keys = new Set<string>();
  const items: ReconcileItem[] = [];
  for (const item of latestFirst) {
    const { record, fields } = item;
    const base = {
      id: record.id,
      studentName: record.studentName,
      studentPsId: record.studentPsId!,
      schoolNumber: record.schoolNumber,
      localDate: record.localDate,
      localTime: record.localTime,
      mode: item.mode,
    };
    // A return to school removed or recoded these records since: replaced on purpose.
    if (item.returned) {
      items.push({ ...base, state: 'superseded' });
      continue;
    }
    const candidates = rows.filter((row) => sameRecord(fields, row));
    if (item.mode === 'time') {
      const exact = candidates.find(
        (row) => !claimed.has(row.id) && row.totalMinutes === Number(fields.total_minutes),
      );
      if (exact) {
        claimed.add(exact.id);
        items.push({
          ...base,
          state: differences(fields, exact).length > 0 ? 'changed' : 'present',
          ...changesOf(fields, exact),
        });
        continue;
      }
      const other = candidates.find((row) => !claimed.has(row.id));
      if (other) {
        claimed.add(other.id);
        items.push({ ...base, state: 'changed', ...changesOf(fields, other) });
      } else items.push({ ...base, state: 'missing' });
      continue;
    }
    // Daily and Meeting records are keyed by student, day (and period): of several events that
    // wrote one key, only the last is what PowerSchool should hold, found or not.
    const key = `${fields.att_mode_code}|${fields.periodid ?? ''}|${fields.schoolid ?? ''}`;
    if (keys.has(key)) {
      items.push({ ...base, state: 'superseded' });
      continue;
    }
    keys.add(key);
    const row = candidates[0];
    if (!row) {
      items.push({ ...base, state: 'missing' });
      continue;
    }
    claimed.add(row.id);
    const changes = differences(fields, row);
    items.push({
      ...base,
      state: changes.length > 0 ? 'changed' : 'present',
      ...changesOf(fields, row),
    });
  }
  return items;
}

function changesOf(fields: Record<string, string | number>, row: AttendanceOnDay) {
  const changes = differences(fields, row);
  return changes.length > 0 ? { changes } : {};
}

/** The written fields PowerSchool now holds other values for: the code, and Time's minutes. */
function differences(
  fields: Record<string, string | number>,
  row: AttendanceOnDay,
): { field: string; written: string; now: string }[] {
  const checks: [string, number | undefined][] = [
    ['attendance_codeid', row.attendanceCodeId],
    ['total_minutes', row.totalMinutes],
  ];
  return checks
    .filter(([field]) => fields[field] !== undefined)
    .filter(([field, now]) => Number(fields[field]) !== now)
    .map(([field, now]) => ({
      field,
      written: String(fields[field]),
      now: now === undefined ? '' : String(now),
    }));
}

/**
 * Puts missing events back in the outbox: each is read back again first, and only those still
 * missing move (so a record restored in PowerSchool meanwhile is not written twice). The ids
 * moved; an id that is not a successful event the actor may see answers event_not_found.
 */
export async function resendMissing(
  run: LogRunContext,
  actor: Actor,
  ids: readonly string[],
  log: WrittenLog = storeWrittenLog(run.store),
): Promise<string[]> {
  const checks: Written[][] = [];
  for (const id of ids) {
    const page = await log.page(actor, { status: 'successful', ids: [id], pageSize: 1 });
    const record = page.records[0];
    const records = record ? writtenRecords(record) : [];
    if (records.length === 0) {
      throw new ConnectorError(
        'event_not_found',
        `No successful event with id "${id}" among your buildings' events.`,
      );
    }
    checks.push(records);
  }
  const missing: string[] = [];
  for (const records of checks) {
    const { record } = records[0]!;
    const rows = await attendanceOnDay(
      run.client,
      record.studentPsId!,
      record.localDate,
      run.signal ? { signal: run.signal } : {},
    );
    const [checked] = perEvent(checkGroup(records, rows));
    if (checked?.state === 'missing') missing.push(record.id);
  }
  if (missing.length > 0) await log.requeueWritten(missing, run.clock.now().toISOString());
  return missing;
}
