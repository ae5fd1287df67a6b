/**
 * The two renderings of a run: a plain-text table for the terminal and docs/benchmarks.md.
 * Both list every row with its goal and verdict; the document adds the command, machine, date,
 * detail tables and notes.
 */
import type { DetailTable, FigureReport, FigureRow } from './figure.ts';
import { FINDINGS } from './findings.ts';
import type { BenchRun } from './harness.ts';
import { formatMachine } from './machine.ts';

const TABLE_HEADER = ['#', 'measure', 'measured', 'goal', 'ratio', 'verdict'];

function rowCells(figure: FigureReport, row: FigureRow): string[] {
  return [figure.id, row.measure, row.measured, row.goal, row.ratio ?? '-', row.verdict];
}

/** The headline rows of every figure as an aligned text table. */
export function renderTextTable(run: BenchRun): string {
  const rows = run.figures.flatMap((figure) => figure.rows.map((row) => rowCells(figure, row)));
  const widths = TABLE_HEADER.map((title, column) =>
    Math.max(title.length, ...rows.map((cells) => cells[column]!.length)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(TABLE_HEADER), rule, ...rows.map(line)].join('\n');
}

/** Escapes what would break a markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function markdownTable(header: string[], rows: string[][]): string[] {
  return [
    `| ${header.map(cell).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((cells) => `| ${cells.map(cell).join(' | ')} |`),
  ];
}

function detailSection(table: DetailTable): string[] {
  return ['', `${table.caption}:`, '', ...markdownTable(table.header, table.rows)];
}

function figureSection(figure: FigureReport): string[] {
  const headline = markdownTable(
    ['measure', 'measured', 'goal', 'ratio', 'verdict'],
    figure.rows.map((row) => [row.measure, row.measured, row.goal, row.ratio ?? '-', row.verdict]),
  );
  return [
    '',
    `## ${figure.id}. ${figure.title}`,
    '',
    `Command: \`${figure.command}\``,
    '',
    ...headline,
    ...figure.details.flatMap(detailSection),
    ...(figure.notes.length > 0 ? ['', ...figure.notes.map((note) => `- ${note}`)] : []),
    ...findingsSection(figure.id),
  ];
}

function findingsSection(id: string): string[] {
  const findings = FINDINGS[id];
  if (!findings) return [];
  return ['', `### ${id}. What moved it`, '', ...findings.map((finding) => `- ${finding}`)];
}

/** docs/benchmarks.md for a run. */
export function renderMarkdown(run: BenchRun): string {
  const minutes = (run.durationMs / 60_000).toFixed(1);
  const headline = markdownTable(
    TABLE_HEADER,
    run.figures.flatMap((figure) => figure.rows.map((row) => rowCells(figure, row))),
  );
  const lines = [
    '# Benchmarks',
    '',
    'Written by the benchmark harness (`scripts/bench.ts`, `bench/`); run it again rather than',
    'editing this file. Absolute figures depend on the machine; the ratios, measured side by side',
    'with their limit in the same run, are the headline.',
    '',
    `- Command: \`${run.command}\` (${minutes} min)`,
    `- Date: ${run.startedAt.toISOString()}`,
    `- Machine: ${formatMachine(run.machine)}`,
    `- Load average when the run started: ${run.machine.loadAverage.map((load) => load.toFixed(2)).join(' / ')} (1 / 5 / 15 min); other work on the machine shows as noise between rounds`,
    ...(run.quick
      ? [
          '- **Quick run**: sizes and durations are cut down to prove the harness works; these',
          '  verdicts say nothing about the goals. Run `npm run bench` for the real figures.',
        ]
      : []),
    '',
    'Verdicts: **met** or **missed** against the goal; **reported** where no goal is set;',
    '**not measured** where the measurement does not exist yet; **error** where it failed.',
    '',
    '## Headline',
    '',
    ...headline,
    ...run.figures.flatMap(figureSection),
    '',
  ];
  return lines.join('\n');
}
