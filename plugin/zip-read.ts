/**
 * Reads a zip held in memory with yauzl.fromBuffer: nothing touches the disk. Entry names are
 * decoded here without yauzl's own name check, so a bad name becomes one violation in a full
 * report instead of an error that stops the listing.
 */
import yauzl from 'yauzl';
import { PluginError } from './plugin-error.ts';

/** One entry as the central directory declares it. */
export interface ZipEntryInfo {
  name: string;
  /** Declared uncompressed size; a hostile archive may lie, so reads count bytes too. */
  uncompressedSize: number;
  compressionMethod: number;
  encrypted: boolean;
  isDirectory: boolean;
}

/** An open in-memory archive. */
export interface OpenZip {
  entries: ZipEntryInfo[];
  /** Inflates one entry, failing once more than `maxBytes` come out. */
  readEntry: (name: string, maxBytes: number) => Promise<Buffer>;
  close: () => void;
}

/** The archive could not be read as a zip at all (truncated, not a zip). */
export class ZipFormatError extends PluginError {
  override name = 'ZipFormatError';
  constructor(message: string) {
    super('not_a_zip', message);
  }
}

/** Too many entries, or an entry that inflated to more bytes than allowed (or than it declared). */
export class ZipEntryTooLargeError extends PluginError {
  override name = 'ZipEntryTooLargeError';
  constructor(message: string) {
    super('archive_too_large', message);
  }
}

// yauzl 3 exports getFileNameLowLevel; @types/yauzl (2.x) does not describe it.
const decodeFileName = (
  yauzl as unknown as {
    getFileNameLowLevel: (
      flags: number,
      raw: Buffer,
      extraFields: Array<{ id: number; data: Buffer }>,
      strict: boolean,
    ) => string;
  }
).getFileNameLowLevel;

function openBuffer(bytes: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(
      bytes,
      // decodeStrings: false leaves names raw so a "../" name is reported, not fatal.
      { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false },
      (error, zipfile) => (error ? reject(new ZipFormatError(error.message)) : resolve(zipfile)),
    );
  });
}

function listEntries(
  zipfile: yauzl.ZipFile,
): Promise<Array<{ info: ZipEntryInfo; entry: yauzl.Entry }>> {
  return new Promise((resolve, reject) => {
    const listed: Array<{ info: ZipEntryInfo; entry: yauzl.Entry }> = [];
    zipfile.on('entry', (entry: yauzl.Entry) => {
      const raw = entry.fileName as unknown as Buffer;
      // strict: keep backslashes so they can be reported.
      const name = decodeFileName(entry.generalPurposeBitFlag, raw, entry.extraFields, true);
      listed.push({
        entry,
        info: {
          name,
          uncompressedSize: entry.uncompressedSize,
          compressionMethod: entry.compressionMethod,
          encrypted: entry.isEncrypted(),
          isDirectory: name.endsWith('/'),
        },
      });
      zipfile.readEntry();
    });
    zipfile.once('end', () => resolve(listed));
    zipfile.once('error', (error: Error) => reject(new ZipFormatError(error.message)));
    zipfile.readEntry();
  });
}

function inflate(zipfile: yauzl.ZipFile, entry: yauzl.Entry, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zipfile.openReadStream(entry, (error, stream) => {
      if (error) return reject(new ZipFormatError(error.message));
      const chunks: Buffer[] = [];
      let total = 0;
      stream.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > maxBytes) {
          stream.destroy();
          reject(new ZipEntryTooLargeError(`inflates to more than ${maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      stream.on('end', () => resolve(Buffer.concat(chunks)));
      // yauzl reports an entry that inflates past its declared size here ("too many bytes").
      stream.on('error', (streamError: Error) =>
        reject(
          /too many bytes/i.test(streamError.message)
            ? new ZipEntryTooLargeError(
                `inflates to more bytes than it declares (${streamError.message})`,
              )
            : new ZipFormatError(streamError.message),
        ),
      );
    });
  });
}

/**
 * Opens an archive from memory and lists its entries; refuses one with more than `maxEntries`
 * entries before listing any.
 */
export async function openZip(bytes: Uint8Array, maxEntries: number): Promise<OpenZip> {
  const buffer = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const zipfile = await openBuffer(buffer);
  if (zipfile.entryCount > maxEntries) {
    zipfile.close();
    throw new ZipEntryTooLargeError(
      `holds ${zipfile.entryCount} entries; pswb reads at most ${maxEntries}`,
    );
  }
  let listed: Array<{ info: ZipEntryInfo; entry: yauzl.Entry }>;
  try {
    listed = await listEntries(zipfile);
  } catch (error) {
    zipfile.close();
    throw error;
  }
  return {
    entries: listed.map(({ info }) => info),
    readEntry: (name, maxBytes) => {
      const found = listed.find(({ info }) => info.name === name);
      if (!found) return Promise.reject(new ZipFormatError(`has no entry ${name}`));
      return inflate(zipfile, found.entry, Math.min(maxBytes, found.info.uncompressedSize));
    },
    close: () => zipfile.close(),
  };
}
