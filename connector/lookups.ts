/**
 * The cached reads a writeback needs: district time zone, DCID -> ID (batched), the school day
 * (year, calendar day, first and last bell) and a student's periods on a date. Caching keeps a
 * run near one HTTP request per writeback.
 */
import { QUERY_NAMES } from '../plugin/contract.ts';
import type { Clock } from './clock.ts';
import {
  getDistrictMetadata,
  runPowerQueryAllPages,
  type DistrictMetadata,
} from './powerschool-api.ts';
import type { AttemptListener, PowerSchoolClient } from './powerschool-client.ts';
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
  metadata(onAttempt?: AttemptListener): Promise<DistrictMetadata> {
    return this.#metadata.get('metadata', () => getDistrictMetadata(this.#client, onAttempt));
  }

  async #pageSize(onAttempt?: AttemptListener): Promise<number> {
    const max = (await this.metadata(onAttempt)).queryMaxPageSize;
    return max !== undefined && max > 0
      ? Math.min(DEFAULT_QUERY_PAGE_SIZE, max)
      : DEFAULT_QUERY_PAGE_SIZE;
  }

  /**
   * Looks up many DCIDs in as few PowerQuery calls as the page size allows. DCIDs already
   * cached cost nothing; every DCID gets an entry (null when no student has it).
   */
  async prefetchStudents(dcids: readonly number[], onAttempt?: AttemptListener): Promise<void> {
    const missing = [...new Set(dcids)].filter((dcid) => !this.#students.has(dcid));
    if (missing.length === 0) return;
    const size = await this.#pageSize(onAttempt);
    const waits: Promise<unknown>[] = [];
    for (let start = 0; start < missing.length; start += size) {
      const chunk = missing.slice(start, start + size);
      const batch = this.#queryStudents(chunk, size, onAttempt);
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
    onAttempt?: AttemptListener,
  ): Promise<Map<number, StudentRecord>> {
    const rows = await runPowerQueryAllPages(
      this.#client,
      QUERY_NAMES.studentsByDcid,
      { students_dcid: dcids },
      { pageSize, onAttempt },
    );
    const found = new Map<number, StudentRecord>();
    for (const row of parseRows(StudentRow, rows, QUERY_NAMES.studentsByDcid)) {
      found.set(row.dcid, row);
    }
    return found;
  }

  /** The student with this DCID, or null when PowerSchool has none. */
  async studentByDcid(dcid: number, onAttempt?: AttemptListener): Promise<StudentRecord | null> {
    return this.#students.get(dcid, async () => {
      const size = await this.#pageSize(onAttempt);
      return (await this.#queryStudents([dcid], size, onAttempt)).get(dcid) ?? null;
    });
  }

  /** The school's year and calendar day for a district-local date, or null outside any year. */
  schoolDay(
    schoolNumber: number,
    date: string,
    onAttempt?: AttemptListener,
  ): Promise<SchoolDayRecord | null> {
    return this.#schoolDays.get(`${schoolNumber}|${date}`, async () => {
      const size = await this.#pageSize(onAttempt);
      const rows = await runPowerQueryAllPages(
        this.#client,
        QUERY_NAMES.schoolDay,
        { schoolid: String(schoolNumber), att_date: date },
        { pageSize: size, onAttempt },
      );
      const days = parseRows(SchoolDayRow, rows, QUERY_NAMES.schoolDay);
      // Overlapping year terms should not exist; take the latest year if they do.
      return days.at(-1) ?? null;
    });
  }

  /** The student's scheduled periods on a district-local date, by start time. */
  studentPeriods(
    studentId: number,
    date: string,
    onAttempt?: AttemptListener,
  ): Promise<PeriodRecord[]> {
    return this.#periods.get(`${studentId}|${date}`, async () => {
      const size = await this.#pageSize(onAttempt);
      const rows = await runPowerQueryAllPages(
        this.#client,
        QUERY_NAMES.studentPeriods,
        { studentid: String(studentId), att_date: date },
        { pageSize: size, onAttempt },
      );
      return parseRows(PeriodRow, rows, QUERY_NAMES.studentPeriods);
    });
  }

  /** Forgets what a replay must re-resolve: students, school days and periods. */
  forgetResolutions(): void {
    this.#students.clear();
    this.#schoolDays.clear();
    this.#periods.clear();
  }
}
