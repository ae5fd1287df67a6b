import { describe, expect, it } from 'vitest';
import { buildBundle, readBundle, type ReadBundleOptions } from '../../plugin/bundle.ts';
import { QUERIES, QUERIES_FILE } from '../../plugin/contract.ts';
import { defaultPluginDefinition } from '../../plugin/definition.ts';
import { renderNamedQueriesXml } from '../../plugin/named-queries-xml.ts';
import { renderPluginXml } from '../../plugin/plugin-xml.ts';
import { PluginValidationError, type Violation } from '../../plugin/validate.ts';
import { rawZip, type RawEntry } from './zip-fixtures.ts';

const MIB = 1024 * 1024;
const PLUGIN_XML = renderPluginXml(defaultPluginDefinition({ psVersion: '25.2.0.0' }));
const QUERIES_XML = renderNamedQueriesXml(QUERIES);
const QUERY_ENTRY = `queries_root/${QUERIES_FILE}`;
const GOOD: RawEntry[] = [
  { name: 'plugin.xml', data: PLUGIN_XML },
  { name: QUERY_ENTRY, data: QUERIES_XML },
];

async function violationsOf(
  bytes: Uint8Array,
  options: ReadBundleOptions = {},
): Promise<Violation[]> {
  try {
    await readBundle(bytes, options);
  } catch (error) {
    if (error instanceof PluginValidationError) return error.violations;
    throw error;
  }
  throw new Error('expected readBundle to refuse the bundle');
}

interface RefusalCase {
  label: string;
  bytes: () => Buffer;
  options?: ReadBundleOptions;
  where: string | RegExp;
  message: RegExp;
}

