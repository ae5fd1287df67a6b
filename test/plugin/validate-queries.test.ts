import { describe, expect, it } from 'vitest';
import { QUERIES_FILE } from '../../plugin/contract.ts';
import { findExpectedViolation, Q, withQuery, type ValidationCase } from './definition-fixtures.ts';

const queryCases: ValidationCase[] = [
  {
    label: 'a four-part query name',
    definition: withQuery(() => ({ name: 'com.navigate360.attendance.students' })),
    where: `${Q}@name`,
    message: /has 4 dotted parts; PowerSchool expects five/,
  },
  {
    label: 'an upper-case name part',
    definition: withQuery(() => ({ name: 'com.navigate360.Attendance.student.by_dcid' })),
    where: `${Q}@name`,
    message: /"Attendance" is not snake_case/,
  },
  {
    label: 'a com.powerschool name',
    definition: withQuery(() => ({ name: 'com.powerschool.attendance.student.by_dcid' })),
    where: `${Q}@name`,
    message: /reserves/,
  },
  {
    label: 'a 201-character name',
    definition: withQuery(() => ({
      name: `com.navigate360.attendance.student.${'n'.repeat(166)}`,
    })),
    where: `${Q}@name`,
    message: /201 characters; PowerSchool allows 1 to 200/,
  },
  {
    label: 'a 51-character summary',
    definition: withQuery(() => ({ summary: 's'.repeat(51) })),
    where: `${Q}/summary`,
    message: /51 characters; PowerSchool allows at most 50/,
  },
  {
    label: 'an arg name that is not a Java identifier',
    definition: withQuery((q) => ({ args: [{ ...q.args[0]!, name: 'students-dcid' }] })),
    where: `${Q}/args/arg[0]@name`,
    message: /not a legal Java identifier/,
  },
  {
    label: 'an unknown arg type',
    definition: withQuery((q) => ({ args: [{ ...q.args[0]!, type: 'list' as 'array' }] })),
    where: `${Q}/args/arg[0]@type`,
    message: /valid values: primitive, array/,
  },
  {
    label: 'an arg declared twice',
    definition: withQuery((q) => ({ args: [q.args[0]!, q.args[0]!] })),
    where: `${Q}/args/arg[1]@name`,
    message: /declared twice/,
  },
  {
    label: 'casing without column',
    definition: withQuery((q) => ({
      args: [{ ...q.args[0]!, column: undefined, casing: 'lower' }],
    })),
    where: `${Q}/args/arg[0]@casing`,
    message: /needs a column attribute/,
  },
  {
    label: 'casing before 22.11',
    definition: withQuery((q) => ({ args: [{ ...q.args[0]!, casing: 'lower' }] })),
    psVersion: '22.10.0.0',
    where: `${Q}/args/arg[0]@casing`,
    message: /does not know arg casing \(it arrived in 22\.11\.0\.0\)/,
  },
  {
    label: 'a column that is not TABLE.FIELD',
    definition: withQuery((q) => ({
      columns: [{ column: 'id', alias: 'id' }, ...q.columns.slice(1)],
    })),
    where: `${Q}/columns/column[0]@column`,
    message: /"id" is not TABLE\.FIELD/,
  },
  {
    label: 'an alias with a space',
    definition: withQuery((q) => ({
      columns: [{ column: 'students.id', alias: 'student id' }, ...q.columns.slice(1)],
    })),
    where: `${Q}/columns/column[0]`,
    message: /one or two parts of letters, digits and underscores/,
  },
  {
    label: 'a one-part alias without coreTable',
    definition: withQuery(() => ({ coreTable: '' })),
    where: `${Q}/columns/column[0]`,
    message: /needs a coreTable attribute/,
  },
  {
    label: 'an alias used twice',
    definition: withQuery((q) => ({
      columns: [...q.columns.slice(0, -1), { column: 'students.enroll_status', alias: 'ID' }],
    })),
    where: `${Q}/columns/column[7]`,
    message: /alias "ID" is used twice/,
  },
  {
    label: 'no columns',
    definition: withQuery(() => ({ columns: [] })),
    where: `${Q}/columns`,
    message: /at least one <column>/,
  },
  {
    label: 'SQL without ORDER BY',
    definition: withQuery((q) => ({ sql: q.sql.replace(/ORDER BY s\.dcid$/, '') })),
    where: `${Q}/sql`,
    message: /no top-level ORDER BY/,
  },
  {
    label: 'ORDER BY only inside a sub-select',
    definition: withQuery((q) => ({
      sql: q.sql.replace(
        'WHERE s.dcid IN (:students_dcid)\nORDER BY s.dcid',
        'WHERE s.dcid IN (SELECT x.dcid FROM students x ORDER BY x.dcid) AND s.dcid IN (:students_dcid)',
      ),
    })),
    where: `${Q}/sql`,
    message: /no top-level ORDER BY/,
  },
  {
    label: 'fewer columns declared than selected',
    definition: withQuery((q) => ({ columns: q.columns.slice(0, -1) })),
    where: `${Q}/sql`,
    message: /selects 8 columns but the query declares 7 <column>s/,
  },
  {
    label: 'an unnamed select item',
    definition: withQuery((q) => ({
      sql: q.sql.replace('s.enroll_status', "s.enroll_status || 'x'"),
    })),
    where: `${Q}/sql`,
    message: /select item 8 .* has no name; give it an alias/,
  },
  {
    label: 'two select items with one name',
    definition: withQuery((q) => ({ sql: q.sql.replace('s.enroll_status', 's.first_name') })),
    where: `${Q}/sql`,
    message: /select items 4 and 8 are both named FIRST_NAME/,
  },
  {
    label: 'an undeclared bind',
    definition: withQuery((q) => ({ sql: q.sql.replace(':students_dcid', ':dcids') })),
    where: `${Q}/sql`,
    message: /binds :dcids but no <arg name="dcids">/,
  },
  {
    label: 'a CDATA terminator',
    definition: withQuery((q) => ({
      sql: q.sql.replace('ORDER BY', "AND s.last_name <> ']]>' ORDER BY"),
    })),
    where: `${Q}/sql`,
    message: /contains "\]\]>"/,
  },
  {
    label: 'a PowerSchool HTML tag',
    definition: withQuery((q) => ({
      sql: q.sql.replace('ORDER BY', 'AND s.schoolid = ~(curschoolid) ORDER BY'),
    })),
    where: `${Q}/sql`,
    message: /PowerSchool HTML tag/,
  },
  {
    label: 'unbalanced parentheses',
    definition: withQuery((q) => ({
      sql: q.sql.replace('IN (:students_dcid)', 'IN ((:students_dcid)'),
    })),
    where: `${Q}/sql`,
    message: /unbalanced parentheses/,
  },
  {
    label: 'empty SQL',
    definition: withQuery(() => ({ sql: '  ' })),
    where: `${Q}/sql`,
    message: /sql is empty/,
  },
  {
    label: 'a query name declared twice',
    definition: (() => {
      const d = withQuery(() => ({}));
      return { ...d, queries: [...d.queries, d.queries[0]!] };
    })(),
    where: `queries_root/${QUERIES_FILE}: query[4]@name`,
    message: /already declared at .*query\[0\]/,
  },
  {
    label: 'a column access_request does not request',
    definition: withQuery((q) => ({
      columns: [...q.columns.slice(0, -1), { column: 'students.ssn', alias: 'enroll_status' }],
    })),
    where: Q,
    message:
      /reads STUDENTS\.SSN, which access_request does not request.*403.*<field table="STUDENTS" field="SSN" access="ViewOnly"\/>/,
  },
];

describe('validatePluginDefinition: PowerQuery rules', () => {
  it.each(queryCases)('reports $label', (testCase) => {
    const { found, violations } = findExpectedViolation(testCase);
    expect(found, violations).toBe(true);
  });
});
