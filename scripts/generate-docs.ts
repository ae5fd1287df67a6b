/**
 * `npm run docs`: writes the documents generated from code (docs/troubleshooting.md from
 * connector/troubleshooting/ and the failure codes of every part). test/connector/troubleshooting-doc.test.ts fails when the
 * committed file differs from what this writes.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderTroubleshootingMarkdown } from '../connector/index.ts';
import { renderFailureCodes } from './docs/failure-codes.ts';

/** The generated documents: path from the repository root -> content. */
export function generatedDocs(): Record<string, string> {
  return {
    'docs/troubleshooting.md': `${renderTroubleshootingMarkdown()}\n${renderFailureCodes()}`,
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
