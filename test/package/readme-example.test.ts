/**
 * The README's "From your own tests" example is this folder's readme-example.ts, word for word,
 * and it runs as printed: the first token request meets the fault, the second gets a token, and
 * the journal holds both.
 */
import { readFile } from 'node:fs/promises';
import { expect, it, vi } from 'vitest';

const root = new URL('../../', import.meta.url);

it("is the README's example word for word", async () => {
  const readme = await readFile(new URL('README.md', root), 'utf8');
  const section = readme.slice(readme.indexOf('### From your own tests'));
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  const example = await readFile(new URL('test/package/readme-example.ts', root), 'utf8');
  expect(block).toBe(example);
});

it('prints what its comment says: 503 200 2', async () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    await import('./readme-example.ts');
    expect(log).toHaveBeenCalledWith(503, 200, 2);
  } finally {
    log.mockRestore();
  }
});
