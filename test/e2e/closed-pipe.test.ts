/**
 * `pswb ... | head`: a reader that closes the pipe early stops pswb quietly (exit 0, nothing on
 * stderr), as Unix tools do, instead of an EPIPE stack trace.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('a closed stdout pipe', () => {
  it('ends pswb quietly when the reader stops early', async () => {
    // `help` writes the whole verb list; the pipe is closed before pswb gets to write it.
    const child = spawn(process.execPath, ['bin/pswb.mjs', 'help'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toContain('EPIPE');
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
