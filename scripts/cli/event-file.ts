/**
 * Reading an events file: a JSON array (parsed whole), or JSON lines read line by line each time
 * the events are asked for, so a file of 200,000 events is never held in memory at once.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { CliError } from './command.ts';
import { EXIT_CODES } from './report-error.ts';

const CHUNK_BYTES = 1 << 20;

/** The lines of a file, read a chunk at a time, with their 1-based numbers. */
function* fileLines(path: string): Generator<{ line: string; number: number }> {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(CHUNK_BYTES);
    let rest = '';
    let number = 0;
    for (;;) {
      const read = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      if (read === 0) break;
      const text = rest + buffer.toString('utf8', 0, read);
      const lines = text.split('\n');
      rest = lines.pop()!;
      for (const line of lines) yield { line, number: (number += 1) };
    }
    if (rest !== '') yield { line: rest, number: number + 1 };
  } finally {
    closeSync(fd);
  }
}

/** The first non-blank character of a file, or '' for an empty or blank one. */
function firstCharacter(path: string): string {
  for (const { line } of fileLines(path)) {
    const trimmed = line.trim();
    if (trimmed !== '') return trimmed[0]!;
  }
  return '';
}

/**
 * The events of a file: an array for a JSON array, or a reader of its JSON lines. An empty file,
 * an unreadable one, or a line that is not JSON is a CliError naming the file (and the line).
 */
export function readEventFile(path: string): readonly unknown[] | (() => Iterable<unknown>) {
  let first: string;
  try {
    first = firstCharacter(path);
  } catch (error) {
    throw new CliError(`Cannot read ${path}: ${(error as Error).message}`);
  }
  if (first === '') {
    throw new CliError(
      `${path} is empty: it holds no event.`,
      EXIT_CODES.usage,
      'Give a JSON array of events or one JSON event per line (the shape is in pswb writeback send --help).',
    );
  }
  if (first === '[') {
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as unknown[];
    } catch (error) {
      throw new CliError(`${path} is not a valid JSON array: ${(error as Error).message}.`);
    }
  }
  return function* jsonLines(): Generator<unknown> {
    for (const { line, number } of fileLines(path)) {
      if (line.trim() === '') continue;
      try {
        yield JSON.parse(line) as unknown;
      } catch (error) {
        throw new CliError(
          `${path} line ${number} is not a JSON event: ${(error as Error).message}. The file must be a JSON array of events or one JSON event per line.`,
        );
      }
    }
  };
}
