import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yauzl from 'yauzl';
import { afterEach, describe, expect, it } from 'vitest';
import { buildBundle, bundleFileName, slugOf } from '../../plugin/bundle.ts';
import { writeBundle } from '../../plugin/bundle-files.ts';
import { QUERIES_FILE } from '../../plugin/contract.ts';
import { defaultPluginDefinition } from '../../plugin/definition.ts';
import { renderNamedQueriesXml } from '../../plugin/named-queries-xml.ts';
import { renderPluginXml } from '../../plugin/plugin-xml.ts';
import { inspectBundle } from '../../plugin/bundle-read.ts';
import { PluginError } from '../../plugin/plugin-error.ts';
import { SUPPORTED_PS_VERSIONS } from '../../plugin/ps-version.ts';

interface ListedEntry {
  name: string;
  mode: number;
  method: number;
  date: number;
  time: number;
  content: string;
}

/** Lists a zip's entries with their header fields and content, independently of plugin/. */
function listZip(bytes: Buffer): Promise<ListedEntry[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const entries: ListedEntry[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            entries.push({
              name: entry.fileName,
              mode: (entry.externalFileAttributes >>> 16) & 0o777,
              method: entry.compressionMethod,
              date: entry.lastModFileDate,
              time: entry.lastModFileTime,
              content: Buffer.concat(chunks).toString('utf8'),
            });
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

const temporaryFolders: string[] = [];
afterEach(async () => {
  await Promise.all(
    temporaryFolders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })),
  );
});

