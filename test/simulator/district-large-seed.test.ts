import { describe, expect, it } from 'vitest';
import { District } from '../../simulator/district/district.ts';
import { compositeKey, IndexedTable } from '../../simulator/district/indexed-table.ts';
import { validateSeed } from '../../simulator/district/seed-validation.ts';
import { scheduledMeetings } from '../../simulator/district/student-schedule.ts';
import { buildLargeDistrict } from '../../simulator/seeds/large.ts';

describe('large seed', () => {
  const data = buildLargeDistrict({ students: 6_000 });

  it('builds the requested number of students over one school per 2,500 (at least 3)', () => {
    expect(data.students).toHaveLength(6_000);
    expect(data.schools).toHaveLength(3);
    expect(buildLargeDistrict({ students: 10 }).schools).toHaveLength(3);
  });

  it('is deterministic for a seed, and differs for another seed', () => {
    expect(buildLargeDistrict({ students: 6_000 })).toEqual(data);
    expect(buildLargeDistrict({ students: 6_000, seed: 2 }).students).not.toEqual(data.students);
  });

  it('passes seed validation (shape and referential integrity)', () => {
    expect(() => validateSeed(structuredClone(data))).not.toThrow();
  });

  it("has the demo's structure: every recording method, both years, and a schedule for every meeting student", () => {
    const district = new District(data);
    expect(new Set(data.attendance_preferences.map((p) => p.att_mode))).toEqual(
      new Set(['ATT_ModeDaily', 'ATT_ModeTime', 'ATT_ModeMeeting']),
    );
    expect(new Set(data.terms.map((t) => t.yearid))).toEqual(new Set([35, 36]));
    const high = data.students.find(
      (s) => s.schoolid === 103 && s.entrydate === '2026-08-17' && s.exitdate === '2027-06-12',
    )!;
    expect(scheduledMeetings(district, high.id, '2026-10-14').length).toBeGreaterThanOrEqual(7);
    expect(data.students.some((s) => s.entrydate > '2026-08-17')).toBe(true);
    expect(data.students.some((s) => s.exitdate < '2027-06-12')).toBe(true);
  });

  it('refuses a student count out of range', () => {
    expect(() => buildLargeDistrict({ students: 0 })).toThrow(/whole number from 1/);
  });
});

describe('indexed table', () => {
  const rows = () => [
    { id: 1, dcid: 11, studentid: 7, att_date: '2026-10-14' },
    { id: 2, dcid: 12, studentid: 7, att_date: '2026-10-15' },
  ];
  const spec = {
    primaryKey: (r: { id: number }) => r.id,
    indexes: {
      dcid: (r: { dcid: number }) => r.dcid,
      studentid: (r: { studentid: number }) => r.studentid,
      'studentid|att_date': (r: { studentid: number; att_date: string }) =>
        compositeKey(r.studentid, r.att_date),
    },
  };

  it('finds rows by primary key and by each index, numeric keys also from text', () => {
    const table = new IndexedTable('attendance', rows(), spec);
    expect(table.get(2)?.dcid).toBe(12);
    expect(table.lookup('dcid', '11').map((r) => r.id)).toEqual([1]);
    expect(table.lookup('studentid', 7).map((r) => r.id)).toEqual([1, 2]);
    expect(
      table.lookup('studentid|att_date', compositeKey(7, '2026-10-15')).map((r) => r.id),
    ).toEqual([2]);
    expect(table.lookup('dcid', 99)).toEqual([]);
  });

  it('refiles a row on update and files new rows on insert', () => {
    const table = new IndexedTable('attendance', rows(), spec);
    table.update(table.get(2)!, { studentid: 8 });
    expect(table.lookup('studentid', 7).map((r) => r.id)).toEqual([1]);
    expect(table.lookup('studentid', 8).map((r) => r.id)).toEqual([2]);
    table.insert({ id: 3, dcid: 13, studentid: 7, att_date: '2026-10-16' });
    expect(table.lookup('studentid', 7).map((r) => r.id)).toEqual([1, 3]);
    expect(table.maxPrimaryKey()).toBe(3);
    expect(() => table.insert({ id: 3, dcid: 14, studentid: 1, att_date: '2026-10-16' })).toThrow(
      /already has key 3/,
    );
  });
});
