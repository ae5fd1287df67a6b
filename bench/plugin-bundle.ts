/**
 * Figure 5: how long the plugin bundle takes to build, and whether every build gives the same
 * bytes: several builds in this process, and one by `pswb plugin build` in a fresh process (no
 * shared state, another clock reading), all compared byte for byte.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildBundle, sha256Hex } from '../plugin/bundle.ts';
import { DEFAULT_PS_VERSION } from '../plugin/ps-version.ts';
import type { BenchConfig } from './bench-config.ts';
import type { FigureResult } from './figure.ts';
import { verdictOf } from './figure.ts';
import { formatMs, formatNumber, median } from './stats.ts';

const PSWB = fileURLToPath(new URL('../bin/pswb.mjs', import.meta.url));
const runFile = promisify(execFile);

/** Builds with the CLI in a child process; returns the zip's bytes and the wall time. */
async function buildInFreshProcess(): Promise<{
  bytes: Buffer;
  elapsedMs: number;
  fileName: string;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'pswb-bench-bundle-'));
  try {
    const started = performance.now();
    await runFile(process.execPath, [PSWB, 'plugin', 'build', '--out', dir], { timeout: 60_000 });
    const elapsedMs = performance.now() - started;
    const fileName = (await readdir(dir)).find((name) => name.endsWith('.zip'));
    if (!fileName) throw new Error(`pswb plugin build wrote no .zip into ${dir}`);
    return { bytes: await readFile(join(dir, fileName)), elapsedMs, fileName };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs figure 5. */
export async function runPluginBundle(
  config: BenchConfig,
  log: (line: string) => void,
): Promise<FigureResult> {
  log(`figure 5: ${config.bundleBuilds} bundle builds in process, 1 in a fresh process`);
  const durations: number[] = [];
  const builds: Buffer[] = [];
  for (let build = 0; build < config.bundleBuilds; build += 1) {
    const started = performance.now();
    builds.push((await buildBundle()).bytes);
    durations.push(performance.now() - started);
  }
  const fresh = await buildInFreshProcess();
  const reference = builds[0]!;
  const identical = [...builds, fresh.bytes].every((bytes) => bytes.equals(reference));
  const digests = new Set([...builds, fresh.bytes].map((bytes) => sha256Hex(bytes)));
  return {
    rows: [
      {
        measure: `bundle build (buildBundle, PowerSchool ${DEFAULT_PS_VERSION}), in process`,
        measured: `${formatMs(median(durations))} median of ${durations.length} (first ${formatMs(durations[0]!)})`,
        goal: '-',
        verdict: 'reported',
      },
      {
        measure: `byte-identical: ${builds.length} builds in process + \`pswb plugin build\` in a fresh process`,
        measured: identical
          ? `identical, ${formatNumber(reference.length)} bytes, sha256 ${[...digests][0]!.slice(0, 16)}…`
          : `${digests.size} different outputs`,
        goal: 'byte-identical',
        verdict: verdictOf(identical),
      },
    ],
    details: [
      {
        caption: 'Builds',
        header: ['build', 'time', 'sha256'],
        rows: [
          ...builds.map((bytes, index) => [
            `in process #${index + 1}`,
            formatMs(durations[index]!),
            sha256Hex(bytes),
          ]),
          [
            `pswb plugin build, fresh process (${fresh.fileName})`,
            `${formatMs(fresh.elapsedMs)} incl. Node and tsx start-up`,
            sha256Hex(fresh.bytes),
          ],
        ],
      },
    ],
    notes: [
      'The first in-process build also warms the JIT up; the median is the steady cost. Every build is validated and read back before it is returned, as `pswb plugin build` does.',
    ],
  };
}
