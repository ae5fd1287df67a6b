/**
 * The cached reads a writeback needs: district time zone, DCID -> ID (batched), the school day
 * (year, calendar day, first and last bell) and a student's periods on a date. Caching keeps a
 * run near one HTTP request per writeback.
 */
import { QUERY_NAMES } from '../../plugin/contract.ts';
import type { Clock } from '../domain/index.ts';
import { getDistrictMetadata, runPowerQueryAllPages, type DistrictMetadata } from './api.ts';
import type { CallOptions } from '../http/index.ts';
import type { PowerSchoolClient } from './client.ts';
import {
  PeriodRow,
  SchoolDayRow,
  StudentRow,
  parseRows,
  type PeriodRow as PeriodRecord,
  type SchoolDayRow as SchoolDayRecord,
  type StudentRow as StudentRecord,
} from './query-rows.ts';
import { TtlCache } from './ttl-cache.ts';

/** How long each kind of answer is reused. */
export interface CacheTtls {
  metadataMs: number;
  studentMs: number;
  /** "No student has this DCID": short, so a fixed SIS sync is seen soon. */
  studentMissingMs: number;
  schoolDayMs: number;
  periodsMs: number;
}

/** Defaults: ids are stable for a day; schedules change rarely within ten minutes. */
export const DEFAULT_CACHE_TTLS: CacheTtls = {
  metadataMs: 24 * 3600_000,
  studentMs: 24 * 3600_000,
  studentMissingMs: 60_000,
  schoolDayMs: 3600_000,
  periodsMs: 10 * 60_000,
};

/** PowerQuery pages and DCID batches are this size unless metadata says less. */
const DEFAULT_QUERY_PAGE_SIZE = 100;
/** DCIDs per students_by_dcid call, and students per student_periods call. */
const STUDENTS_PER_CALL = 100;
/**
 * Rows per page of the batched lookups when the plugin's maximum allows: a student has a
 * handful of periods a day, so a call fits one page instead of several of
 * DEFAULT_QUERY_PAGE_SIZE, and a DCID call that finds every student is still a short page (a
 * full page means asking for the next one, which a run measured as a third of its DCID calls).
 */
const BATCH_PAGE_SIZE = 1000;

/**
 * Who a shared lookup's attempts are journaled under: given what one call asks for, the listener
 * for the events that asked for it (a call for 100 DCIDs is journaled under their events only).
 */
export type JournalFor<T> = (asked: readonly T[]) => CallOptions;

/** A student on a district-local date: what student_periods is asked for. */
export interface StudentDate {
  studentId: number;
  date: string;
}

/** The lookups of one connector. */
export class Lookups {
  readonly #client: PowerSchoolClient;
  readonly #metadata: TtlCache<'metadata', DistrictMetadata>;
  readonly #students: TtlCache<number, StudentRecord | null>;
  readonly #schoolDays: TtlCache<string, SchoolDayRecord | null>;
  readonly #periods: TtlCache<string, PeriodRecord[]>;