const refusals: RefusalCase[] = [
  {
    label: 'no plugin.xml at the root',
    bytes: () => rawZip([{ name: QUERY_ENTRY, data: QUERIES_XML }]),
    where: 'archive',
    message: /has no plugin\.xml at its root/,
  },
  {
    label: 'a wrapping folder',
    bytes: () => rawZip(GOOD.map((entry) => ({ ...entry, name: `bundle/${entry.name}` }))),
    where: 'archive',
    message: /plugin\.xml is inside the folder "bundle\/".*Zip the folder's contents/,
  },
  {
    label: 'an entry escaping with ../',
    bytes: () => rawZip([...GOOD, { name: '../evil.sh', data: 'x' }]),
    where: 'archive: ../evil.sh',
    message: /escapes the archive/,
  },
  {
    label: 'an entry escaping from a folder',
    bytes: () => rawZip([...GOOD, { name: 'web_root/../../evil.sh', data: 'x' }]),
    where: 'archive: web_root/../../evil.sh',
    message: /escapes the archive/,
  },
  {
    label: 'an absolute path',
    bytes: () => rawZip([...GOOD, { name: '/etc/cron.d/x', data: 'x' }]),
    where: 'archive: /etc/cron.d/x',
    message: /absolute path/,
  },
  {
    label: 'a backslash path',
    bytes: () => rawZip([...GOOD, { name: 'web_root\\x.html', data: 'x' }]),
    where: 'archive: web_root\\x.html',
    message: /backslashes/,
  },
  {
    label: 'a miscased plugin.xml',
    bytes: () => rawZip([{ name: 'Plugin.xml', data: PLUGIN_XML }]),
    where: 'archive: Plugin.xml',
    message: /exactly plugin\.xml/,
  },
  {
    label: 'a miscased queries_root',
    bytes: () => rawZip([GOOD[0]!, { name: `Queries_Root/${QUERIES_FILE}`, data: QUERIES_XML }]),
    where: `archive: Queries_Root/${QUERIES_FILE}`,
    message: /case-sensitive/,
  },
  {
    label: 'a query file in a subfolder',
    bytes: () =>
      rawZip([...GOOD, { name: 'queries_root/more/x.named_queries.xml', data: QUERIES_XML }]),
    where: 'archive: queries_root/more/x.named_queries.xml',
    message: /subfolder of queries_root/,
  },
  {
    label: 'another file in queries_root',
    bytes: () => rawZip([...GOOD, { name: 'queries_root/notes.txt', data: 'x' }]),
    where: 'archive: queries_root/notes.txt',
    message: /not a PowerQuery file/,
  },
  {
    label: 'an entry twice',
    bytes: () => rawZip([...GOOD, GOOD[0]!]),
    where: 'archive: plugin.xml',
    message: /appears twice/,
  },
  {
    label: 'an encrypted entry',
    bytes: () => rawZip([...GOOD, { name: 'web_root/a.js', data: 'x', method: 8, flags: 0x1 }]),
    where: 'archive: web_root/a.js',
    message: /encrypted/,
  },
  {
    label: 'malformed plugin.xml',
    bytes: () => rawZip([{ name: 'plugin.xml', data: '<plugin xmlns="x"><oops></plugin>' }]),
    where: /^plugin\.xml line 1, column \d+$/,
    message: /not well-formed XML/,
  },
  {
    label: 'plugin.xml that is not UTF-8',
    bytes: () => rawZip([{ name: 'plugin.xml', data: Buffer.from([0x3c, 0x70, 0xff, 0xfe]) }]),
    where: 'archive: plugin.xml',
    message: /not valid UTF-8/,
  },
  {
    label: 'a malformed query file',
    bytes: () => rawZip([GOOD[0]!, { name: QUERY_ENTRY, data: '<queries><query>' }]),
    where: new RegExp(`^${QUERY_ENTRY.replace(/\./g, '\\.')} line \\d+, column \\d+$`),
    message: /not well-formed XML/,
  },
  {
    label: 'an entry declaring more than 5 MiB',
    bytes: () =>
      rawZip([...GOOD, { name: 'web_root/big.js', data: 'x', method: 8, declaredSize: 6 * MIB }]),
    where: 'archive: web_root/big.js',
    message: /declares 6 MiB uncompressed; pswb reads at most 5 MiB.*Nothing was inflated/,
  },
  {
    label: 'a plugin.xml declaring more than its limit',
    bytes: () =>
      rawZip([{ name: 'plugin.xml', data: PLUGIN_XML, method: 8, declaredSize: 2 * MIB }]),
    where: 'archive: plugin.xml',
    message: /at most 1 MiB/,
  },
  {
    label: 'more than the total uncompressed limit',
    bytes: () => rawZip(GOOD),
    options: { limits: { maxTotalBytes: 1000 } },
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
    where: `archive: ${QUERY_ENTRY}`,
    message: /could not be read: inflates to more/,
  },
  {
    label: 'an archive beyond the size limit',
    bytes: () => rawZip(GOOD),
    options: { limits: { maxArchiveBytes: 4096 } },
    where: 'archive',
    message: /pswb reads archives of at most 4 KiB/,
  },
  {
    label: 'too many entries',
    bytes: () => rawZip([...GOOD, { name: 'web_root/a', data: '' }]),
    options: { limits: { maxEntries: 2 } },
    where: 'archive',
    message: /holds 3 entries; pswb reads at most 2/,
  },
  {
    label: 'a truncated archive',
    bytes: () => rawZip(GOOD).subarray(0, 200),
    where: 'archive',
    message: /not a readable zip archive/,
  },
  {
    label: 'neither a zip nor XML',
    bytes: () => Buffer.from('hello, world'),
    where: 'input',
    message: /neither a zip archive.*nor a plugin\.xml/,
  },
  {
    label: 'a bare plugin.xml beyond its limit',
    bytes: () => Buffer.from(PLUGIN_XML),
    options: { limits: { maxPluginXmlBytes: 100 } },
    where: 'plugin.xml',
    message: /pswb reads a plugin\.xml of at most 100 bytes/,
  },
  {
    label: 'accessLevelV1Api for PowerSchool 24.11',
    bytes: () => rawZip(GOOD),
    options: { psVersion: '24.11.0.0' },
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
    where: `${QUERY_ENTRY}: query[0]`,
    message: /reads STUDENTS\.DCID, which access_request does not request/,
  },
];

describe('readBundle refuses', () => {
  it.each(refusals)('$label', async ({ bytes, options, where, message }) => {
    const violations = await violationsOf(bytes(), options);
    const match = violations.find((violation) =>
      typeof where === 'string' ? violation.where === where : where.test(violation.where),
    );
    expect(match, JSON.stringify(violations, null, 2)).toBeDefined();
    expect(match!.message).toMatch(message);
  });

  it('reports every problem of a bundle at once', async () => {
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
    const places = (await violationsOf(bytes)).map((violation) => violation.where);
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
    expect(read.definition).toEqual({
      ...built.definition,
      queries: built.definition.queries.map((query) => ({ ...query, alsoReads: [] })),
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
