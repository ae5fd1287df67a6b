/**
 * Writes a zip whose bytes depend only on its entries, so a bundle can be verified by checksum:
 * entries sorted by name, one fixed timestamp, one file mode, and no compression.
 *
 * Why STORE: deflate output is not guaranteed identical across zlib builds, and Node's zlib
 * (Chromium's fork) picks CPU-specific code paths, so the same input could deflate to
 * different bytes on another machine or Node release. The bundle is a few kilobytes, so not
 * compressing costs nothing. STORE entries from a buffer also carry their sizes and CRC in the
 * local header (no data descriptor), the layout every zip reader accepts. Inferred: PowerSchool's
 * (Java) installer reads stored entries like any zip reader; its docs only ask for a .zip.
 */
import archiver from 'archiver';

/** One file to put in the archive. */
export interface ZipFileEntry {
  /** Path inside the archive, '/'-separated, no leading slash. */
  name: string;
  content: Buffer | string;
}

/** The timestamp every entry carries: the earliest a DOS date can hold (stored as UTC). */
export const FIXED_ENTRY_DATE = new Date('1980-01-01T00:00:00Z');

/** rw-r--r--: what `unzip` gives every extracted file, whatever the builder's umask. */
export const FIXED_ENTRY_MODE = 0o644;

function compareNames(a: ZipFileEntry, b: ZipFileEntry): number {
  if (a.name === b.name) return 0;
  return a.name < b.name ? -1 : 1;
}

/** Builds the zip in memory; identical entries give identical bytes on any machine. */
export async function createDeterministicZip(entries: readonly ZipFileEntry[]): Promise<Buffer> {
  const archive = archiver('zip', { store: true, forceLocalTime: false });
  const chunks: Buffer[] = [];
  const finished = new Promise<void>((resolve, reject) => {
    archive.on('data', (chunk: Buffer) => chunks.push(chunk));
    archive.on('end', () => resolve());
    archive.on('error', reject);
    archive.on('warning', reject);
  });
  for (const entry of [...entries].sort(compareNames)) {
    const content =
      typeof entry.content === 'string' ? Buffer.from(entry.content, 'utf8') : entry.content;
    archive.append(content, { name: entry.name, date: FIXED_ENTRY_DATE, mode: FIXED_ENTRY_MODE });
  }
  await archive.finalize();
  await finished;
  return Buffer.concat(chunks);
}
