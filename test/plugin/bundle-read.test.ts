import { describe, expect, it } from 'vitest';
import { buildBundle } from '../../plugin/bundle.ts';
import { inspectBundle, readBundle, type ReadBundleOptions } from '../../plugin/bundle-read.ts';
import { QUERIES, QUERIES_FILE } from '../../plugin/contract.ts';
import { defaultPluginDefinition } from '../../plugin/definition.ts';
import { renderNamedQueriesXml } from '../../plugin/named-queries-xml.ts';
import { renderPluginXml } from '../../plugin/plugin-xml.ts';
import type { Finding } from '../../plugin/finding.ts';
import { PluginError } from '../../plugin/plugin-error.ts';
import type { FindingLevel, RuleId } from '../../plugin/rules.ts';
import { rawZip, type RawEntry } from './zip-fixtures.ts';

const MIB = 1024 * 1024;
const PLUGIN_XML = renderPluginXml(defaultPluginDefinition({ psVersion: '25.2.0.0' }));
const QUERIES_XML = renderNamedQueriesXml(QUERIES);
const QUERY_ENTRY = `queries_root/${QUERIES_FILE}`;
const GOOD: RawEntry[] = [
  { name: 'plugin.xml', data: PLUGIN_XML },
  { name: QUERY_ENTRY, data: QUERIES_XML },
];

async function findingsOf(bytes: Uint8Array, options: ReadBundleOptions = {}): Promise<Finding[]> {
  return (await inspectBundle(bytes, options)).findings;
}

interface BundleCase {
  label: string;
  bytes: () => Buffer;
  options?: ReadBundleOptions;
  level: FindingLevel;
  rule: RuleId;
  where: string | RegExp;
  message: RegExp;
}

