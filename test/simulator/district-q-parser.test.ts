import { describe, expect, it } from 'vitest';
import { QueryParseError, clauseMatcher, parseQ } from '../../simulator/district/q-parser.ts';

describe('q parser', () => {
  it.each([
    { q: 'dcid==5003', clauses: [{ field: 'dcid', operator: '==', value: '5003' }] },
    {
      q: 'last_name==Sm*;grade_level=ge=9',
      clauses: [
        { field: 'last_name', operator: '==', value: 'Sm*' },
        { field: 'grade_level', operator: '=ge=', value: '9' },
      ],
    },
    {
      q: 'entrydate=gt=2026-08-17',
      clauses: [{ field: 'entrydate', operator: '=gt=', value: '2026-08-17' }],
    },
    { q: 'ENROLL_STATUS!=0', clauses: [{ field: 'enroll_status', operator: '!=', value: '0' }] },
    {
      q: 'name.last_name=le=M',
      clauses: [{ field: 'name.last_name', operator: '=le=', value: 'M' }],
    },
    { q: 'att_comment==a=b', clauses: [{ field: 'att_comment', operator: '==', value: 'a=b' }] },
  ])('parses $q', ({ q, clauses }) => {
    expect(parseQ(q)).toEqual(clauses);
  });

  it.each([
    { q: '', problem: /empty/ },
    { q: 'dcid', problem: /no operator/ },
    { q: 'dcid==1==2', problem: /more than one operator/ },
    { q: '==5', problem: /no valid field name/ },
    { q: '9lives==5', problem: /no valid field name/ },
    { q: 'dcid==', problem: /no value/ },
    { q: 'dcid==5;', problem: /no operator/ },
    { q: 'grade_level=gt=1*', problem: /wildcard/ },
    { q: 'x'.repeat(4001), problem: /limit/ },
  ])('rejects "$q" with a message saying what is valid', ({ q, problem }) => {
    expect(() => parseQ(q)).toThrow(QueryParseError);
    expect(() => parseQ(q)).toThrow(problem);
  });

  it.each([
    { q: 'n==5', numeric: true, yes: [5, '5'], no: [50, null] },
    { q: 'n=gt=5', numeric: true, yes: [6, 10], no: [5, 4, null] },
    { q: 'n=le=5', numeric: true, yes: [5, -1], no: [6] },
    { q: 'n!=5', numeric: true, yes: [4], no: [5, null] },
    { q: 'd=ge=2026-10-03', numeric: false, yes: ['2026-10-03', '2027-01-01'], no: ['2026-10-02'] },
    { q: 's==sm*th', numeric: false, yes: ['Smith', 'smooth'], no: ['Smithe', 'Asmith'] },
    { q: 's!=*e*', numeric: false, yes: ['Kim'], no: ['Lee', 'Bennett'] },
  ])('matches $q', ({ q, numeric, yes, no }) => {
    const matches = clauseMatcher(parseQ(q)[0]!, numeric);
    for (const value of yes) expect(matches(value)).toBe(true);
    for (const value of no) expect(matches(value)).toBe(false);
  });

  it('rejects a text value for a number column', () => {
    expect(() => clauseMatcher(parseQ('n==five')[0]!, true)).toThrow(/not a number/);
  });
});
