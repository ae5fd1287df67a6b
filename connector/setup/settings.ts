/**
 * The connector's settings (the guide's Settings tab, School Building Setup and reason
 * mappings) in a small lowdb JSON file created 0600, its secrets sealed with the data
 * directory's key (sealed-settings-file.ts, decision 081).
 */
import { join } from 'node:path';
import { Low, Memory, type Adapter } from 'lowdb';
import { z } from 'zod';
import {
  ATTENDANCE_MODES,
  ConnectorError,
  EXISTING_POLICIES,
  RETURN_POLICIES,
  STUDENT_ID_SOURCES,
  VISIBLE_STUDENT_IDS,
} from '../domain/index.ts';
import { SealedSettingsFile } from './sealed-settings-file.ts';

const ConnectionSchema = z.object({
  url: z.string(),
  clientId: z.string(),
  clientSecret: z.string(),
  visibleStudentId: z.enum(VISIBLE_STUDENT_IDS),
  studentIdSource: z.enum(STUDENT_ID_SOURCES),
});

/**
 * A school's writeback behaviours beyond the guide (school-behaviours.ts checks each field; this
 * is the stored shape only). Every one absent is the guide's behaviour.
 */
const SchoolBehavioursSchema = z.object({
  /** Meeting mode: the att_code written for each period missed before a late check-in. */
  missedBefore: z.string().optional(),
  /** Meeting mode: the att_code written for each period missed after an early check-out. */
  missedAfter: z.string().optional(),
  /** A record PowerSchool already holds that pswb did not write: overwrite (the guide), keep. */
  existing: z.enum(EXISTING_POLICIES).optional(),
  /** With existing "overwrite_listed": the att_codes that may be overwritten. */
  overwritable: z.array(z.string()).optional(),
  /** A check-in after an early check-out the same day: separate (the guide), remove, change. */
  returnToSchool: z.enum(RETURN_POLICIES).optional(),
  /** With returnToSchool "change": the att_code the early check-out's records are changed to. */
  returnCode: z.string().optional(),
});

const SchoolSetupSchema = z.object({
  schoolNumber: z.number().int(),
  name: z.string(),
  dcid: z.number().int().optional(),
  enabled: z.boolean(),
  mode: z.enum(ATTENDANCE_MODES).optional(),
  behaviours: SchoolBehavioursSchema.optional(),
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

/** Failure alerts (alerts.ts checks each field; this is the stored shape only). */
const AlertSettingsSchema = z.object({
  intervalMinutes: z.number().int().min(1).max(1440),
  email: z
    .object({ to: z.array(z.string()).min(1).max(20), from: z.string(), smtpUrl: z.string() })
    .optional(),
  webhook: z.object({ url: z.string(), secret: z.string().min(16) }).optional(),
  pageUrl: z.string().optional(),
});

/** The settings document's version this code reads and writes. */
const SETTINGS_VERSION = 1;

const SettingsSchema = z.object({
  version: z.literal(SETTINGS_VERSION),
  connection: ConnectionSchema.optional(),
  savedAt: z.string().optional(),
  powerschoolVersion: z.string().optional(),
  districtTimezone: z.string().optional(),
  preventSchoolOverrides: z.boolean(),
  /** The source stamp: att_comment's template (comment-template.ts); the default when absent. */
  commentTemplate: z.string().optional(),
  /** Failure alerts (alerts.ts): an email digest and/or a signed webhook; none when absent. */
  alerts: AlertSettingsSchema.optional(),
  schools: z.record(z.string(), SchoolSetupSchema),
  reasons: z.record(z.string(), SchoolReasonsSchema),
});

/** The Settings tab; SchoolSetup one school; ImportedCode/SchoolReasons the reasons. */
export type ConnectionSettings = z.infer<typeof ConnectionSchema>;
export type SchoolSetup = z.infer<typeof SchoolSetupSchema>;
export type SchoolBehaviours = z.infer<typeof SchoolBehavioursSchema>;
export type ImportedCode = z.infer<typeof ImportedCodeSchema>;
export type SchoolReasons = z.infer<typeof SchoolReasonsSchema>;
export type ConnectorSettings = z.infer<typeof SettingsSchema>;
export type AlertSettings = z.infer<typeof AlertSettingsSchema>;

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
    const db = new Low<ConnectorSettings>(new SealedSettingsFile(path), emptySettings());
    await db.read();
    db.data = parseSettingsDocument(db.data, path);
    return new SettingsStore(db, path);
  }

  /**
   * Settings kept where `adapter` reads and writes them (a PostgreSQL district's row:
   * district-settings.ts), checked against the schema as `place` on the way in.
   */
  static async open(adapter: Adapter<ConnectorSettings>, place: string): Promise<SettingsStore> {
    const db = new Low<ConnectorSettings>(adapter, emptySettings());
    await db.read();
    db.data = parseSettingsDocument(db.data, place);
    return new SettingsStore(db, undefined);
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
    const before = this.#db.data;
    const checked = SettingsSchema.safeParse(draft);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new ConnectorError(
        'invalid_settings',
        `Settings not saved: ${issue?.path.join('.') || 'settings'}: ${issue?.message ?? 'invalid'}.`,
      );
    }
    this.#db.data = checked.data;
    this.#snapshot = undefined;
    try {
      await this.#db.write();
    } catch (error) {
      // Not saved (a full disk, say): keep serving what the file still holds.
      this.#db.data = before;
      throw error;
    }
    return this.get();
  }
}

/**
 * A stored settings document checked against the schema; settings_unreadable (naming `place`
 * and the problem, never a value: one may be the client secret) when it is not one, or was
 * written by a newer pswb.
 */
export function parseSettingsDocument(data: unknown, place: string): ConnectorSettings {
  const parsed = SettingsSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  const version = (data as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > SETTINGS_VERSION) {
    throw new ConnectorError(
      'settings_unreadable',
      `${place} was written by a newer pswb (settings version ${version}; this pswb reads ${SETTINGS_VERSION}); it was left as it is.`,
      { fix: 'Run the pswb version that wrote it, or a newer one.' },
    );
  }
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'the document';
  throw new ConnectorError(
    'settings_unreadable',
    `${place} is not a pswb settings file: ${where}: ${issue?.message ?? 'invalid'}; it was left as it is.`,
  );
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * The settings with every secret replaced, for printing, --json and the audit log: the Client
 * Secret, the SMTP password inside the alerts' SMTP URL and the alerts' webhook secret.
 */
export function redactSettings(settings: ConnectorSettings): ConnectorSettings {
  const copy = structuredClone(settings);
  if (copy.connection) copy.connection.clientSecret = REDACTED;
  if (copy.alerts?.email) copy.alerts.email.smtpUrl = redactUrlPassword(copy.alerts.email.smtpUrl);
  if (copy.alerts?.webhook) copy.alerts.webhook.secret = REDACTED;
  return copy;
}

/** A URL with its password (user:password@) replaced by REDACTED; unparsable: all of it. */
export function redactUrlPassword(text: string): string {
  try {
    const url = new URL(text);
    if (url.password) url.password = REDACTED;
    return url.toString();
  } catch {
    return REDACTED;
  }
}

/** What a redacted secret looks like. */
export const REDACTED = '********';
