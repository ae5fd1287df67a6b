import { describe, expect, it } from 'vitest';
import { QUERIES } from '../../plugin/contract.ts';
import { analyzeSelect, maskSql, outputNameOf } from '../../plugin/sql-shape.ts';

describe('select list analysis', () => {
  it.each([
    { label: 'plain columns', sql: 'select a, b.c, d from t order by a', names: ['A', 'C', 'D'] },
    {
      label: 'a function call with commas',
      sql: "select to_char(t.d, 'YYYY-MM-DD') as day, t.id from t order by 1",
      names: ['DAY', 'ID'],
    },
    {
      label: 'a string literal with commas and parentheses',
      sql: "select 'a, (b' as label, x from t order by x",
      names: ['LABEL', 'X'],
    },
    {
      label: 'a scalar sub-select',
      sql: 'select t.id, (select max(u.v) from u where u.t = t.id) as top from t order by t.id',
      names: ['ID', 'TOP'],
    },
    {
      label: 'a FROM inside a function',
      sql: 'select extract(year from t.d) as y, t.id from t order by y',
      names: ['Y', 'ID'],
    },
    {
      label: 'an implicit alias',
      sql: 'select t.id tid, count(*) n from t group by t.id order by tid',
      names: ['TID', 'N'],
    },
    {
      label: 'a CASE expression with an alias',
      sql: 'select case when a > 1 then 1 else 0 end as flag from t order by flag',
      names: ['FLAG'],
    },
    {
      label: 'a CASE expression without one',
      sql: 'select case when a > 1 then 1 else 0 end from t order by 1',
      names: [null],
    },
    { label: 'DISTINCT', sql: 'select distinct a, b from t order by a', names: ['A', 'B'] },
    {
      label: 'comments with commas',
      sql: 'select a, -- b, c\n /* d, e */ f from t order by a',
      names: ['A', 'F'],
    },
    {
      label: 'a quoted alias',
      sql: 'select a as "Mixed Case" from t order by 1',
      names: ['Mixed_Case'],
    },
    {
      label: 'a WITH clause',
      sql: 'with x as (select a, b, c from t) select x.a, x.b from x order by x.a',
      names: ['A', 'B'],
    },
    {
      label: 'a UNION (first branch names the columns)',
      sql: 'select a, b from t union all select c, d from u order by 1',
      names: ['A', 'B'],
    },
  ])('names the columns of $label', ({ sql, names }) => {
    expect(analyzeSelect(sql)?.items?.map((item) => item.outputName)).toEqual(names);
  });

  it('gives up on counting when the select list has a star', () => {
    expect(analyzeSelect('select t.* from t order by 1')?.items).toBeNull();
    expect(analyzeSelect('select * from t order by 1')?.items).toBeNull();
  });

  it.each([
    { sql: 'select a from t order by a', expected: true },
    { sql: 'select a from t', expected: false },
    { sql: 'select a from (select a from t order by a) x', expected: false },
    { sql: "select a from t where b = 'order by'", expected: false },
    { sql: 'select a from t -- order by a', expected: false },
  ])('finds a top-level ORDER BY in "$sql": $expected', ({ sql, expected }) => {
    expect(analyzeSelect(sql)?.hasTopLevelOrderBy).toBe(expected);
  });

  it('collects binds outside literals, once each', () => {
    const shape = analyzeSelect(
      "select a from t where b = :x and c = ':y' and d = :x and e = to_date(:z, 'HH24:MI') order by a",
    );
    expect(shape?.binds).toEqual(['x', 'z']);
  });

  it('returns null without a top-level SELECT ... FROM', () => {
    expect(analyzeSelect('update t set a = 1')).toBeNull();
  });

  it('keeps positions when masking literals and comments', () => {
    const sql = "select 'a,b' -- c\nfrom t";
    expect(maskSql(sql)).toHaveLength(sql.length);
    expect(maskSql(sql)).toBe("select '   '     \nfrom t");
  });

  it('never names an expression after a keyword', () => {
    expect(outputNameOf('a is null')).toBeNull();
    expect(outputNameOf("x || 'y'")).toBeNull();
  });

  it.each(QUERIES.map((query) => [query.name, query] as const))(
    'counts %s exactly as its declared columns',
    (_name, query) => {
      const shape = analyzeSelect(query.sql);
      expect(shape?.items).toHaveLength(query.columns.length);
      expect(shape?.hasTopLevelOrderBy).toBe(true);
      expect(shape?.balanced).toBe(true);
    },
  );
});
