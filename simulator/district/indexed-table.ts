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

const NO_ROWS: readonly never[] = Object.freeze([]);
const NUMERIC = /^-?\d+$/;

/** Builds the composite key used by multi-column indexes. */
export function compositeKey(...parts: (string | number)[]): string {
  return parts.join('|');
}

/** Rows of one table with O(1) lookups by primary key and by each declared index. */
export class IndexedTable<Row extends object> {
  readonly name: string;
  readonly #rows: Row[];
  readonly #primaryKey: (row: Row) => number;
  readonly #byPrimary = new Map<number, Row>();
  #maxPrimary = 0;
  /** A bucket holds the row itself while one row has its key (most keys are unique). */
  readonly #indexes = new Map<
    string,
    { key: IndexKeyOf<Row>; buckets: Map<string | number, Row | Row[]> }
  >();

  constructor(name: string, rows: Row[], spec: IndexedTableSpec<Row>) {
    this.name = name;
    this.#rows = rows;
    this.#primaryKey = spec.primaryKey;
    for (const [indexName, key] of Object.entries(spec.indexes)) {
      this.#indexes.set(indexName, { key, buckets: new Map() });
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
    const index = this.#indexes.get(indexName);
    if (!index) throw new Error(`table ${this.name} has no index "${indexName}"`);
    // Numeric columns are filed under numbers; a caller holding text ("5001" from a query
    // string) finds them too.
    let bucket = index.buckets.get(key);
    if (bucket === undefined && typeof key === 'string' && NUMERIC.test(key)) {
      bucket = index.buckets.get(Number(key));
    }
    if (bucket === undefined) return NO_ROWS;
    return Array.isArray(bucket) ? bucket : [bucket];
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

  /** Changes a row in place and refiles it in every index. */
  update(row: Row, changes: Partial<Row>): Row {
    this.#unfile(row);
    Object.assign(row, changes);
    this.#file(row);
    return row;
  }

  #file(row: Row): void {
    const key = this.#primaryKey(row);
    if (this.#byPrimary.has(key)) throw new Error(`table ${this.name} has duplicate key ${key}`);
    this.#byPrimary.set(key, row);
    if (key > this.#maxPrimary) this.#maxPrimary = key;
    for (const index of this.#indexes.values()) {
      const bucketKey = index.key(row);
      const bucket = index.buckets.get(bucketKey);
      if (bucket === undefined) index.buckets.set(bucketKey, row);
      else if (Array.isArray(bucket)) bucket.push(row);
      else index.buckets.set(bucketKey, [bucket, row]);
    }
  }

  #unfile(row: Row): void {
    this.#byPrimary.delete(this.#primaryKey(row));
    for (const index of this.#indexes.values()) {
      const bucketKey = index.key(row);
      const bucket = index.buckets.get(bucketKey);
      if (bucket === row) {
        index.buckets.delete(bucketKey);
      } else if (Array.isArray(bucket)) {
        const position = bucket.indexOf(row);
        if (position >= 0) bucket.splice(position, 1);
        if (bucket.length === 1) index.buckets.set(bucketKey, bucket[0]!);
      }
    }
  }
}
