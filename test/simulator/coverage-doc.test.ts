import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderCoverageMarkdown } from '../../simulator/coverage/render-coverage.ts';
import { ROUTE_TABLE } from '../../simulator/route-table.ts';

describe('docs/simulator-coverage.md', () => {
  it('is the route table and behaviour catalogue rendered (run npm run docs after a change)', async () => {
    const committed = await readFile(
      new URL('../../docs/simulator-coverage.md', import.meta.url),
      'utf8',
    );
    expect(committed).toBe(renderCoverageMarkdown());
  });

  it('lists every route of the table with its source', () => {
    const page = renderCoverageMarkdown();
    const rows = page.split('\n').map((line) => line.split('|').map((part) => part.trim()));
    for (const spec of ROUTE_TABLE) {
      const row = rows.find((cells) => cells[1] === spec.method && cells[2] === `\`${spec.path}\``);
      expect(row?.[4], `${spec.method} ${spec.path}`).toBe(spec.source);
    }
  });
});