describe('buildBundle', () => {
  it.each([
    {
      psVersion: '25.2.0.0',
      version: undefined,
      fileName: 'navigate360-attendance-access-1.0.0-ps25.2.0.0.zip',
    },
    {
      psVersion: '24.11.0.0',
      version: '1.2.3',
      fileName: 'navigate360-attendance-access-1.2.3-ps24.11.0.0.zip',
    },
  ])('names the $psVersion bundle $fileName', async ({ psVersion, version, fileName }) => {
    const bundle = await buildBundle({ psVersion, ...(version ? { version } : {}) });
    expect(bundle.fileName).toBe(fileName);
  });

  it('slugs the plugin name: lower case, dashes', () => {
    expect(slugOf('Navigate360 Attendance Access')).toBe('navigate360-attendance-access');
    expect(slugOf('  A & B -- C ')).toBe('a-b-c');
    expect(bundleFileName(defaultPluginDefinition(), ' 25.2.0.0 ')).toBe(
      'navigate360-attendance-access-1.0.0-ps25.2.0.0.zip',
    );
  });

  it('puts plugin.xml at the root and the queries directly under queries_root/', async () => {
    const bundle = await buildBundle({ psVersion: '25.2.0.0' });
    const entries = await listZip(bundle.bytes);
    expect(entries.map((entry) => entry.name)).toEqual([
      'plugin.xml',
      `queries_root/${QUERIES_FILE}`,
    ]);
    expect(entries[0]!.content).toBe(renderPluginXml(bundle.definition));
    expect(entries[1]!.content).toBe(renderNamedQueriesXml(bundle.definition.queries));
  });

  it('gives every entry the fixed date (1980-01-01 00:00), mode 0644 and no compression', async () => {
    const entries = await listZip((await buildBundle()).bytes);
    for (const entry of entries) {
      expect(entry).toMatchObject({
        mode: 0o644,
        method: 0,
        date: (0 << 9) | (1 << 5) | 1,
        time: 0,
      });
    }
  });

  it('produces byte-identical bundles, and so one sha256, for identical input', async () => {
    const first = await buildBundle({ psVersion: '25.2.0.0' });
    const second = await buildBundle({ psVersion: '25.2.0.0' });
    expect(second.bytes.equals(first.bytes)).toBe(true);
    expect(second.sha256).toBe(first.sha256);
    expect(first.sha256).toBe(createHash('sha256').update(first.bytes).digest('hex'));
  });

  it('produces the same bytes whatever the machine time zone', async () => {
    const original = process.env.TZ;
    try {
      process.env.TZ = 'UTC';
      const utc = await buildBundle();
      // Ahead of UTC in 1980, so local time would read 09:00, not 00:00.
      process.env.TZ = 'Asia/Tokyo';
      const ahead = await buildBundle();
      expect(ahead.sha256).toBe(utc.sha256);
    } finally {
      if (original === undefined) delete process.env.TZ;
      else process.env.TZ = original;
    }
  });

  it('changes the bytes when the input changes (the checksum identifies the content)', async () => {
    const a = await buildBundle({ psVersion: '25.2.0.0' });
    const b = await buildBundle({ psVersion: '24.11.0.0' });
    const c = await buildBundle({ psVersion: '25.2.0.0', contactEmail: 'help@example.org' });
    expect(new Set([a.sha256, b.sha256, c.sha256]).size).toBe(3);
  });

  it.each([
    { psVersion: '24.11.0.0', has: false },
    { psVersion: '25.2.0.0', has: true },
  ])(
    'writes accessLevelV1Api="FULL" into the $psVersion bundle: $has',
    async ({ psVersion, has }) => {
      const [pluginXml] = await listZip((await buildBundle({ psVersion })).bytes);
      expect(pluginXml!.content.includes('<oauth accessLevelV1Api="FULL"/>')).toBe(has);
      expect(pluginXml!.content.includes('<oauth/>')).toBe(!has);
    },
  );

  it('refuses a definition that breaks the rules, listing every violation', async () => {
    const definition = {
      ...defaultPluginDefinition({ psVersion: '24.11.0.0' }),
      name: '',
      oauth: { accessLevelV1Api: 'FULL' as const },
    };
    const error = await buildBundle({ psVersion: '24.11.0.0', definition }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(PluginError);
    expect(error).toMatchObject({ code: 'plugin_refused' });
    expect((error as PluginError).findings.map((item) => item.where)).toEqual([
      'plugin@name',
      'oauth@accessLevelV1Api',
    ]);
  });

  it('refuses to build a bundle with only a warning or a note: ours must be clean at every level', async () => {
    const base = defaultPluginDefinition({ psVersion: '25.2.0.0' });
    const [first, ...rest] = base.queries;
    const noOrder = { ...first!, sql: first!.sql.replace(/\nORDER BY s\.dcid$/, '') };
    const error = await buildBundle({
      psVersion: '25.2.0.0',
      definition: { ...base, queries: [noOrder, ...rest] },
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'bundle_not_clean' });
    expect((error as PluginError).findings.map((item) => item.rule)).toEqual(['query.order-by']);
  });

  it.each(SUPPORTED_PS_VERSIONS)(
    'builds a bundle for %s that inspect --strict passes with no finding at all',
    async (psVersion) => {
      const built = await buildBundle({ psVersion });
      expect((await inspectBundle(built.bytes, { psVersion })).findings).toEqual([]);
    },
  );

  it.each([
    {
      psVersion: '8.3.0',
      code: 'unsupported_ps_version',
      message: /no attendance write endpoints/,
    },
    { psVersion: 'latest', code: 'unknown_ps_version', message: /not a PowerSchool version/ },
  ])('refuses PowerSchool $psVersion with $code', async ({ psVersion, code, message }) => {
    const error = (await buildBundle({ psVersion }).catch(
      (caught: unknown) => caught,
    )) as PluginError;
    expect(error).toBeInstanceOf(PluginError);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });
});

describe('writeBundle', () => {
  it('writes the zip and a sha256sum-format checksum beside it', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'pswb-bundle-'));
    temporaryFolders.push(folder);
    const bundle = await buildBundle({ psVersion: '25.2.0.0' });
    const written = await writeBundle(bundle, join(folder, 'dist'));
    expect(written.zipPath).toBe(join(folder, 'dist', bundle.fileName));
    const zip = await readFile(written.zipPath);
    expect(zip.equals(bundle.bytes)).toBe(true);
    const line = await readFile(written.checksumPath, 'utf8');
    expect(line).toBe(`${createHash('sha256').update(zip).digest('hex')}  ${bundle.fileName}\n`);
    expect((await readdir(join(folder, 'dist'))).sort()).toEqual([
      bundle.fileName,
      `${bundle.fileName}.sha256`,
    ]);
  });
});
