/**
 * How big a bundle pswb agrees to read. A real Attendance Access bundle is a few kilobytes; a
 * vendor bundle with web pages a few megabytes. The limits are generous for that and small
 * enough that a hostile archive (a zip bomb, millions of entries) cannot exhaust memory:
 * declared sizes are checked before anything is inflated, and inflated bytes are counted
 * while reading, since a zip bomb's headers lie. These are pswb's limits: PowerSchool's own upload
 * limits are not public.
 */

const MIB = 1024 * 1024;

/** The limits readBundle enforces (bytes unless named otherwise). */
export interface BundleLimits {
  /** The whole archive as uploaded. */
  maxArchiveBytes: number;
  /** Entries in the central directory, folders included. */
  maxEntries: number;
  /** One entry, uncompressed. */
  maxEntryBytes: number;
  /** All entries together, uncompressed. */
  maxTotalBytes: number;
  /** plugin.xml, inside a zip or on its own: it holds attributes and a field list only. */
  maxPluginXmlBytes: number;
}

/** The limits pswb uses unless a caller passes its own. */
export const BUNDLE_LIMITS: Readonly<BundleLimits> = {
  maxArchiveBytes: 10 * MIB,
  maxEntries: 1000,
  maxEntryBytes: 5 * MIB,
  maxTotalBytes: 50 * MIB,
  maxPluginXmlBytes: 1 * MIB,
};

/** "5 MiB", "512 KiB", "300 bytes": sizes in messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= MIB) return `${+(bytes / MIB).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}
