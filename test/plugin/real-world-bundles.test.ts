import { describe, expect, it } from 'vitest';
import { inspectBundle, readBundle } from '../../plugin/bundle-read.ts';
import { formatBundleSummary } from '../../plugin/bundle-summary.ts';
import type { Finding } from '../../plugin/finding.ts';
import type { FindingLevel, RuleId } from '../../plugin/rules.ts';
import { exportBundle, permissionMappings, USER_SCHEMA_XML } from './real-world-fixtures.ts';

const QUERY_FILE = 'queries_root/us.ct.k12.district.named_queries.xml';

function summary(findings: readonly Finding[]): Array<[FindingLevel, RuleId, string]> {
  return findings.map((item) => [item.level, item.rule, item.where]);
}

describe('a district data-export bundle in the real-world form', () => {
  it('installs: every finding is a warning or a note, each with its source', async () => {
    const { findings } = await inspectBundle(exportBundle());
    expect(summary(findings)).toEqual([
      ['warning', 'plugin.element-order', 'publisher'],
      ['warning', 'query.name-form', `${QUERY_FILE}: query[0]@name`],
      ['warning', 'query.order-by', `${QUERY_FILE}: query[0]/sql`],
      ['warning', 'query.name-form', `${QUERY_FILE}: query[1]@name`],
      ['warning', 'query.name-form', `${QUERY_FILE}: query[2]@name`],
    ]);
    expect(findings.every((item) => item.source.length > 0)).toBe(true);
    const bundle = await readBundle(exportBundle());
    expect(bundle.definition.queries).toHaveLength(3);
  });

  it('names a field access_request misses once, as a note, for an OAuth plugin only', async () => {
    const oauth = exportBundle([], '<oauth accessLevelV1Api="READ"/>');
    const { findings } = await inspectBundle(oauth);
    const gaps = findings.filter((item) => item.rule === 'query.access-gap');
    expect(gaps).toHaveLength(1);
    expect(gaps[0]!.message).toMatch(
      /reads STUDENTS\.GRADE_LEVEL, which access_request does not request: an OAuth caller gets 403/,
    );
  });

  it('groups the requested fields by table whatever their case', async () => {
    const bundle = await readBundle(exportBundle());
    const text = formatBundleSummary(bundle, 'export.zip');
    expect(text).toContain('Fields       2 requested on 1 table');
    expect(text).toContain('  STUDENTS (ViewOnly)\n    STUDENT_NUMBER, Home_Room');
  });
});

