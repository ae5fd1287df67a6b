/**
 * `npm run docs`: writes the documents generated from code (docs/troubleshooting.md from
 * connector/troubleshooting/ and the failure codes of every part, docs/simulator-coverage.md from
 * the simulator's route table). test/connector/troubleshooting-doc.test.ts and
 * test/simulator/coverage-doc.test.ts fail when a committed file differs from what this writes.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderTroubleshootingMarkdown } from '../connector/index.ts';
import { renderCoverageMarkdown } from '../simulator/coverage/render-coverage.ts';
import { renderFailureCodes } from './docs/failure-codes.ts';

/** The generated documents: path from the repository root -> content. */
export function generatedDocs(): Record<string, string> {
  return {
    'docs/troubleshooting.md': `${renderTroubleshootingMarkdown()}\n${renderFailureCodes()}`,
    'docs/simulator-coverage.md': renderCoverageMarkdown(),
  };
}

/** Writes every generated document; resolves to the exit code. */
export async function main(): Promise<number> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  for (const [path, content] of Object.entries(generatedDocs())) {
    await writeFile(`${root}${path}`, content);
    console.log(`wrote ${path}`);
  }
  return 0;
}
