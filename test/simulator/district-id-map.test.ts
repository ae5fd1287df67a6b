import { describe, expect, it } from 'vitest';
import { IdMap } from '../../simulator/district/id-map.ts';

describe('IdMap (rows by id in the district tables)', () => {
  it('keeps compact whole-number keys in an array and finds each value', () => {
    const map = new IdMap<string>([70_001, 70_003, 70_002]);
    map.set(70_001, 'a');
    map.set(70_002, 'b');
    map.set(70_003, 'c');
    map.set(70_004, 'd');
    expect(map.form).toBe('array');
    expect([70_001, 70_002, 70_003, 70_004].map((key) => map.get(key))).toEqual([
      'a',
      'b',
      'c',
      'd',
    ]);
    expect(map.get(70_000)).toBeUndefined();
    expect(map.get(70_005)).toBeUndefined();
    expect(map.get(70_001.5)).toBeUndefined();
    expect(map.has(70_003)).toBe(true);
  });

  it('never matches text to a number ("5" is not 5), as a Map would not', () => {
    const map = new IdMap<string>([5]);
    map.set(5, 'five');
    expect(map.get('5')).toBeUndefined();
    expect(map.get(5)).toBe('five');
  });

  it('removes a value and can file it again', () => {
    const map = new IdMap<string>([1, 2]);
    map.set(1, 'a');
    map.set(2, 'b');
    map.delete(1);
    map.delete(99);
    expect(map.get(1)).toBeUndefined();
    expect(map.get(2)).toBe('b');
    map.set(1, 'again');
    expect(map.get(1)).toBe('again');
  });

  it.each([
    { name: 'a text key', key: 'x|2026-10-14' as string | number },
    { name: 'a fractional key', key: 1.5 },
    { name: 'a key below the first', key: -10 },
    { name: 'a key far past the last', key: 1_000_000 },
  ])('moves every value to a Map on $name, losing none', ({ key }) => {
    const map = new IdMap<string>([1, 2, 3]);
    map.set(1, 'a');
    map.set(2, 'b');
    map.set(3, 'c');
    map.set(key, 'new');
    expect(map.form).toBe('map');
    expect([map.get(1), map.get(2), map.get(3), map.get(key)]).toEqual(['a', 'b', 'c', 'new']);
  });

  it('starts as a Map for keys that are text or far apart', () => {
    expect(new IdMap(['7|2026-10-14']).form).toBe('map');
    expect(new IdMap([1, 50_000]).form).toBe('map');
    expect(new IdMap([1, 2, 3]).form).toBe('array');
  });

  it('gives up the array when keys climbing in long strides would leave it mostly empty', () => {
    const map = new IdMap<number>();
    for (let i = 0; i < 50; i += 1) map.set(1000 + i * 900, i);
    expect(map.form).toBe('map');
    const wrong = Array.from({ length: 50 }, (_, i) => i).filter(
      (i) => map.get(1000 + i * 900) !== i,
    );
    expect(wrong).toEqual([]);
  });
});
