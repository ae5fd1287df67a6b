import { describe, expect, it } from 'vitest';
import { QUERIES, QUERIES_FILE } from '../../plugin/contract.ts';
import {
  parseNamedQueriesXml,
  readNamedQueriesXml,
  renderNamedQueriesXml,
} from '../../plugin/named-queries-xml.ts';
import { mergeFindings, type Finding } from '../../plugin/finding.ts';
import { locateQueries, validateQueries } from '../../plugin/validate-queries.ts';

const FILE = 'vendor.named_queries.xml';

/** Every finding for one query file, structure first (as the bundle reader merges them). */
function findingsOf(xml: string): Finding[] {
  const { queries, findings } = readNamedQueriesXml(xml, FILE);
  return mergeFindings(findings, validateQueries(locateQueries(queries, FILE)));
}

const VENDOR_QUERY = `<?xml version="1.0"?>
<queries>
  <query name="com.example.sis.people.last_names">
    <columns>
      <column>students.last_name</column>
    </columns>
    <sql><![CDATA[
      select last_name from students where lower(last_name) like '%a,b%' order by last_name
    ]]></sql>
  </query>
</queries>`;

describe('named_queries.xml', () => {
  it('round-trips every contract query (alsoReads feeds access_request only, so it reads back empty)', () => {
    const parsed = parseNamedQueriesXml(renderNamedQueriesXml(QUERIES), QUERIES_FILE);
    expect(parsed).toEqual(QUERIES.map((query) => ({ ...query, alsoReads: [] })));
  });

  it('keeps SQL with <, > and & intact inside CDATA', () => {
    const query = {
      ...QUERIES[0]!,
      sql: `${QUERIES[0]!.sql.replace('ORDER BY', "AND s.grade_level < 12 AND s.first_name <> 'A&B'\nORDER BY")}`,
    };
    const xml = renderNamedQueriesXml([query]);
    expect(xml).toContain('<![CDATA[SELECT');
    expect(parseNamedQueriesXml(xml, FILE)[0]!.sql).toBe(query.sql);
  });

  it('reads a vendor query as PowerSchool would: no column attribute, no flattened, no coreTable', () => {
    const [query] = readNamedQueriesXml(VENDOR_QUERY, FILE).queries;
    expect(query).toMatchObject({
      name: 'com.example.sis.people.last_names',
      coreTable: '',
      flattened: false,
      columns: [{ column: 'students.last_name', alias: 'students.last_name' }],
      args: [],
    });
    expect(query!.sql.startsWith('select last_name')).toBe(true);
    expect(parseNamedQueriesXml(VENDOR_QUERY, FILE)).toHaveLength(1);
  });

  it.each([
    {
      label: 'a wrong root',
      xml: '<query name="a.b.c.d.e"/>',
      level: 'refusal',
      rule: 'query.structure',
      where: `queries_root/${FILE}`,
      message: /root element is <query>/,
    },
    {
      label: 'malformed XML',
      xml: '<queries><query></queries>',
      level: 'refusal',
      rule: 'xml.well-formed',
      where: `queries_root/${FILE} line 1, column 17`,
      message: /not well-formed XML/,
    },
    {
      label: 'a miscased attribute',
      xml: '<queries><query name="com.a.b.c.d" coretable="students"><columns><column>students.id</column></columns><sql>select id from students order by id</sql></query></queries>',
      level: 'warning',
      rule: 'query.unknown-markup',
      where: `queries_root/${FILE}: query[0]@coretable`,
      message: /case-sensitive: write coreTable/,
    },
    {
      label: 'a query without sql',
      xml: '<queries><query name="com.a.b.c.d"><columns><column>students.id</column></columns></query></queries>',
      level: 'refusal',
      rule: 'query.structure',
      where: `queries_root/${FILE}: query[0]/sql`,
      message: /<query> has no <sql>/,
    },
    {
      label: 'required="yes"',
      xml: '<queries><query name="com.a.b.c.d" coreTable="students"><args><arg name="x" required="yes"/></args><columns><column>students.id</column></columns><sql>select id from students where id = :x order by id</sql></query></queries>',
      level: 'warning',
      rule: 'query.boolean-attribute',
      where: `queries_root/${FILE}: query[0]/args/arg[0]@required`,
      message: /"yes"; valid values: true, false/,
    },
    {
      label: 'an unknown child',
      xml: '<queries><query name="com.a.b.c.d"><column>students.id</column><sql>select id from students order by id</sql></query></queries>',
      level: 'warning',
      rule: 'query.unknown-markup',
      where: `queries_root/${FILE}: query[0]/column`,
      message: /<column> is not allowed in <query>/,
    },
    {
      label: 'a query rule (SQL without ORDER BY)',
      xml: '<queries><query name="com.a.b.c.d" coreTable="students"><columns><column column="students.id">id</column></columns><sql>select id from students</sql></query></queries>',
      level: 'warning',
      rule: 'query.order-by',
      where: `queries_root/${FILE}: query[0]/sql`,
      message: /no top-level ORDER BY/,
    },
  ])('reports $label at its place as a $level ($rule)', ({ xml, level, rule, where, message }) => {
    const findings = findingsOf(xml);
    const match = findings.find((item) => item.where === where && item.rule === rule);
    expect(match, JSON.stringify(findings, null, 2)).toBeDefined();
    expect(match!.level).toBe(level);
    expect(match!.message).toMatch(message);
  });

  it('parses a file whose queries only have warnings (no ORDER BY, a six-part name)', () => {
    const xml =
      '<queries><query name="us.ct.k12.district.students.get_home_room" coreTable="students"><columns><column column="students.home_room">home_room</column></columns><sql>select home_room from students</sql></query></queries>';
    expect(parseNamedQueriesXml(xml, FILE).map((query) => query.name)).toEqual([
      'us.ct.k12.district.students.get_home_room',
    ]);
  });

  it('throws PluginError with the findings for a refusal', () => {
    expect(() => parseNamedQueriesXml('<queries><query></queries>', FILE)).toThrow(
      expect.objectContaining({ code: 'malformed_xml' }),
    );
  });
});
