/**
 * Values by key, kept in an array while the keys are whole numbers close together, in a Map
 * otherwise. PowerSchool ids count up (the seeds' ids are dense: CC 70001-624382 at 100,000
 * students), so a table's rows by id, or its rows by a referenced id, sit at `key - base`: one
 * memory read per lookup where a Map takes about three, which is most of a lookup's cost once a
 * table no longer fits in the CPU's cache (docs/benchmarks.md, figure 1: the write at 100,000
 * students). A key that leaves that shape (text, a fraction, far from the others) moves every
 * value to a Map for good.
 */

/**
 * How far past the last slot a new key may land and still go in the array; under V8's gap of
 * 1,024, past which an array turns into a slow dictionary.
 */
const SPARE_SLOTS = 1000;

/** Values by a key, in an array while keys are compact whole numbers, in a Map otherwise. */
export class IdMap<Value> {
  #base = 0;
  #slots: (Value | undefined)[] | undefined = [];
  #map: Map<string | number, Value> | undefined;
  /** Values in the array (its length stays within twice this, plus SPARE_SLOTS). */
  #count = 0;

  /**
   * Sized for `keys`, the keys a bulk load will file, so it never changes shape midway. Read
   * lazily: the first key that is not a whole number settles it (a Map), unread keys unbuilt.
   */
  constructor(keys: Iterable<string | number> = []) {
    let min = Infinity;
    let max = -Infinity;
    let count = 0;
    for (const key of keys) {
      if (typeof key !== 'number' || !Number.isSafeInteger(key)) {
        this.#becomeMap();
        return;
      }
      if (key < min) min = key;
      if (key > max) max = key;
      count += 1;
    }
    if (count === 0) return;
    const span = max - min + 1;
    if (span > 2 * count + SPARE_SLOTS) {
      this.#becomeMap();
      return;
    }
    this.#base = min;
    this.#count = count;
    const slots = this.#slots!;
    // Filled in order, not `new Array(span)`: a long array made empty starts as a dictionary.
    for (let slot = 0; slot < span; slot += 1) slots.push(undefined);
  }

  /** Which form holds the values now (for tests and diagnostics). */
  get form(): 'array' | 'map' {
    return this.#slots === undefined ? 'map' : 'array';
  }

  /** The value filed under `key` (text never matches a number: "5" is not 5). */
  get(key: string | number): Value | undefined {
    const slots = this.#slots;
    if (slots === undefined) return this.#map!.get(key);
    if (typeof key !== 'number') return undefined;
    const slot = key - this.#base;
    // A fractional key finds nothing: only whole keys are ever filed in the array.
    return slot >= 0 && slot < slots.length ? slots[slot] : undefined;
  }

  /** True when a value is filed under `key`. */
  has(key: string | number): boolean {
    return this.get(key) !== undefined;
  }

  /** Files `value` under `key` (replacing what was there). */
  set(key: string | number, value: Value): void {
    const slots = this.#slots;
    if (slots === undefined) {
      this.#map!.set(key, value);
      return;
    }
    if (typeof key === 'number' && slots.length === 0) this.#base = key;
    const slot = typeof key === 'number' ? key - this.#base : -1;
    const growth = slot - slots.length;
    const fits =
      Number.isSafeInteger(key) &&
      slot >= 0 &&
      (growth < 0 || (growth < SPARE_SLOTS && slot < 2 * this.#count + SPARE_SLOTS));
    if (!fits) {
      this.#becomeMap();
      this.#map!.set(key, value);
      return;
    }
    while (slots.length < slot) slots.push(undefined);
    if (slots[slot] === undefined) this.#count += 1;
    slots[slot] = value;
  }

  /** Removes what is filed under `key` (no-op when nothing is). */
  delete(key: string | number): void {
    const slots = this.#slots;
    if (slots === undefined) this.#map!.delete(key);
    else if (this.has(key)) {
      slots[(key as number) - this.#base] = undefined;
      this.#count -= 1;
    }
  }

  #becomeMap(): void {
    const map = new Map<string | number, Value>();
    const slots = this.#slots ?? [];
    for (let slot = 0; slot < slots.length; slot += 1) {
      const value = slots[slot];
      if (value !== undefined) map.set(slot + this.#base, value);
    }
    this.#map = map;
    this.#slots = undefined;
  }
}
