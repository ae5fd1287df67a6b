/**
 * What the suite learns about the district as it runs (and what the caller pins up front), so an
 * interaction that needs a school or a student takes it from an earlier answer and the suite runs
 * against any district without configuration.
 */

/**
 * The attendance modes the write check can post in (reference section 4): Daily through
 * /ws/attendance/daily_time, Meeting through /ws/attendance/meeting_interval. Time mode uses the
 * same endpoint as Daily, so the Daily check covers that endpoint's contract.
 */
export const WRITE_MODES = ['daily', 'meeting'] as const;
export type WriteMode = (typeof WRITE_MODES)[number];

/** Type guard for WriteMode. */
export function isWriteMode(value: unknown): value is WriteMode {
  return typeof value === 'string' && (WRITE_MODES as readonly string[]).includes(value);
}

/** One scheduled period of a student on a date, as the write check needs it. */
export interface LearnedPeriod {
  ccid: number;
  periodid: number;
  /** Seconds since midnight. */
  startTime: number;
  endTime: number;
}

/** Every fact an interaction may need. Ids are numbers; SCHOOLS.SCHOOL_NUMBER stays text. */
export interface Facts {
  districtTimezone: string;
  /** YYYY-MM-DD in the district's time zone: --date, or today there. */
  attDate: string;
  schoolDcid: number;
  schoolNumber: string;
  yearid: number;
  studentDcid: number;
  studentId: number;
  /** The write check's named test student, school and code (pinned by the caller only). */
  testStudentDcid: number;
  testSchoolNumber: string;
  codeId: number;
  testStudentId: number;
  testYearid: number;
  testCalendarDayId: number;
  testPeriod: LearnedPeriod;
}

export type FactKey = keyof Facts;

/** Holds the facts: pinned ones never change, learned ones keep the first value learned. */
export class FactStore {
  readonly #values: Partial<Facts> = {};

  constructor(pinned: Partial<Facts> = {}) {
    for (const [key, value] of Object.entries(pinned)) {
      if (value !== undefined) (this.#values as Record<string, unknown>)[key] = value;
    }
  }

  /** The fact, or undefined when nothing has supplied it yet. */
  get<K extends FactKey>(key: K): Facts[K] | undefined {
    return this.#values[key];
  }

  /** Records a fact unless it is already known (pinned by the caller or learned earlier). */
  learn<K extends FactKey>(key: K, value: Facts[K]): void {
    if (this.#values[key] === undefined) this.#values[key] = value;
  }

  /** The keys among `keys` that are still unknown. */
  missing(keys: readonly FactKey[]): FactKey[] {
    return keys.filter((key) => this.#values[key] === undefined);
  }

  /** A copy of every known fact. */
  snapshot(): Partial<Facts> {
    return { ...this.#values };
  }
}