describe('permissions_root/, user_schema_root/ and the other folders', () => {
  it.each([
    {
      label: 'a mapping to a named query of the bundle',
      target: '/ws/schema/query/district.homerooms',
      findings: [],
    },
    {
      label: 'a mapping to a path that is not a named query',
      target: '/ws/cpm/tree',
      findings: [['refusal', 'permissions.named-queries-only']],
      message: /^Plugins can only permission map named queries, not \/ws\/cpm\/tree/,
    },
    {
      label: 'a mapping to a query the bundle does not declare',
      target: '/ws/schema/query/com.pearson.core.student.student_dcid_id_map',
      findings: [['note', 'permissions.unknown-query']],
      message:
        /maps com\.pearson\.core\.student\.student_dcid_id_map, which this bundle does not declare/,
    },
  ])('reads $label', async ({ target, findings, message }) => {
    const bytes = exportBundle([
      {
        name: 'permissions_root/us.ct.k12.district.permission_mappings.xml',
        data: permissionMappings(target),
      },
    ]);
    const own = (await inspectBundle(bytes)).findings.filter((item) =>
      item.where.startsWith('permissions_root/'),
    );
    expect(own.map((item) => [item.level, item.rule])).toEqual(findings);
    if (message) expect(own[0]!.message).toMatch(message);
  });

  it.each([
    {
      label: 'a permission mapping file in a subfolder',
      entry: {
        name: 'permissions_root/more/x.permission_mappings.xml',
        data: permissionMappings('/ws/schema/query/district.homerooms'),
      },
      level: 'refusal',
      rule: 'permissions.file-location',
      message: /subfolder of permissions_root\/.*Plugin file contains an unrecognized file/,
    },
    {
      label: 'a file under permissions_root/ with another name',
      entry: { name: 'permissions_root/notes.xml', data: '<x/>' },
      level: 'warning',
      rule: 'permissions.file-name',
      message: /is not named NAME\.permission_mappings\.xml, so PowerSchool ignores it/,
    },
    {
      label: 'a permission mapping file with another root',
      entry: { name: 'permissions_root/x.permission_mappings.xml', data: '<permissions/>' },
      level: 'refusal',
      rule: 'permissions.structure',
      message: /root element is <permissions>/,
    },
    {
      label: 'a query mapping that does not allow post',
      entry: {
        name: 'permissions_root/x.permission_mappings.xml',
        data: permissionMappings('/ws/schema/query/district.homerooms', 'get'),
      },
      level: 'warning',
      rule: 'permissions.allow',
      message: /allow is "get"; PowerQueries run by POST/,
    },
    {
      label: 'a query file name without a namespace',
      entry: { name: 'queries_root/homerooms.named_queries.xml', data: '<queries/>' },
      level: 'warning',
      rule: 'queries.file-namespace',
      message: /one server-wide namespace .*com\.organization\.product\.named_queries\.xml/,
    },
  ])('reports $label as a $level ($rule)', async ({ entry, level, rule, message }) => {
    const { findings } = await inspectBundle(exportBundle([entry]));
    const match = findings.find((item) => item.rule === rule);
    expect(match, JSON.stringify(findings, null, 2)).toMatchObject({ level });
    expect(match!.message).toMatch(message);
  });

  it('refuses the install of a bundle mapping a non-query path, as PowerSchool does', async () => {
    const bytes = exportBundle([
      {
        name: 'permissions_root/cpm.permission_mappings.xml',
        data: permissionMappings('/ws/cpm/tree'),
      },
    ]);
    await expect(readBundle(bytes)).rejects.toMatchObject({ code: 'plugin_refused' });
  });

  it('parses and summarises a user_schema_root extension, MessageKeys, pagecataloging and web_root', async () => {
    const bundle = await readBundle(
      exportBundle([
        { name: 'user_schema_root/U_LAPTOP.xml', data: USER_SCHEMA_XML },
        { name: 'MessageKeys/district.US_en.properties', data: 'a=b' },
        { name: 'pagecataloging/district.json', data: '{"pages":[]}' },
        { name: 'WEB_ROOT/admin/laptops.html', data: '<html></html>' },
      ]),
    );
    expect(bundle.contents.userSchema).toEqual([
      {
        entry: 'user_schema_root/U_LAPTOP.xml',
        name: 'U_LAPTOP',
        tables: [{ name: 'U_LAPTOP', coreTable: 'STUDENTS', fields: 2 }],
      },
    ]);
    const text = formatBundleSummary(bundle, 'laptops.zip');
    for (const line of [
      'DB extension 1 file',
      '    U_LAPTOP on STUDENTS: 2 fields',
      'Message keys 1 file under MessageKeys/',
      'Page catalog 1 file under pagecataloging/',
      'Web pages    1 file under web_root/',
    ]) {
      expect(text).toContain(line);
    }
  });

  it.each([
    {
      label: 'a database extension in the old <tables> form',
      data: '<tables><table name="STUDENTS"/></tables>',
      level: 'warning',
      rule: 'user-schema.shape',
      message: /root element is <tables>.*field report says <tables> was refused/,
    },
    {
      label: 'a malformed database extension',
      data: '<psExtension><extensionname>U_X</psExtension>',
      level: 'refusal',
      rule: 'xml.well-formed',
      message: /not well-formed XML/,
    },
  ])('reports $label as a $level', async ({ data, level, rule, message }) => {
    const { findings } = await inspectBundle(
      exportBundle([{ name: 'user_schema_root/U_X.xml', data }]),
    );
    const match = findings.find((item) => item.rule === rule);
    expect(match, JSON.stringify(findings, null, 2)).toMatchObject({ level });
    expect(match!.message).toMatch(message);
  });

  it('ignores __MACOSX/ and .DS_Store entries with one note', async () => {
    const { findings, bundle } = await inspectBundle(
      exportBundle([
        { name: '__MACOSX/._plugin.xml', data: 'x' },
        { name: '__MACOSX/queries_root/._us.ct.k12.district.named_queries.xml', data: 'x' },
        { name: '.DS_Store', data: 'x' },
      ]),
    );
    const notes = findings.filter((item) => item.rule === 'archive.ignored-entry');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ level: 'note', where: 'archive' });
    expect(notes[0]!.message).toMatch(/3 entries of macOS archive metadata/);
    expect(bundle?.contents.ignored).toHaveLength(3);
    expect(findings.some((item) => item.rule === 'archive.unrecognized-entry')).toBe(false);
  });
});
