/**
 * Figure 2: how long the large district takes to seed and how much memory the simulator holds
 * once it serves it. Measured in a fresh child process, as `pswb sim start --seed large` would
 * run: generate the rows (loadSeed), index them (createSimulatorApp), install the plugin.
 */
import { performance } from 'node:perf_hooks';
import type { BenchConfig } from './bench-config.ts';
import type { FigureResult } from './figure.ts';
import { verdictOf } from './figure.ts';
import { startSimChild } from './sim-process.ts';
import { formatMiB, formatMs, formatNumber, formatPercent } from './stats.ts';

const SEED_GOAL_MS = 10_000;
const MEMORY_GOAL_BYTES = 1024 ** 3;

/** Runs figure 2. */
export async function runSimulatorScale(
  config: BenchConfig,
  log: (line: string) => void,
): Promise<FigureResult> {
  log(`figure 2: seeding ${config.scaleStudents} students in a fresh process`);
  const started = performance.now();
  const child = await startSimChild({ students: config.scaleStudents, workload: 'none' });
  const readyMs = performance.now() - started;
  await child.stop();
  const { seed } = child;
  const seedMs = seed.buildMs + seed.indexMs;
  const size = `${formatNumber(seed.students)} students`;
  return {
    rows: [
      {
        measure: `seed time (generate + index), ${size}`,
        measured: formatMs(seedMs),
        goal: `< ${formatMs(SEED_GOAL_MS)}`,
        ratio: `${formatPercent(seedMs / SEED_GOAL_MS)} of the limit`,
        verdict: verdictOf(seedMs < SEED_GOAL_MS),
      },
      {
        measure: `peak resident memory, ${size}`,
        measured: formatMiB(seed.peakRssBytes),
        goal: '< 1 GiB',
        ratio: `${formatPercent(seed.peakRssBytes / MEMORY_GOAL_BYTES)} of the limit`,
        verdict: verdictOf(seed.peakRssBytes < MEMORY_GOAL_BYTES),
      },
    ],
    details: [
      {
        caption: 'Where the time and memory go',
        header: ['step', 'value'],
        rows: [
          ['generate the rows (loadSeed large)', formatMs(seed.buildMs)],
          ['index them (createSimulatorApp)', formatMs(seed.indexMs)],
          ['build and install the plugin bundle', formatMs(seed.pluginMs)],
          ['process start to listening (incl. Node and tsx start-up)', formatMs(readyMs)],
          ['resident memory after a full GC, serving', formatMiB(seed.rssBytes)],
          ['peak resident memory', formatMiB(seed.peakRssBytes)],
          ['JavaScript heap in use after a full GC', formatMiB(seed.heapUsedBytes)],
        ],
      },
    ],
    notes: [
      'Seed time is generating and indexing the district, the work `pswb sim start --seed large` does before it listens; process start-up and the plugin install are shown apart.',
      "The memory goal is checked against the peak resident set of the whole simulator process (Node, tsx, the district, its indexes and the seed's transient garbage), not the heap alone.",
    ],
  };
}
