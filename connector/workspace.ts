/**
 * A data directory holding the settings (connector-settings.json, 0600) and the log
 * (connector.db). The CLI opens one per command; the service one per process.
 */
import { resolve } from 'node:path';
import { createConnector, type Connector, type ConnectorOptions } from './connector.ts';
import { ConnectorError } from './domain/index.ts';
import { SettingsStore, type ConnectionSettings, type ConnectorSettings } from './setup/index.ts';
import { WritebackStore } from './store/index.ts';

/** The data directory: the flag, else PSWB_DATA_DIR, else ./data. */
export function resolveDataDir(flag?: string): string {
  return resolve(flag ?? process.env.PSWB_DATA_DIR ?? 'data');
}

/** The saved connection, or a not_connected error saying to run pswb connect. */
export function requireConnection(settings: ConnectorSettings): ConnectionSettings {
  if (!settings.connection) {
    throw new ConnectorError(
      'not_connected',
      'No PowerSchool connection is saved in this data directory.',
    );
  }
  return settings.connection;
}

/** An open data directory. */
export interface Workspace {
  dataDir: string;
  settings: SettingsStore;
  /**
   * The data directory's log (connector.db, with the API keys, users, sessions and audit log),
   * opened on first use; no saved connection is needed. The connector uses this same store.
   */
  store(): WritebackStore;
  /** The connector for the saved connection; throws not_connected when none is saved. */
  connector(): Connector;
  /**
   * Forgets the connector (the store stays open), so the next connector() is made from the
   * settings as saved now: after the Settings tab saves new credentials while the service runs.
   */
  reconnect(): void;
  /** Closes the store (and so the connector); again: nothing happens. */
  close(): void;
}

/** Opens a data directory; its log and the connector are opened on first use. */
export async function openWorkspace(
  options: { dataDir?: string } & Omit<
    ConnectorOptions,
    'baseUrl' | 'clientId' | 'clientSecret' | 'settings' | 'store'
  >,
): Promise<Workspace> {
  const dataDir = resolveDataDir(options.dataDir);
  const settings = await SettingsStore.openDataDir(dataDir);
  let store: WritebackStore | undefined;
  let connector: Connector | undefined;
  const openStore = (): WritebackStore => (store ??= WritebackStore.openDataDir(dataDir));
  return {
    dataDir,
    settings,
    store: openStore,
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
        store: openStore(),
      });
      return connector;
    },
    reconnect() {
      // Not closed: closing a connector closes its store, which the next connector shares.
      connector = undefined;
    },
    close() {
      store?.close();
    },
  };
}