  constructor(client: PowerSchoolClient, clock: Clock, ttls: CacheTtls = DEFAULT_CACHE_TTLS) {
    this.#client = client;
    this.#metadata = new TtlCache(clock, ttls.metadataMs);
    this.#students = new TtlCache(clock, ttls.studentMs, (found) =>
      found === null ? ttls.studentMissingMs : ttls.studentMs,
    );
    this.#schoolDays = new TtlCache(clock, ttls.schoolDayMs);
    this.#periods = new TtlCache(clock, ttls.periodsMs);
  }

  /** /ws/v1/metadata, cached. */
  metadata(call: CallOptions = {}): Promise<DistrictMetadata> {
    return this.#metadata.get('metadata', () => getDistrictMetadata(this.#client, call));
  }

  /** The page size to ask for: `wanted`, within the plugin's maximum when metadata gives one. */
  async #pageSize(call: CallOptions, wanted = DEFAULT_QUERY_PAGE_SIZE): Promise<number> {
    const max = (await this.metadata(call)).queryMaxPageSize;
    return max !== undefined && max > 0
      ? Math.min(wanted, max)
      : Math.min(wanted, DEFAULT_QUERY_PAGE_SIZE);
  }

  /**
   * Looks up many DCIDs in as few PowerQuery calls as the page size allows. DCIDs already
   * cached cost nothing; every DCID gets an entry (null when no student has it).
   */
  async prefetchStudents(
    dcids: readonly number[],
    journalFor: JournalFor<number> = () => ({}),
  ): Promise<void> {
    const missing = [...new Set(dcids)].filter((dcid) => !this.#students.has(dcid));
    if (missing.length === 0) return;
    const size = await this.#pageSize(journalFor(missing), BATCH_PAGE_SIZE);
    // A DCID is one student at most: fewer DCIDs than the page size always end on a short page.
    const perCall = Math.max(1, Math.min(STUDENTS_PER_CALL, size - 1));
    const waits: Promise<unknown>[] = [];
    for (let start = 0; start < missing.length; start += perCall) {
      const chunk = missing.slice(start, start + perCall);
      const batch = this.#queryStudents(chunk, size, journalFor(chunk));
      for (const dcid of chunk) {
        waits.push(
          this.#students.set(
            dcid,
            batch.then((found) => found.get(dcid) ?? null),
          ),
        );
      }
    }
    // A failed batch is forgotten by the cache; each event then looks its student up itself.
    await Promise.allSettled(waits);
  }

  async #queryStudents(
    dcids: number[],
    pageSize: number,
    call: CallOptions,
  ): Promise<Map<number, StudentRecord>> {
    const rows = await runPowerQueryAllPages(
      this.#client,
      QUERY_NAMES.studentsByDcid,
      { students_dcid: dcids },
      { ...call, pageSize },
    );
    const found = new Map<number, StudentRecord>();
    for (const row of parseRows(StudentRow, rows, QUERY_NAMES.studentsByDcid)) {
      found.set(row.dcid, row);
    }
    return found;
  }

  /** The student with this DCID, or null when PowerSchool has none. */
  async studentByDcid(dcid: number, call: CallOptions = {}): Promise<StudentRecord | null> {
    return this.#students.get(dcid, async () => {
      const size = await this.#pageSize(call);
      return (await this.#queryStudents([dcid], size, call)).get(dcid) ?? null;
    });
  }

  /** The id of the student with this DCID when it is cached; never asks PowerSchool. */
  async knownStudentId(dcid: number | null): Promise<number | undefined> {
    if (dcid === null || !this.#students.has(dcid)) return undefined;
    const student = await this.studentByDcid(dcid).catch(() => null);
    return student?.id;
  }

  /** The school's year and calendar day for a district-local date, or null outside any year. */
  schoolDay(
    schoolNumber: number,
    date: string,
    call: CallOptions = {},
  ): Promise<SchoolDayRecord | null> {
    return this.#schoolDays.get(`${schoolNumber}|${date}`, async () => {
      const size = await this.#pageSize(call);
      const rows = await runPowerQueryAllPages(
        this.#client,
        QUERY_NAMES.schoolDay,
        { schoolid: String(schoolNumber), att_date: date },
        { ...call, pageSize: size },
      );
      const days = parseRows(SchoolDayRow, rows, QUERY_NAMES.schoolDay);
      // Overlapping year terms should not exist; take the latest year if they do.
      return days.at(-1) ?? null;
    });
  }

  /** The student's scheduled periods on a district-local date, by start time. */
  studentPeriods(studentId: number, date: string, call: CallOptions = {}): Promise<PeriodRecord[]> {
    return this.#periods.get(`${studentId}|${date}`, async () => {
      const found = await this.#queryPeriods([studentId], date, call);
      return found.get(studentId) ?? [];
    });
  }

  /**
   * Looks up many students' periods with one student_periods call per date (and page) instead of
   * one per student. Pairs already cached cost nothing; every pair asked gets an entry.
   */
  async prefetchPeriods(
    wanted: readonly StudentDate[],
    journalFor: JournalFor<StudentDate> = () => ({}),
  ): Promise<void> {
    const byDate = new Map<string, Set<number>>();
    for (const { studentId, date } of wanted) {
      if (this.#periods.has(`${studentId}|${date}`)) continue;
      const students = byDate.get(date) ?? new Set<number>();
      byDate.set(date, students.add(studentId));
    }
    const waits: Promise<unknown>[] = [];
    for (const [date, students] of byDate) {
      const ids = [...students];
      for (let start = 0; start < ids.length; start += STUDENTS_PER_CALL) {
        const chunk = ids.slice(start, start + STUDENTS_PER_CALL);
        const asked = chunk.map((studentId) => ({ studentId, date }));
        const call = this.#queryPeriods(chunk, date, journalFor(asked));
        for (const id of chunk) {
          const periods = call.then((found) => found.get(id) ?? []);
          waits.push(this.#periods.set(`${id}|${date}`, periods));
        }
      }
    }
    // A failed call is forgotten by the cache; each event then looks its periods up itself.
    await Promise.allSettled(waits);
  }

  async #queryPeriods(
    studentIds: readonly number[],
    date: string,
    call: CallOptions,
  ): Promise<Map<number, PeriodRecord[]>> {
    const pageSize = await this.#pageSize(call, BATCH_PAGE_SIZE);
    const rows = await runPowerQueryAllPages(
      this.#client,
      QUERY_NAMES.studentPeriods,
      { students_id: studentIds, att_date: date },
      { ...call, pageSize },
    );
    const found = new Map<number, PeriodRecord[]>();
    for (const row of parseRows(PeriodRow, rows, QUERY_NAMES.studentPeriods)) {
      const periods = found.get(row.studentid);
      if (periods) periods.push(row);
      else found.set(row.studentid, [row]);
    }
    return found;
  }

  /** Forgets what a replay must re-resolve: students, school days and periods. */
  forgetResolutions(): void {
    this.#students.clear();
    this.#schoolDays.clear();
    this.#periods.clear();
  }
}
