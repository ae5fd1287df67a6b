/** Runs the pswb CLI in-process for a test: its exit code and what it printed. */
import { main } from '../../scripts/pswb.ts';

/**
 * `pswb ...argv`, with `stdin` as what --password-stdin reads (reading it when none is given is
 * a test error).
 */
export async function pswb(
  argv: string[],
  stdin?: string,
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, {
    stdout: (text) => void (out += `${text}\n`),
    stderr: (text) => void (err += `${text}\n`),
    stdin: async () => {
      if (stdin === undefined) throw new Error('stdin was read without --password-stdin');
      return stdin;
    },
  });
  return { code, out, err };
}
