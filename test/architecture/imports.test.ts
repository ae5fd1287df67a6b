/**
 * Who may import whom (docs/architecture, README "Layout"), checked from the code's own imports
 * with madge: no file imports a file that imports it back, anywhere; the parts import only the
 * parts below them; and connector/'s layers import only the layers below theirs.
 */
import { fileURLToPath } from 'node:url';
import madge from 'madge';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOURCE_FOLDERS = [
  'plugin',
  'simulator',
  'connector',
  'contract',
  'service',
  'repro',
  'bench',
  'scripts',
];

let graph: Record<string, string[]>;
let cycles: string[][];

beforeAll(async () => {
  const result = await madge(
    SOURCE_FOLDERS.map((folder) => `${ROOT}${folder}`),
    {
      baseDir: ROOT,
      fileExtensions: ['ts'],
      tsConfig: `${ROOT}tsconfig.json`,
      // Type-only imports tie files together as much as value imports do.
      detectiveOptions: { ts: { skipTypeImports: false } },
    },
  );
  graph = result.obj();
  cycles = result.circular();
}, 60_000);

/** The first folder of a path: its part. */
const partOf = (file: string): string => file.split('/')[0]!;

/** Which parts each part may import (besides itself). */
const MAY_IMPORT: Record<string, readonly string[]> = {
  plugin: [],
  simulator: ['plugin'],
  connector: ['plugin'],
  contract: ['plugin'],
  // The service (pswb serve): the connector behind an HTTP API and a worker.
  service: ['plugin', 'connector'],
  repro: ['plugin', 'simulator', 'connector', 'contract', 'service'],
  bench: ['plugin', 'simulator', 'connector', 'contract', 'repro', 'service'],
  scripts: ['plugin', 'simulator', 'connector', 'contract', 'repro', 'bench', 'service'],
};

/** connector/'s layers, lowest first: each may import only those before it. */
const CONNECTOR_LAYERS = [
  'domain',
  'http',
  'powerschool',
  'store',
  'setup',
  'troubleshooting',
  'log',
  'writeback',
] as const;

describe('imports', () => {
  it('read the whole source (a broken parse would hide imports)', () => {
    expect(Object.keys(graph).length).toBeGreaterThan(200);
    expect(graph['connector/index.ts']).toContain('connector/connector.ts');
  });

  it('form no cycle: no file imports a file that imports it back', () => {
    expect(cycles).toEqual([]);
  });

  it('go only from a part to the parts it may import', () => {
    const wrong = Object.entries(graph).flatMap(([file, imports]) =>
      imports
        .filter((target) => partOf(target) !== partOf(file))
        .filter((target) => !(MAY_IMPORT[partOf(file)] ?? []).includes(partOf(target)))
        .map((target) => `${file} -> ${target}`),
    );
    expect(wrong).toEqual([]);
  });

  it("go down connector/'s layers, and into a layer only through its index.ts", () => {
    const layerOf = (file: string): number => {
      const folder = file.split('/')[1] ?? '';
      return CONNECTOR_LAYERS.indexOf(folder as (typeof CONNECTOR_LAYERS)[number]);
    };
    const wrong = Object.entries(graph)
      .filter(([file]) => file.startsWith('connector/') && layerOf(file) >= 0)
      .flatMap(([file, imports]) =>
        imports
          .filter((target) => target.startsWith('connector/') && layerOf(target) !== layerOf(file))
          .filter((target) => layerOf(target) > layerOf(file) || !target.endsWith('/index.ts'))
          .map((target) => `${file} -> ${target}`),
      );
    expect(wrong).toEqual([]);
  });

  it('give every connector layer an index.ts that says in one line what it is', async () => {
    const { readFile } = await import('node:fs/promises');
    for (const layer of CONNECTOR_LAYERS) {
      const index = await readFile(`${ROOT}connector/${layer}/index.ts`, 'utf8');
      expect(index).toMatch(new RegExp(`^/\\*\\* ${layer}/: .+\\*/\\n`));
    }
  });
});
