import { describe, expect, it } from 'vitest';
import { IndexedTable, compositeKey } from '../../simulator/district/indexed-table.ts';

interface Row {
  id: number;
  dcid: number;
  studentid: number;
  att_date: string;
  att_comment: string;
}

const rows = (): Row[] => [
  { id: 1, dcid: 11, studentid: 7, att_date: '2026-10-14', att_comment: 'a' },
  { id: 2, dcid: 12, studentid: 7, att_date: '2026-10-15', att_comment: 'b' },
  { id: 3, dcid: 13, studentid: 7, att_date: '2026-10-16', att_comment: 'c' },
];

const table = (): IndexedTable<Row> =>
  new IndexedTable('attendance', rows(), {
    primaryKey: (r) => r.id,
    indexes: {
      dcid: (r) => r.dcid,
      studentid: (r) => r.studentid,
      'studentid|att_date': (r) => compositeKey(r.studentid, r.att_date),
    },
  });

const idsOf = (found: readonly Row[]): number[] => found.map((row) => row.id);

describe('indexed table: first and update', () => {
  it('first() gives the first row filed under a key, numeric keys also from text', () => {
    const t = table();
    expect(t.first('studentid', 7)?.id).toBe(1);
    expect(t.first('dcid', '12')?.id).toBe(2);
    expect(t.first('dcid', 99)).toBeUndefined();
    expect(() => t.first('nope', 1)).toThrow(/has no index "nope"/);
  });

  it('keeps a row in its place in every bucket when an update leaves its keys alone', () => {
    const t = table();
    t.update(t.get(1)!, { att_comment: 'changed' });
    expect(idsOf(t.lookup('studentid', 7))).toEqual([1, 2, 3]);
    expect(t.get(1)?.att_comment).toBe('changed');
    expect(t.first('studentid|att_date', compositeKey(7, '2026-10-14'))?.att_comment).toBe(
      'changed',
    );
  });

  it('moves a row only in the indexes whose key changed', () => {
    const t = table();
    t.update(t.get(1)!, { att_date: '2026-10-20' });
    expect(t.lookup('studentid|att_date', compositeKey(7, '2026-10-14'))).toEqual([]);
    expect(idsOf(t.lookup('studentid|att_date', compositeKey(7, '2026-10-20')))).toEqual([1]);
    expect(idsOf(t.lookup('studentid', 7))).toEqual([1, 2, 3]);
  });

  it('changes nothing on an update with the values the row already has', () => {
    const t = table();
    const row = t.get(2)!;
    expect(t.update(row, { ...row })).toBe(row);
    expect(idsOf(t.lookup('studentid', 7))).toEqual([1, 2, 3]);
    expect(t.first('dcid', 12)).toBe(row);
  });

  it('refiles a changed primary key, and refuses one another row has', () => {
    const t = table();
    t.update(t.get(3)!, { id: 30 });
    expect(t.get(3)).toBeUndefined();
    expect(t.get(30)?.dcid).toBe(13);
    expect(t.maxPrimaryKey()).toBe(30);
    expect(() => t.update(t.get(30)!, { id: 1 })).toThrow(/duplicate key 1/);
  });
});