const cases: BundleCase[] = [
  {
    label: 'no plugin.xml at the root',
    bytes: () => rawZip([{ name: QUERY_ENTRY, data: QUERIES_XML }]),
    level: 'refusal',
    rule: 'archive.plugin-xml',
    where: 'archive',
    message: /has no plugin\.xml at its root/,
  },
  {
    label: 'a wrapping folder',
    bytes: () => rawZip(GOOD.map((entry) => ({ ...entry, name: `bundle/${entry.name}` }))),
    level: 'refusal',
    rule: 'archive.plugin-xml',
    where: 'archive',
    message: /plugin\.xml is inside the folder "bundle\/".*Zip the folder's contents/,
  },
  {
    label: 'an entry escaping with ../',
    bytes: () => rawZip([...GOOD, { name: '../evil.sh', data: 'x' }]),
    level: 'refusal',
    rule: 'archive.entry-path',
    where: 'archive: ../evil.sh',
    message: /escapes the archive/,
  },
  {
    label: 'an entry escaping from a folder',
    bytes: () => rawZip([...GOOD, { name: 'web_root/../../evil.sh', data: 'x' }]),
    level: 'refusal',
    rule: 'archive.entry-path',
    where: 'archive: web_root/../../evil.sh',
    message: /escapes the archive/,
  },
  {
    label: 'an absolute path',
    bytes: () => rawZip([...GOOD, { name: '/etc/cron.d/x', data: 'x' }]),
    level: 'refusal',
    rule: 'archive.entry-path',
    where: 'archive: /etc/cron.d/x',
    message: /absolute path/,
  },
  {
    label: 'a backslash path',
    bytes: () => rawZip([...GOOD, { name: 'web_root\\x.html', data: 'x' }]),
    level: 'refusal',
    rule: 'archive.entry-path',
    where: 'archive: web_root\\x.html',
    message: /backslashes/,
  },
  {
    label: 'a miscased plugin.xml',
    bytes: () => rawZip([{ name: 'Plugin.xml', data: PLUGIN_XML }]),
    level: 'refusal',
    rule: 'archive.plugin-xml',
    where: 'archive: Plugin.xml',
    message: /exactly plugin\.xml/,
  },
  {
    label: 'a miscased queries_root',
    bytes: () => rawZip([GOOD[0]!, { name: `Queries_Root/${QUERIES_FILE}`, data: QUERIES_XML }]),
    level: 'warning',
    rule: 'archive.folder-case',
    where: 'archive: Queries_Root/',
    message:
      /case-sensitive .*PowerSchool reads queries_root\/, so the files in Queries_Root\/ would be ignored/,
  },
  {
    label: 'a query file in a subfolder',
    bytes: () =>
      rawZip([...GOOD, { name: 'queries_root/more/x.named_queries.xml', data: QUERIES_XML }]),
    level: 'refusal',
    rule: 'queries.file-location',
    where: 'archive: queries_root/more/x.named_queries.xml',
    message: /subfolder of queries_root/,
  },
  {
    label: 'another file in queries_root',
    bytes: () => rawZip([...GOOD, { name: 'queries_root/notes.txt', data: 'x' }]),
    level: 'warning',
    rule: 'queries.file-name',
    where: 'archive: queries_root/notes.txt',
    message: /is not named NAME\.named_queries\.xml, so PowerSchool ignores it/,
  },
  {
    label: 'an entry twice',
    bytes: () => rawZip([...GOOD, GOOD[0]!]),
    level: 'refusal',
    rule: 'archive.entry-path',
    where: 'archive: plugin.xml',
    message: /appears twice/,
  },
  {
    label: 'an encrypted entry',
    bytes: () => rawZip([...GOOD, { name: 'web_root/a.js', data: 'x', method: 8, flags: 0x1 }]),
    level: 'refusal',
    rule: 'archive.entry-path',
    where: 'archive: web_root/a.js',
    message: /encrypted/,
  },
  {
    label: 'malformed plugin.xml',
    bytes: () => rawZip([{ name: 'plugin.xml', data: '<plugin xmlns="x"><oops></plugin>' }]),
    level: 'refusal',
    rule: 'xml.well-formed',
    where: /^plugin\.xml line 1, column \d+$/,
    message: /not well-formed XML/,
  },
  {
    label: 'plugin.xml that is not UTF-8',
    bytes: () => rawZip([{ name: 'plugin.xml', data: Buffer.from([0x3c, 0x70, 0xff, 0xfe]) }]),
    level: 'refusal',
    rule: 'xml.encoding',
    where: 'archive: plugin.xml',
    message: /not valid UTF-8/,
  },
  {
    label: 'a malformed query file',
    bytes: () => rawZip([GOOD[0]!, { name: QUERY_ENTRY, data: '<queries><query>' }]),
    level: 'refusal',
    rule: 'xml.well-formed',
    where: new RegExp(`^${QUERY_ENTRY.replace(/\./g, '\\.')} line \\d+, column \\d+$`),
    message: /not well-formed XML/,
  },
  {
    label: 'an entry declaring more than 5 MiB',
    bytes: () =>
      rawZip([...GOOD, { name: 'web_root/big.js', data: 'x', method: 8, declaredSize: 6 * MIB }]),
    level: 'refusal',
    rule: 'archive.limits',
    where: 'archive: web_root/big.js',
    message: /declares 6 MiB uncompressed; pswb reads at most 5 MiB.*Nothing was inflated/,
  },
  {
    label: 'a plugin.xml declaring more than its limit',
    bytes: () =>
      rawZip([{ name: 'plugin.xml', data: PLUGIN_XML, method: 8, declaredSize: 2 * MIB }]),
    level: 'refusal',
    rule: 'archive.limits',
    where: 'archive: plugin.xml',
    message: /at most 1 MiB/,
  },
  {
    label: 'more than the total uncompressed limit',
    bytes: () => rawZip(GOOD),
    options: { limits: { maxTotalBytes: 1000 } },
    level: 'refusal',
    rule: 'archive.limits',
    where: 'archive',
    message: /in all; pswb reads at most 1000 bytes/,
  },
  {
    label: 'a zip bomb whose entry inflates past its declared size',
    bytes: () =>
      rawZip([
        GOOD[0]!,
        {
          name: QUERY_ENTRY,
          data: `${QUERIES_XML}${' '.repeat(200_000)}`,
          method: 8,
          declaredSize: 1000,
        },
      ]),
    level: 'refusal',
    rule: 'archive.limits',
    where: `archive: ${QUERY_ENTRY}`,
    message: /could not be read: inflates to more/,
  },
  {
    label: 'an archive beyond the size limit',
    bytes: () => rawZip(GOOD),
    options: { limits: { maxArchiveBytes: 4096 } },
    level: 'refusal',
    rule: 'archive.limits',
    where: 'archive',
    message: /pswb reads archives of at most 4 KiB/,
  },
  {
    label: 'too many entries',
    bytes: () => rawZip([...GOOD, { name: 'web_root/a', data: '' }]),
    options: { limits: { maxEntries: 2 } },
    level: 'refusal',
    rule: 'archive.limits',
    where: 'archive',
    message: /holds 3 entries; pswb reads at most 2/,
  },
  {
    label: 'a truncated archive',
    bytes: () => rawZip(GOOD).subarray(0, 200),
    level: 'refusal',
    rule: 'archive.readable',
    where: 'archive',
    message: /not a readable zip archive/,
  },
  {
    label: 'neither a zip nor XML',
    bytes: () => Buffer.from('hello, world'),
    level: 'refusal',
    rule: 'bundle.kind',
    where: 'input',
    message: /neither a zip archive.*nor a plugin\.xml/,
  },
  {
    label: 'a bare plugin.xml beyond its limit',
    bytes: () => Buffer.from(PLUGIN_XML),
    options: { limits: { maxPluginXmlBytes: 100 } },
    level: 'refusal',
    rule: 'archive.limits',
    where: 'plugin.xml',
    message: /pswb reads a plugin\.xml of at most 100 bytes/,
  },
  {
    label: 'accessLevelV1Api for PowerSchool 24.11',
    bytes: () => rawZip(GOOD),
    options: { psVersion: '24.11.0.0' },
    level: 'refusal',
    rule: 'oauth.v1-level',
    where: 'oauth@accessLevelV1Api',
    message: /rejects accessLevelV1Api/,
  },
  {
    label: 'a query column plugin.xml does not request',
    bytes: () =>
      rawZip([
        {
          name: 'plugin.xml',
          data: PLUGIN_XML.replace(
            / *<field table="STUDENTS" field="DCID" access="ViewOnly"\/>\n/,
            '',
          ),
        },
        GOOD[1]!,
      ]),
    level: 'note',
    rule: 'query.access-gap',
    where: `${QUERY_ENTRY}: query[0]`,
    message: /reads STUDENTS\.DCID, which access_request does not request/,
  },
];

