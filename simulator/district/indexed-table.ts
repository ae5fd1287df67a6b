/**
 * A table held in memory with a primary-key map and secondary indexes, so that a request looks
 * rows up by key instead of scanning the table (a 100,000-student district must answer as fast as
 * a 1,000-student one).
 */

/** A secondary index: a name and the key it files each row under (composite keys join parts). */
export type IndexKeyOf<Row> = (row: Row) => string | number;

export interface IndexedTableSpec<Row> {
  /** The primary key (unique): `id` for most tables, `dcid` where PowerSchool reuses ids. */
  primaryKey: (row: Row) => number;
  /** Secondary indexes by name; each maps a key to every row filed under it. */
  indexes: Record<string, IndexKeyOf<Row>>;
}

import { IdMap } from './id-map.ts';

const NO_ROWS: readonly never[] = Object.freeze([]);
const NUMERIC = /^-?\d+$/;

/** Builds the composite key used by multi-column indexes. */
export function compositeKey(...parts: (string | number)[]): string {
  // Two parts is every composite index the district has; a template is cheaper than join.
  return parts.length === 2 ? `${parts[0]}|${parts[1]}` : parts.join('|');
}

/** One secondary index: its key function and the rows filed under each key. */
interface SecondaryIndex<Row> {
  key: IndexKeyOf<Row>;
  buckets: IdMap<Row | Row[]>;
}

/** The keys of `rows`, read one at a time (IdMap stops at the first that is not a number). */
function* keysOf<Row>(
  rows: readonly Row[],
  keyOf: (row: Row) => string | number,
): Generator<string | number> {
  for (const row of rows) yield keyOf(row);
}

/** Rows of one table with O(1) lookups by primary key and by each declared index. */
export class IndexedTable<Row extends object> {
  readonly name: string;
  readonly #rows: Row[];
  readonly #primaryKey: (row: Row) => number;
  readonly #byPrimary: IdMap<Row>;
  #maxPrimary = 0;
  /** A bucket holds the row itself while one row has its key (most keys are unique). */
  readonly #indexes = new Map<string, SecondaryIndex<Row>>();
  /** The same indexes as a list, for filing (walked on every insert and update). */
  readonly #indexList: SecondaryIndex<Row>[] = [];
  /** Each index's key of a row before an update, reused from update to update. */
  readonly #keysBefore: (string | number)[] = [];

  constructor(name: string, rows: Row[], spec: IndexedTableSpec<Row>) {
    this.name = name;
    this.#rows = rows;
    this.#primaryKey = spec.primaryKey;
    this.#byPrimary = new IdMap<Row>(keysOf(rows, spec.primaryKey));
    for (const [indexName, key] of Object.entries(spec.indexes)) {
      const index: SecondaryIndex<Row> = { key, buckets: new IdMap(keysOf(rows, key)) };
      this.#indexes.set(indexName, index);
      this.#indexList.push(index);
    }
    for (const row of rows) this.#file(row);
  }

  /** How many rows the table holds. */
  get size(): number {
    return this.#rows.length;
  }

  /** Every row, in insertion order (the array itself: callers must not change it). */
  all(): readonly Row[] {
    return this.#rows;
  }

  /** The row with this primary key. */
  get(primaryKey: number): Row | undefined {
    return this.#byPrimary.get(primaryKey);
  }

  /** True when an index of this name exists. */
  hasIndex(indexName: string): boolean {
    return this.#indexes.has(indexName);
  }

  /** Every row filed under `key` in the named index (empty when none). */
  lookup(indexName: string, key: string | number): readonly Row[] {
    const bucket = this.#bucket(indexName, key);
    if (bucket === undefined) return NO_ROWS;
    return Array.isArray(bucket) ? bucket : [bucket];
  }

  /** The first row filed under `key` in the named index (no list built: for unique keys). */
  first(indexName: string, key: string | number): Row | undefined {
    const bucket = this.#bucket(indexName, key);
    return Array.isArray(bucket) ? bucket[0] : bucket;
  }

