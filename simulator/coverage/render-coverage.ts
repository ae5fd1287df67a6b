/**
 * docs/simulator-coverage.md, rendered from the route table and the behaviour catalogue: every
 * PowerSchool route and behaviour the simulator has, each with its source, and what it does not
 * have yet. `npm run docs` writes it; a test fails when the committed file differs.
 */
import { FEATURE_SINCE } from '../../plugin/ps-version.ts';
import type { RouteSpec } from '../http/route-spec.ts';
import { ROUTE_AREAS } from '../http/route-spec.ts';
import { ROUTE_TABLE } from '../route-table.ts';
import { BEHAVIOURS, NOT_YET, SOURCES } from './behaviours.ts';

/** A Markdown table cell: pipes, asterisks and angle brackets escaped, line breaks removed. */
function cell(text: string): string {
  return text
    .replace(/\|/g, '\\|')
    .replace(/\*/g, '\\*')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\s*\n\s*/g, ' ');
}

/** A Markdown table with padded columns, as prettier writes it (so the check leaves it alone). */
function table(header: string[], rows: string[][]): string[] {
  const cells = rows.map((row) => row.map(cell));
  const widths = header.map((title, column) =>
    Math.max(3, title.length, ...cells.map((row) => row[column]!.length)),
  );
  const line = (row: string[]): string =>
    `| ${row.map((text, column) => text.padEnd(widths[column]!)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)];
}

function routeRows(routes: readonly RouteSpec[]): string[][] {
  return routes.map((spec) => [
    spec.method,
    `\`${spec.path}\``,
    spec.summary + (spec.feature ? ` (${FEATURE_SINCE[spec.feature]}+)` : ''),
    spec.source,
  ]);
}

/** The whole page. */
export function renderCoverageMarkdown(): string {
  const lines = [
    '# Simulator coverage',
    '',
    'Generated from the route table (`simulator/route-table.ts`) and the behaviour catalogue',
    '(`simulator/coverage/behaviours.ts`) by `npm run docs`; edit those, not this file. The same',
    'table builds the OpenAPI document the simulator serves at `/__sim/openapi.json`.',
    '',
    'Every route and behaviour names its source: a public reference or client (below), or',
    '**inferred** where no public source shows it (the most plausible behaviour, to be checked',
    'against a recorded answer of a real server).',
    '',
    '## Sources',
    '',
    ...table(
      ['name', 'what it is'],
      SOURCES.map((source) => [source.name, source.what]),
    ),
    '',
    '## Routes',
  ];
  for (const area of ROUTE_AREAS) {
    const routes = ROUTE_TABLE.filter((spec) => spec.area === area);
    if (routes.length === 0) continue;
    lines.push('', `### ${area}`, '', ...table(['method', 'path', 'what', 'source'], routeRows(routes)));
  }
  lines.push('', '## Behaviours', '');
  lines.push(
    ...table(
      ['area', 'behaviour', 'source'],
      BEHAVIOURS.map((behaviour) => [behaviour.area, behaviour.rule, behaviour.source]),
    ),
  );
  lines.push('', '## Not simulated yet', '');
  lines.push(...NOT_YET.map((item) => `- ${item}`), '');
  return lines.join('\n');
}
