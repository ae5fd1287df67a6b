/** pswb's version, read from its package.json (found upwards from this file, in dist/ or source). */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The version of the pswb package this file belongs to. */
export function pswbVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'pswb' && pkg.version) return pkg.version;
    } catch {
      // No package.json here: keep climbing.
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}
