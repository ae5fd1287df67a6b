import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Adapter } from 'lowdb';

/**
 * A lowdb adapter for a JSON file that holds a secret: written atomically (temp file + rename)
 * with mode 0600 from the first byte. lowdb's own JSONFile writes its temp file with the
 * default mode, which would leave the client secret world-readable for a moment.
 */
export class SecretJsonFile<T> implements Adapter<T> {
  constructor(readonly path: string) {}

  /** Reads the file; null when it does not exist yet. */
  async read(): Promise<T | null> {
    try {
      return JSON.parse(await readFile(this.path, 'utf8')) as T;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  /** Writes the whole document, mode 0600. */
  async write(data: T): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, this.path);
  }
}