  #bucket(indexName: string, key: string | number): Row | Row[] | undefined {
    const index = this.#indexes.get(indexName);
    if (!index) throw new Error(`table ${this.name} has no index "${indexName}"`);
    // Numeric columns are filed under numbers; a caller holding text ("5001" from a query
    // string) finds them too.
    const bucket = index.buckets.get(key);
    if (bucket === undefined && typeof key === 'string' && NUMERIC.test(key)) {
      return index.buckets.get(Number(key));
    }
    return bucket;
  }

  /** The highest primary key ever filed (0 when empty); new rows take the next one. */
  maxPrimaryKey(): number {
    return this.#maxPrimary;
  }

  /** Adds a row; its primary key must be new. */
  insert(row: Row): Row {
    const key = this.#primaryKey(row);
    if (this.#byPrimary.has(key)) throw new Error(`table ${this.name} already has key ${key}`);
    this.#rows.push(row);
    this.#file(row);
    return row;
  }

  /**
   * Changes a row in place and refiles it where its keys changed. A row whose keys stay (an
   * attendance update) keeps its place in every bucket, and the update costs no index work.
   */
  update(row: Row, changes: Partial<Row>): Row {
    // A record sent again unchanged (a retried write) changes nothing: no key work at all.
    if (!changesAnything(row, changes)) return row;
    const primaryBefore = this.#primaryKey(row);
    const keysBefore = this.#keysBefore;
    const indexes = this.#indexList;
    for (let i = 0; i < indexes.length; i += 1) keysBefore[i] = indexes[i]!.key(row);
    Object.assign(row, changes);
    const primaryAfter = this.#primaryKey(row);
    if (primaryAfter !== primaryBefore) {
      if (this.#byPrimary.has(primaryAfter)) {
        throw new Error(`table ${this.name} has duplicate key ${primaryAfter}`);
      }
      this.#byPrimary.delete(primaryBefore);
      this.#byPrimary.set(primaryAfter, row);
      if (primaryAfter > this.#maxPrimary) this.#maxPrimary = primaryAfter;
    }
    for (let i = 0; i < indexes.length; i += 1) {
      const index = indexes[i]!;
      const before = keysBefore[i]!;
      const after = index.key(row);
      if (after === before) continue;
      removeFromBucket(index, before, row);
      addToBucket(index, after, row);
    }
    return row;
  }

  /**
   * Takes a row out of the table and every index (a voided Time record). The stored order of the
   * others is kept; the highest primary key stays, so a removed id is never handed out again.
   */
  remove(row: Row): void {
    const position = this.#rows.indexOf(row);
    if (position === -1) return;
    this.#rows.splice(position, 1);
    this.#byPrimary.delete(this.#primaryKey(row));
    for (const index of this.#indexList) removeFromBucket(index, index.key(row), row);
  }

  #file(row: Row): void {
    const key = this.#primaryKey(row);
    if (this.#byPrimary.has(key)) throw new Error(`table ${this.name} has duplicate key ${key}`);
    this.#byPrimary.set(key, row);
    if (key > this.#maxPrimary) this.#maxPrimary = key;
    for (const index of this.#indexList) addToBucket(index, index.key(row), row);
  }
}

function changesAnything<Row extends object>(row: Row, changes: Partial<Row>): boolean {
  for (const field in changes) {
    if (Object.hasOwn(changes, field) && row[field] !== changes[field]) return true;
  }
  return false;
}

function addToBucket<Row>(index: SecondaryIndex<Row>, bucketKey: string | number, row: Row): void {
  const bucket = index.buckets.get(bucketKey);
  if (bucket === undefined) index.buckets.set(bucketKey, row);
  else if (Array.isArray(bucket)) bucket.push(row);
  else index.buckets.set(bucketKey, [bucket, row]);
}

function removeFromBucket<Row>(
  index: SecondaryIndex<Row>,
  bucketKey: string | number,
  row: Row,
): void {
  const bucket = index.buckets.get(bucketKey);
  if (bucket === row) {
    index.buckets.delete(bucketKey);
  } else if (Array.isArray(bucket)) {
    const position = bucket.indexOf(row);
    if (position >= 0) bucket.splice(position, 1);
    if (bucket.length === 1) index.buckets.set(bucketKey, bucket[0]!);
  }
}
