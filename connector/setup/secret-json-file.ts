import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Adapter } from 'lowdb';
import { ConnectorError } from '../domain/index.ts';
import { storageFailure } from '../store/index.ts';

/**
 * A lowdb adapter for a JSON file that holds a secret: written atomically (temp file + rename)
 * with mode 0600 from the first byte, in a folder created 0700. lowdb's own JSONFile writes its
 * temp file with the default mode, which would leave the client secret world-readable for a
 * moment. A file that does not parse is reported by place, never by quoting it (it holds the
 * secret).
 */
export class SecretJsonFile<T> implements Adapter<T> {
  constructor(readonly path: string) {}

  /** Reads the file; null when it does not exist yet. */
  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw storageFailure(error, this.path);
    }
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new ConnectorError(
        'settings_unreadable',
        `${this.path} is not valid JSON${jsonErrorPlace(error, text)}; it was left as it is.`,
      );
    }
  }

  /** Writes the whole document, mode 0600; on failure the file before stays as it was. */
  async write(data: T): Promise<void> {
    const temporary = `${this.path}.${process.pid}.tmp`;
    try {
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      await writeFile(temporary, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
      await chmod(temporary, 0o600);
      await rename(temporary, this.path);
    } catch (error) {
      await rm(temporary, { force: true }).catch(() => undefined);
      throw storageFailure(error, this.path);
    }
  }
}

/**
 * " (line L, column C)" for a JSON.parse failure, from the position V8 reports; the message's
 * own excerpt of the text is never used.
 */
export function jsonErrorPlace(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : '';
  const position = /position (\d+)/.exec(message)?.[1];
  if (position === undefined) {
    return /end of JSON input/i.test(message) ? ' (it ends too early: truncated?)' : '';
  }
  const before = text.slice(0, Number(position));
  const line = before.split('\n').length;
  const column = Number(position) - before.lastIndexOf('\n');
  return ` (line ${line}, column ${column})`;
}
