/**
 * `npm run bench`: runs every benchmark figure (bench/), prints the headline table and writes
 * docs/benchmarks.md. Wiring only: the figures live in bench/.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { FIGURES, runBenchmarks } from '../bench/harness.ts';
import { renderMarkdown, renderTextTable } from '../bench/report.ts';
import { UsageError, processIO, type CliIO } from './cli/command.ts';
import { parseOptions } from './cli/parse-options.ts';

const DEFAULT_OUT = 'docs/benchmarks.md';

const OPTIONS = {
  quick: { type: 'boolean' },
  only: { type: 'string' },
  out: { type: 'string' },
} as const;

/** `npm run bench -- --help`. */
export const BENCH_HELP = `Usage: npm run bench -- [--quick] [--only IDS] [--out FILE]

Runs the benchmark figures against the simulator, the connector, the writeback log and the
plugin bundle, prints one row per measure (measured, goal, ratio, met or missed) and writes
the report with the command, the machine and the date. The full run is never part of npm test
(the suite runs --quick as a smoke test); it takes about 4-6 minutes on 2 cores and starts
child processes on 127.0.0.1 port 0 only.

Options:
  --quick        small sizes and short runs (about half a minute): proves the harness works;
                 its verdicts say nothing about the goals (default: off, the full run)
  --only IDS     figures to run, separated by commas: ${FIGURES.map((figure) => figure.id).join(', ')}
                 (default: all). With --only, no file is written unless --out is given.
  --out FILE     where to write the report (default: ${DEFAULT_OUT}; with --only: none)
  -h, --help     show this help

Figures:
${FIGURES.map((figure) => `  ${figure.id}  ${figure.title}`).join('\n')}

Example:
  npm run bench
  npm run bench -- --only 4 --out /tmp/log-bench.md
`;

function parseOnly(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const ids = raw.split(',').map((id) => id.trim().toUpperCase());
  const known = FIGURES.map((figure) => figure.id);
  const unknown = ids.filter((id) => !known.includes(id));
  if (unknown.length > 0 || ids.length === 0) {
    throw new UsageError(`--only takes figure ids from ${known.join(', ')}; got "${raw}".`);
  }
  return ids;
}

/** Runs the benchmarks; resolves to the exit code (1 when a figure failed to run). */
export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(BENCH_HELP);
    return 0;
  }
  let values;
  let only;
  try {
    ({ values } = parseOptions(argv, OPTIONS));
    only = parseOnly(values.only);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`bench: ${error.message}\nRun npm run bench -- --help.`);
    return 2;
  }
  const out = values.out ?? (only ? undefined : DEFAULT_OUT);
  const command = ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' ');
  const run = await runBenchmarks({
    quick: values.quick ?? false,
    ...(only ? { only } : {}),
    command,
    log: (line) => io.stderr(`[bench] ${line}`),
  });
  io.stdout(renderTextTable(run));
  if (out) {
    try {
      await mkdir(dirname(out), { recursive: true });
      // Formatted as the repository formats markdown, so `npm run lint` passes on the report.
      const style = (await resolveConfig(out)) ?? {};
      await writeFile(out, await format(renderMarkdown(run), { ...style, filepath: out }));
    } catch (error) {
      io.stderr(`bench: cannot write the report to ${out}: ${(error as Error).message}`);
      return 1;
    }
    io.stderr(`[bench] report written to ${out}`);
  }
  return run.figures.some((figure) => figure.rows.some((row) => row.verdict === 'error')) ? 1 : 0;
}
