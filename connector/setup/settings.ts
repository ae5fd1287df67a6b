/**
 * The connector's settings (the guide's Settings tab, School Building Setup and reason
 * mappings) in a small lowdb JSON file created 0600, since it holds the Client Secret.
 */
import { join } from 'node:path';
import { Low, Memory } from 'lowdb';
import { z } from 'zod';
import { SecretJsonFile } from './secret-json-file.ts';
import { ATTENDANCE_MODES, STUDENT_ID_SOURCES, VISIBLE_STUDENT_IDS } from '../domain/index.ts';

const ConnectionSchema = z.object({
  url: z.string(),
  clientId: z.string(),
  clientSecret: z.string(),
  visibleStudentId: z.enum(VISIBLE_STUDENT_IDS),
  studentIdSource: z.enum(STUDENT_ID_SOURCES),
});

const SchoolSetupSchema = z.object({
  schoolNumber: z.number().int(),
  name: z.string(),
  dcid: z.number().int().optional(),
  enabled: z.boolean(),
  mode: z.enum(ATTENDANCE_MODES).optional(),
});

const ImportedCodeSchema = z.object({
  id: z.number().int(),
  attCode: z.string(),
  description: z.string(),
  yearid: z.number().int(),
  presenceStatus: z.string().optional(),
});

const SchoolReasonsSchema = z.object({
  yearid: z.number().int(),
  importedAt: z.string(),
  codes: z.array(ImportedCodeSchema),
  lateCheckin: z.array(z.string()),
  earlyCheckout: z.array(z.string()),
});

const SettingsSchema = z.object({
  version: z.literal(1),
  connection: ConnectionSchema.optional(),
  savedAt: z.string().optional(),
  powerschoolVersion: z.string().optional(),
  districtTimezone: z.string().optional(),
  preventSchoolOverrides: z.boolean(),
  schools: z.record(z.string(), SchoolSetupSchema),
  reasons: z.record(z.string(), SchoolReasonsSchema),
});

/** The Settings tab; SchoolSetup one school; ImportedCode/SchoolReasons the reasons. */
export type ConnectionSettings = z.infer<typeof ConnectionSchema>;
export type SchoolSetup = z.infer<typeof SchoolSetupSchema>;
export type ImportedCode = z.infer<typeof ImportedCodeSchema>;
export type SchoolReasons = z.infer<typeof SchoolReasonsSchema>;
export type ConnectorSettings = z.infer<typeof SettingsSchema>;

/** Settings before anything is saved: overrides allowed, no schools, no reasons. */
export function emptySettings(): ConnectorSettings {
  return { version: 1, preventSchoolOverrides: false, schools: {}, reasons: {} };
}

/** The settings file name inside the data directory. */
export const SETTINGS_FILE = 'connector-settings.json';

/**
 * Reads and writes the settings document. Reads share one frozen snapshot until the next update:
 * a writeback reads the settings once per event, and a deep copy per read was a measured share
 * of a run's CPU (docs/benchmarks.md, figure 3). Frozen, so no reader can change another's view.
 */
export class SettingsStore {
  readonly #db: Low<ConnectorSettings>;
  readonly path: string | undefined;
  #snapshot: ConnectorSettings | undefined;

  private constructor(db: Low<ConnectorSettings>, path: string | undefined) {
    this.#db = db;
    this.path = path;
  }

  /** Opens data-dir/connector-settings.json (created 0600 on first save). */
  static async openFile(path: string): Promise<SettingsStore> {
    const db = new Low<ConnectorSettings>(new SecretJsonFile(path), emptySettings());
    await db.read();
    const parsed = SettingsSchema.safeParse(db.data);
    if (!parsed.success) {
      throw new Error(
        `${path} is not a pswb settings file (${parsed.error.issues[0]?.message ?? 'invalid'}). Move it away and run pswb connect again.`,
      );
    }
    db.data = parsed.data;
    return new SettingsStore(db, path);
  }

  /** Opens the settings of a data directory. */
  static async openDataDir(dataDir: string): Promise<SettingsStore> {
    return SettingsStore.openFile(join(dataDir, SETTINGS_FILE));
  }

  /** Settings held in memory only (tests, demos). */
  static inMemory(initial: ConnectorSettings = emptySettings()): SettingsStore {
    const db = new Low<ConnectorSettings>(
      new Memory<ConnectorSettings>(),
      structuredClone(initial),
    );
    return new SettingsStore(db, undefined);
  }

  /** The current settings: a frozen snapshot (copy it with structuredClone to edit). */
  get(): ConnectorSettings {
    this.#snapshot ??= deepFreeze(structuredClone(this.#db.data));
    return this.#snapshot;
  }

  /** Applies a change to a copy, validates it, then saves it. */
  async update(change: (draft: ConnectorSettings) => void): Promise<ConnectorSettings> {
    const draft = structuredClone(this.#db.data);
    change(draft);
    this.#db.data = SettingsSchema.parse(draft);
    this.#snapshot = undefined;
    await this.#db.write();
    return this.get();
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** The settings with the Client Secret replaced, for printing and --json. */
export function redactSettings(settings: ConnectorSettings): ConnectorSettings {
  const copy = structuredClone(settings);
  if (copy.connection) copy.connection.clientSecret = REDACTED;
  return copy;
}

/** What a redacted secret looks like. */
export const REDACTED = '********';
