import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as FsPromises from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';

/** The error a write to a full disk gets, taken from the kernel itself (/dev/full). */
function enospc(): NodeJS.ErrnoException {
  try {
    writeFileSync('/dev/full', 'x');
  } catch (error) {
    return error as NodeJS.ErrnoException;
  }
  throw new Error('/dev/full accepted a write');
}

let failNextWrite = false;
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof FsPromises>();
  return {
    ...real,
    writeFile: async (...args: Parameters<typeof real.writeFile>) => {
      if (failNextWrite) {
        failNextWrite = false;
        throw enospc();
      }
      return real.writeFile(...args);
    },
  };
});

const { ConnectorError, DISTRICT_ADMIN, SettingsStore } = await import('../../connector/index.ts');
const { setPreventSchoolOverrides } = await import('../../connector/setup/index.ts');

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('saving settings on a full disk', () => {
  it('answers disk_full, keeps the file as it was, leaves no temp file, and keeps serving the saved settings', async () => {
    dir = mkdtempSync(join(tmpdir(), 'pswb-full-'));
    const path = join(dir, 'connector-settings.json');
    const store = await SettingsStore.openFile(path);
    await setPreventSchoolOverrides(store, DISTRICT_ADMIN, false);
    const before = readFileSync(path, 'utf8');
    failNextWrite = true;
    const error = await setPreventSchoolOverrides(store, DISTRICT_ADMIN, true).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as InstanceType<typeof ConnectorError>).code).toBe('disk_full');
    expect(readFileSync(path, 'utf8')).toBe(before);
    expect(readdirSync(dir)).toEqual(['connector-settings.json']);
    expect(store.get().preventSchoolOverrides).toBe(false);
  });
});
