import { describe, expect, it } from 'vitest';
import { QUERIES_FILE } from '../../plugin/contract.ts';
import { validatePluginDefinition } from '../../plugin/validate.ts';
import { findExpectedFinding, Q, withQuery, type ValidationCase } from './definition-fixtures.ts';

const queryCases: ValidationCase[] = [
  {
    label: 'a four-part query name',
    definition: withQuery(() => ({ name: 'com.navigate360.attendance.students' })),
    level: 'warning',
    rule: 'query.name-form',
    where: `${Q}@name`,
    message: /has 4 dot-separated parts; PowerSchool's docs advise five/,
  },
  {
    label: 'an upper-case name part',
    definition: withQuery(() => ({ name: 'com.navigate360.Attendance.student.by_dcid' })),
    level: 'warning',
    rule: 'query.name-form',
    where: `${Q}@name`,
    message: /"Attendance" is not snake_case/,
  },
  {
    label: 'a com.powerschool name',
    definition: withQuery(() => ({ name: 'com.powerschool.attendance.student.by_dcid' })),
    level: 'warning',
    rule: 'query.name-reserved',
    where: `${Q}@name`,
    message: /asks? you not to use/,
  },
  {
    label: 'a 201-character name',
    definition: withQuery(() => ({
      name: `com.navigate360.attendance.student.${'n'.repeat(166)}`,
    })),
    level: 'warning',
    rule: 'query.name-length',
    where: `${Q}@name`,
    message: /201 characters; keep it to 200 at most/,
  },
  {
    label: 'a 51-character summary',
    definition: withQuery(() => ({ summary: 's'.repeat(51) })),
    level: 'warning',
    rule: 'query.summary-length',
    where: `${Q}/summary`,
    message: /51 characters; PowerSchool allows at most 50/,
  },
  {
    label: 'an arg name that is not a Java identifier',
    definition: withQuery((q) => ({ args: [{ ...q.args[0]!, name: 'students-dcid' }] })),
    level: 'warning',
    rule: 'query.arg-name-form',
    where: `${Q}/args/arg[0]@name`,
    message: /not a legal Java identifier/,
  },
  {
    label: 'an unknown arg type',
    definition: withQuery((q) => ({ args: [{ ...q.args[0]!, type: 'list' as 'array' }] })),
    level: 'refusal',
    rule: 'query.arg',
    where: `${Q}/args/arg[0]@type`,
    message: /valid values: primitive, array/,
  },
  {
    label: 'an arg declared twice',
    definition: withQuery((q) => ({ args: [q.args[0]!, q.args[0]!] })),
    level: 'refusal',
    rule: 'query.arg',
    where: `${Q}/args/arg[1]@name`,
    message: /declared twice/,
  },
  {
    label: 'casing without column',
    definition: withQuery((q) => ({
      args: [{ ...q.args[0]!, column: undefined, casing: 'lower' }],
    })),
    level: 'refusal',
    rule: 'query.arg',
    where: `${Q}/args/arg[0]@casing`,
    message: /needs a column attribute/,
  },
  {
    label: 'casing before 22.11',
    definition: withQuery((q) => ({ args: [{ ...q.args[0]!, casing: 'lower' }] })),
    psVersion: '22.10.0.0',
    level: 'warning',
    rule: 'query.arg-casing-version',
    where: `${Q}/args/arg[0]@casing`,
    message: /does not know arg casing \(it arrived in 22\.11\.0\.0\)/,
  },
  {
    label: 'a column that is not TABLE.FIELD',
    definition: withQuery((q) => ({
      columns: [{ column: 'id', alias: 'id' }, ...q.columns.slice(1)],
    })),
    level: 'warning',
    rule: 'query.column-reference',
    where: `${Q}/columns/column[0]@column`,
    message: /"id" is not a real TABLE\.FIELD/,
  },
  {
    label: 'an alias with a space',
    definition: withQuery((q) => ({
      columns: [{ column: 'students.id', alias: 'student id' }, ...q.columns.slice(1)],
    })),
    level: 'warning',
    rule: 'query.alias-form',
    where: `${Q}/columns/column[0]`,
    message: /one or two parts of letters, digits and underscores/,
  },
  {
    label: 'a one-part alias without coreTable',
    definition: withQuery(() => ({ coreTable: '' })),
    level: 'warning',
    rule: 'query.alias-core-table',
    where: `${Q}/columns/column[0]`,
    message: /MUST declare a coreTable/,
  },
  {
    label: 'an alias used twice',
    definition: withQuery((q) => ({
      columns: [...q.columns.slice(0, -1), { column: 'students.enroll_status', alias: 'ID' }],
    })),
    level: 'warning',
    rule: 'query.alias-unique',
    where: `${Q}/columns/column[7]`,
    message: /alias "ID" is used twice/,
  },
  {
    label: 'no columns',
    definition: withQuery(() => ({ columns: [] })),
    level: 'refusal',
    rule: 'query.columns',
    where: `${Q}/columns`,
    message: /at least one <column>/,
  },
  {
    label: 'SQL without ORDER BY',
    definition: withQuery((q) => ({ sql: q.sql.replace(/ORDER BY s\.dcid$/, '') })),
    level: 'warning',
    rule: 'query.order-by',
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
    level: 'warning',
    rule: 'query.order-by',
    where: `${Q}/sql`,
    message: /no top-level ORDER BY/,
  },
  {
    label: 'fewer columns declared than selected',
    definition: withQuery((q) => ({ columns: q.columns.slice(0, -1) })),
    level: 'warning',
    rule: 'query.sql-shape',
    where: `${Q}/sql`,
    message: /selects 8 columns but the query declares 7 <column>s/,
  },
  {
    label: 'an unnamed select item',
    definition: withQuery((q) => ({
      sql: q.sql.replace('s.enroll_status', "s.enroll_status || 'x'"),
    })),
    level: 'warning',
    rule: 'query.sql-shape',
    where: `${Q}/sql`,
    message: /select item 8 .* has no name; give it an alias/,
  },
  {
    label: 'two select items with one name',
    definition: withQuery((q) => ({ sql: q.sql.replace('s.enroll_status', 's.first_name') })),
    level: 'warning',
    rule: 'query.sql-shape',
    where: `${Q}/sql`,
    message: /select items 4 and 8 are both named FIRST_NAME/,
  },
  {
    label: 'an undeclared bind',
    definition: withQuery((q) => ({ sql: q.sql.replace(':students_dcid', ':dcids') })),
    level: 'warning',
    rule: 'query.sql-binds',
    where: `${Q}/sql`,
    message: /binds :dcids but no <arg name="dcids">/,
  },
  {
    label: 'a CDATA terminator',
    definition: withQuery((q) => ({
      sql: q.sql.replace('ORDER BY', "AND s.last_name <> ']]>' ORDER BY"),
    })),
    level: 'refusal',
    rule: 'query.cdata',
    where: `${Q}/sql`,
    message: /contains "\]\]>"/,
  },
  {
    label: 'a PowerSchool HTML tag',
    definition: withQuery((q) => ({
      sql: q.sql.replace('ORDER BY', 'AND s.schoolid = ~(curschoolid) ORDER BY'),
    })),
    level: 'warning',
    rule: 'query.ps-html',
    where: `${Q}/sql`,
    message: /PowerSchool HTML tag/,
  },
  {
    label: 'unbalanced parentheses',
    definition: withQuery((q) => ({
      sql: q.sql.replace('IN (:students_dcid)', 'IN ((:students_dcid)'),
    })),
    level: 'warning',
    rule: 'query.sql-shape',
    where: `${Q}/sql`,
    message: /unbalanced parentheses/,
  },
  {
    label: 'empty SQL',
    definition: withQuery(() => ({ sql: '  ' })),
    level: 'warning',
    rule: 'query.sql-shape',
    where: `${Q}/sql`,
    message: /sql is empty/,
  },
  {
    label: 'a query name declared twice',
    definition: (() => {
      const d = withQuery(() => ({}));
      return { ...d, queries: [...d.queries, d.queries[0]!] };
    })(),
    level: 'refusal',
    rule: 'query.name-unique',
    where: `queries_root/${QUERIES_FILE}: query[4]@name`,
    message: /already declared at .*query\[0\]/,
  },
  {
    label: 'a column access_request does not request (a 403 at run time)',
    definition: withQuery((q) => ({
      columns: [...q.columns.slice(0, -1), { column: 'students.ssn', alias: 'enroll_status' }],
    })),
    level: 'note',
    rule: 'query.access-gap',
    where: Q,
    message:
      /reads STUDENTS\.SSN, which access_request does not request: an OAuth caller gets 403.*<field table="STUDENTS" field="SSN" access="ViewOnly"\/>/,
  },
  {
    label: 'a coreTable that is no table name',
    definition: withQuery(() => ({ coreTable: 'students s' })),
    level: 'warning',
    rule: 'query.core-table',
    where: `${Q}@coreTable`,
    message: /coreTable "students s" does not look like a PowerSchool table or column name/,
  },
  {
    label: 'a six-part reverse-domain name',
    definition: withQuery(() => ({ name: 'us.ct.k12.district.students.get_home_room' })),
    level: 'warning',
    rule: 'query.name-form',
    where: `${Q}@name`,
    message: /has 6 dot-separated parts; PowerSchool's docs advise five .*unique server-wide/,
  },
  {
    label: 'a seven-part reverse-domain name',
    definition: withQuery(() => ({
      name: 'us.ct.k12.district.product.students.get_home_room',
    })),
    level: 'warning',
    rule: 'query.name-form',
    where: `${Q}@name`,
    message: /has 7 dot-separated parts/,
  },
  {
    label: 'a two-part name',
    definition: withQuery(() => ({ name: 'district.homerooms' })),
    level: 'warning',
    rule: 'query.name-form',
    where: `${Q}@name`,
    message: /has 2 dot-separated parts/,
  },
  {
    label: 'a name part starting with a digit',
    definition: withQuery(() => ({ name: 'com.navigate360.attendance.2024.students' })),
    level: 'warning',
    rule: 'query.name-form',
    where: `${Q}@name`,
    message: /part "2024" is not snake_case/,
  },
  {
    label: 'an arg without column (Data Export Manager will not list the query)',
    definition: withQuery((q) => ({ args: [{ ...q.args[0]!, column: undefined }] })),
    level: 'note',
    rule: 'query.dem-hidden',
    where: `${Q}/args`,
    message: /Data Export Manager will not list this query: arg students_dcid names no column/,
  },
  {
    label: 'an arg default holding a PowerSchool HTML tag',
    definition: withQuery((q) => ({ args: [{ ...q.args[0]!, default: '~(curschoolid)' }] })),
    level: 'note',
    rule: 'query.dem-hidden',
    where: `${Q}/args`,
    message: /the default of students_dcid holds a PowerSchool HTML tag/,
  },
];

describe('validatePluginDefinition: PowerQuery rules', () => {
  it.each(queryCases)('reports $label as a $level ($rule)', (testCase) => {
    const { found, findings } = findExpectedFinding(testCase);
    expect(found, findings).toBe(true);
  });

  it('reports a column that is not TABLE.FIELD once, not again as an access gap', () => {
    const definition = withQuery((q) => ({
      columns: [{ column: 'TrackerSG.01StudentNumber', alias: 'id' }, ...q.columns.slice(1)],
    }));
    const findings = validatePluginDefinition(definition, { psVersion: '25.2.0.0' });
    expect(findings.map((item) => item.rule)).toEqual(['query.column-reference']);
  });
});
