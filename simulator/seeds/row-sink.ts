/**
 * Where built rows go: the district's tables, with one id and one dcid counter per table so the
 * same build always hands out the same ids.
 */
import {
  TABLE_NAMES,
  type DistrictData,
  type DistrictInfo,
  type TableName,
} from '../district/schema.ts';

/** First ids per table, so ids of different tables are easy to tell apart in the demo. */
const FIRST_IDS: Partial<Record<TableName, number>> = { students: 1001, cc: 70001 };
const FIRST_DCIDS: Partial<Record<TableName, number>> = { schools: 1001, students: 5001 };

/** The district being built and its id counters. */
export class RowSink {
  readonly data: DistrictData;
  readonly #nextId: Partial<Record<TableName, number>> = {};
  readonly #nextDcid: Partial<Record<TableName, number>> = {};

  constructor(info: DistrictInfo) {
    this.data = { district: info } as DistrictData;
    for (const name of TABLE_NAMES) (this.data as unknown as Record<string, unknown[]>)[name] = [];
  }

  /** The next id and dcid of a table. */
  keys(table: TableName): { id: number; dcid: number } {
    const id = this.#nextId[table] ?? FIRST_IDS[table] ?? 1;
    const dcid = this.#nextDcid[table] ?? FIRST_DCIDS[table] ?? id;
    this.#nextId[table] = id + 1;
    this.#nextDcid[table] = dcid + 1;
    return { id, dcid };
  }
}
