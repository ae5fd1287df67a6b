/**
 * A district's Settings document as the database holds it (decision 084): sealed on the way in
 * with the same key and fields as a data directory's settings file (decision 081), so a dump of
 * pswb_districts alone reveals no secret, and checked against the settings schema on the way out.
 */
import {
  SECRET_FIELDS,
  openSecretFields,
  sealSecretFields,
  type SecretField,
} from './sealed-settings-file.ts';
import type { SecretKeyring } from './secret-key.ts';
import { presentSecrets, type SealedDocuments } from './secrets.ts';
import { parseSettingsDocument, SettingsStore, type ConnectorSettings } from './settings.ts';

/** The document to store for a district: its secrets sealed with the keyring's current key. */
export function sealDistrictSettings(
  settings: ConnectorSettings,
  keyring: SecretKeyring,
): Promise<unknown> {
  return sealSecretFields(settings, keyring);
}

/**
 * A stored district's settings, secrets opened and checked, in a store of their own (in memory:
 * a worker reads them; changes go back to the database through sealDistrictSettings).
 */
export async function openDistrictSettings(
  district: { id: string; settings: unknown },
  keyring: SecretKeyring,
): Promise<SettingsStore> {
  const place = `the settings of district ${district.id}`;
  const document = structuredClone(district.settings);
  await openSecretFields(document, keyring, `of district ${district.id}`);
  return SettingsStore.inMemory(parseSettingsDocument(document, place));
}

/** Where a district's changed settings are saved (PgDistricts.update). */
export interface DistrictSettingsWriter {
  update(id: string, change: { settings: unknown }, now: string): Promise<{ updatedAt: string }>;
}

/**
 * A district's settings in a store whose changes are saved back to the database, sealed as
 * sealDistrictSettings seals them (the page's Settings, School Building Setup and Reasons tabs
 * on PostgreSQL); `onSaved` hears the row's new updated_at.
 */
export async function openSavedDistrictSettings(
  district: { id: string; settings: unknown },
  keyring: SecretKeyring,
  writer: DistrictSettingsWriter,
  options: { now?: () => Date; onSaved?: (updatedAt: string) => void } = {},
): Promise<SettingsStore> {
  const now = options.now ?? (() => new Date());
  return SettingsStore.open(
    {
      async read() {
        const document = structuredClone(district.settings);
        await openSecretFields(document, keyring, `of district ${district.id}`);
        return document as ConnectorSettings;
      },
      async write(data) {
        const sealed = await sealDistrictSettings(data, keyring);
        const saved = await writer.update(district.id, { settings: sealed }, now().toISOString());
        options.onSaved?.(saved.updatedAt);
      },
    },
    `the settings of district ${district.id}`,
  );
}

/** What districtDocuments needs of the districts' table (PgDistricts). */
export interface DistrictSettingsTable {
  list(): Promise<{ id: string; settings: unknown }[]>;
  rewriteSettings(
    change: (district: { id: string; settings: unknown }) => Promise<unknown>,
  ): Promise<string[]>;
}

/**
 * Every district's settings as the documents of `pswb secrets status|rotate --database`: a
 * rotation re-seals them all in one transaction (PgDistricts.rewriteSettings).
 */
export function districtDocuments(districts: DistrictSettingsTable): SealedDocuments {
  return {
    async reseal(keyring, key) {
      const present = new Set<SecretField>();
      await districts.rewriteSettings(async ({ id, settings }) => {
        const document = structuredClone(settings);
        await openSecretFields(document, keyring, `of district ${id}`);
        for (const field of presentSecrets(document)) present.add(field);
        return sealSecretFields(document, keyring, key);
      });
      return SECRET_FIELDS.filter((field) => present.has(field));
    },
    async stored() {
      return (await districts.list()).map((district) => ({
        place: `the settings of district ${district.id}`,
        document: district.settings,
      }));
    },
  };
}
