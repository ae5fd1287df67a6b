/**
 * SQLite's and the file system's failures as connector errors: a full disk, a file that is not a
 * database, a lock held too long by another process, a folder that cannot be used. Anything else is passed on unchanged.
 */
import { ConnectorError } from '../domain/index.ts';

const DISK_FULL = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT']);
const NOT_A_DATABASE = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT']);
/** Another connection held the lock past busy_timeout (schema.ts sets 5 s). */
const BUSY = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED']);
const UNUSABLE = new Set([
  'SQLITE_CANTOPEN',
  'SQLITE_READONLY',
  'SQLITE_PERM',
  'EACCES',
  'EPERM',
  'ENOTDIR',
  'EISDIR',
  'EROFS',
  // mkdir answers EEXIST when a file stands where a folder of the path should be.
  'EEXIST',
]);

/** The error's code (SqliteError and Node's system errors both carry one). */
function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Maps a storage failure on `path` to its ConnectorError; other errors come back as they are. */
export function storageFailure(error: unknown, path: string): unknown {
  if (error instanceof ConnectorError) return error;
  const code = codeOf(error);
  if (code === undefined) return error;
  // SQLite's extended codes (SQLITE_IOERR_WRITE, SQLITE_READONLY_DBMOVED) name their base first.
  const base = code.startsWith('SQLITE_') ? code.split('_').slice(0, 2).join('_') : code;
  if (DISK_FULL.has(base)) {
    return new ConnectorError(
      'disk_full',
      `The disk is full: ${path} could not be written, and nothing of this change was saved.`,
      { cause: error },
    );
  }
  if (NOT_A_DATABASE.has(base)) {
    return new ConnectorError(
      'store_unreadable',
      `${path} is not a pswb writeback log or is damaged (${code}); it was not changed.`,
      { cause: error },
    );
  }
  if (BUSY.has(base)) {
    return new ConnectorError(
      'store_busy',
      `${path} stayed locked by another process for more than 5 s (${code}); nothing of this change was saved. Try again.`,
      { cause: error },
    );
  }
  if (UNUSABLE.has(base)) {
    return new ConnectorError(
      'data_dir_unusable',
      `${path} cannot be opened or written (${code}).`,
      { cause: error },
    );
  }
  return error;
}
