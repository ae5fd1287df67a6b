/**
 * A data directory holding the settings (connector-settings.json, 0600) and the log
 * (connector.db), and the Settings tab's "Save and Apply to All Schools". The CLI opens one per
 * command; a web front end would open one per process.
 */
import { resolve } from 'node:path';
import type { Dispatcher } from 'undici';
import { systemClock, type Clock } from './clock.ts';
import {
  checkConnection,
  validateConnectionInput,
  type ConnectionInput,
  type ConnectionReport,
} from './connection-check.ts';
import { ConnectorError } from './connector-error.ts';
import { createConnector, type Connector, type ConnectorOptions } from './connector.ts';
import { createPowerSchoolClient } from './powerschool-client.ts';
import { assertDistrictAdmin, type Actor } from './roles.ts';
import { mergeSchools } from './school-setup.ts';
import {
  SettingsStore,
  redactSettings,
  type ConnectionSettings,
  type ConnectorSettings,
} from './settings.ts';
import { WritebackStore } from './writeback-store.ts';

/** The data directory: the flag, else PSWB_DATA_DIR, else ./data. */
export function resolveDataDir(flag?: string): string {
  return resolve(flag ?? process.env.PSWB_DATA_DIR ?? 'data');
}

/** The saved connection, or a not_connected error saying to run pswb connect. */
export function requireConnection(settings: ConnectorSettings): ConnectionSettings {
  if (!settings.connection) {
    throw new ConnectorError(
      'not_connected',
      'No PowerSchool connection is saved: run pswb connect --url <PowerSchool URL> --client-id <id> with PSWB_CLIENT_SECRET set first.',
    );
  }
  return settings.connection;
}

/** The settings to save, who saves them and how to reach PowerSchool for the check. */
export interface SaveConnectionOptions {
  settings: SettingsStore;
  actor: Actor;
  input: ConnectionInput;
  dispatcher?: Dispatcher;
  clock?: Clock;
  /** Check the connection before saving (default true). */
  check?: boolean;
  timeoutMs?: number;
}

/** What saving did: the redacted settings and, when checked, the report. */
export interface SaveConnectionResult {
  saved: boolean;
  report?: ConnectionReport;
  settings: ConnectorSettings;
}

/**
 * Save and Apply to All Schools: district admins only; validates the fields, checks the
 * connection, and saves only when the check passes (or is skipped). The district's schools are
 * recorded, enabled by default.
 */
export async function saveConnectionSettings(
  options: SaveConnectionOptions,
): Promise<SaveConnectionResult> {
  assertDistrictAdmin(options.actor, 'save the PowerSchool connection settings');
  const connection = validateConnectionInput(options.input);
  let report: ConnectionReport | undefined;
  if (options.check ?? true) {
    const client = createPowerSchoolClient({
      baseUrl: connection.url,
      clientId: connection.clientId,
      clientSecret: connection.clientSecret,
      clock: options.clock ?? systemClock,
      retry: { retries: 1 },
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
    report = await checkConnection(client, options.clock ?? systemClock);
    if (!report.ok)
      return { saved: false, report, settings: redactSettings(options.settings.get()) };
  }
  const saved = await options.settings.update((draft) => {
    draft.connection = connection;
    draft.savedAt = (options.clock ?? systemClock).now().toISOString();
    if (report?.metadata) {
      draft.districtTimezone = report.metadata.districtTimezone;
      if (report.metadata.powerschoolVersion)
        draft.powerschoolVersion = report.metadata.powerschoolVersion;
    }
    if (report?.schools) mergeSchools(draft, report.schools);
  });
  return { saved: true, ...(report ? { report } : {}), settings: redactSettings(saved) };
}

/** An open data directory. */
export interface Workspace {
  dataDir: string;
  settings: SettingsStore;
  /** The connector for the saved connection; throws not_connected when none is saved. */
  connector(): Connector;
  close(): void;
}

/** Opens a data directory; the connector and its log are opened on first use. */
export async function openWorkspace(
  options: { dataDir?: string } & Omit<
    ConnectorOptions,
    'baseUrl' | 'clientId' | 'clientSecret' | 'settings' | 'store'
  >,
): Promise<Workspace> {
  const dataDir = resolveDataDir(options.dataDir);
  const settings = await SettingsStore.openDataDir(dataDir);
  let connector: Connector | undefined;
  return {
    dataDir,
    settings,
    connector() {
      if (connector) return connector;
      const connection = requireConnection(settings.get());
      const { dataDir: _ignored, ...rest } = options;
      connector = createConnector({
        ...rest,
        baseUrl: connection.url,
        clientId: connection.clientId,
        clientSecret: connection.clientSecret,
        settings,
        store: WritebackStore.openDataDir(dataDir),
      });
      return connector;
    },
    close() {
      connector?.close();
    },
  };
}
