/**
 * Writes a built bundle to disk: the zip and, beside it, `<name>.zip.sha256` in `sha256sum`
 * format so `sha256sum -c` verifies the download before it is installed.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuiltBundle } from './bundle.ts';

/** Where writeBundle put the files. */
export interface WrittenBundle {
  zipPath: string;
  checksumPath: string;
}

/** The checksum file's one line: hash, two spaces, file name (as `sha256sum` writes it). */
export function checksumLine(bundle: Pick<BuiltBundle, 'fileName' | 'sha256'>): string {
  return `${bundle.sha256}  ${bundle.fileName}\n`;
}

async function writeAtomically(path: string, content: Buffer | string): Promise<void> {
  // A half-written zip next to a whole checksum would fail verification for the wrong reason.
  const temporary = `${path}.${process.pid}.partial`;
  await writeFile(temporary, content, { mode: 0o644 });
  await rename(temporary, path);
}

/** Writes `<outDir>/<fileName>` and `<outDir>/<fileName>.sha256`, creating outDir if needed. */
export async function writeBundle(bundle: BuiltBundle, outDir: string): Promise<WrittenBundle> {
  await mkdir(outDir, { recursive: true });
  const zipPath = join(outDir, bundle.fileName);
  const checksumPath = `${zipPath}.sha256`;
  await writeAtomically(zipPath, bundle.bytes);
  await writeAtomically(checksumPath, checksumLine(bundle));
  return { zipPath, checksumPath };
}