describe('inspectBundle reports each finding with its level', () => {
  it.each(cases)(
    '$label: a $level ($rule)',
    async ({ bytes, options, level, rule, where, message }) => {
      const findings = await findingsOf(bytes(), options);
      const match = findings.find(
        (item) =>
          item.rule === rule &&
          (typeof where === 'string' ? item.where === where : where.test(item.where)),
      );
      expect(match, JSON.stringify(findings, null, 2)).toBeDefined();
      expect(match!.level).toBe(level);
      expect(match!.message).toMatch(message);
    },
  );

  it.each([
    {
      label: 'no plugin.xml',
      entries: [{ name: QUERY_ENTRY, data: QUERIES_XML }],
      code: 'no_plugin_xml',
    },
    {
      label: 'a path escaping the archive',
      entries: [...GOOD, { name: '../x', data: 'x' }],
      code: 'unsafe_entry_path',
    },
    {
      label: 'two different refusals',
      entries: [{ name: '../x', data: 'x' }],
      code: 'plugin_refused',
    },
  ])('readBundle throws PluginError $code for $label', async ({ entries, code }) => {
    const error = await readBundle(rawZip(entries)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PluginError);
    expect(error).toMatchObject({ code });
    expect((error as PluginError).findings.some((item) => item.level === 'refusal')).toBe(true);
  });

  it('reports every finding of a bundle at once', async () => {
    const bytes = rawZip([
      {
        name: 'plugin.xml',
        data: PLUGIN_XML.replace('<publisher', '<Publisher').replace(
          '</publisher>',
          '</Publisher>',
        ),
      },
      { name: QUERY_ENTRY, data: QUERIES_XML.replace('ORDER BY s.dcid', '') },
      { name: '../evil.sh', data: 'x' },
      { name: 'queries_root/deeper/x.named_queries.xml', data: QUERIES_XML },
    ]);
    const places = (await findingsOf(bytes)).map((item) => item.where);
    expect(places).toEqual(
      expect.arrayContaining([
        'archive: ../evil.sh',
        'archive: queries_root/deeper/x.named_queries.xml',
        'Publisher',
        'publisher',
        `${QUERY_ENTRY}: query[0]/sql`,
      ]),
    );
  });
});

describe('readBundle accepts', () => {
  it('our own built bundle, with its queries', async () => {
    const built = await buildBundle({ psVersion: '25.2.0.0' });
    const read = await readBundle(new Uint8Array(built.bytes), { psVersion: '25.2.0.0' });
    expect(read.kind).toBe('zip');
    expect(read.entries).toEqual(['plugin.xml', QUERY_ENTRY]);
    expect(read.findings).toEqual([]);
    expect(read.definition).toEqual({
      ...built.definition,
      queries: built.definition.queries.map((query) => ({ ...query, alsoReads: [] })),
      services: { links: 0, autoinstall: false, identityAttribute: false },
    });
  });

  it("a vendor's deflated bundle with other folders and folder entries", async () => {
    const bytes = rawZip([
      { name: 'plugin.xml', data: PLUGIN_XML, method: 8 },
      { name: 'queries_root/', data: '' },
      { name: 'queries_root/vendor.named_queries.xml', data: QUERIES_XML, method: 8 },
      { name: 'web_root/admin/page.html', data: '<html></html>', method: 8 },
      { name: 'MessageKeys/vendor.US_en.properties', data: 'a=b' },
    ]);
    const read = await readBundle(bytes);
    expect(read.entries).toHaveLength(5);
    expect(read.definition.queries.map((query) => query.name)).toEqual(
      QUERIES.map((query) => query.name),
    );
  });

  it('a bare plugin.xml (with a byte-order mark), queries empty', async () => {
    const read = await readBundle(Buffer.from(`\uFEFF${PLUGIN_XML}`));
    expect(read).toMatchObject({ kind: 'xml', entries: ['plugin.xml'] });
    expect(read.definition.queries).toEqual([]);
    expect(read.definition.oauth).toEqual({ accessLevelV1Api: 'FULL' });
  });
});
