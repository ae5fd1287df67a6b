/**
 * A district's connector on PostgreSQL: its stored settings opened with the keyring (decision
 * 081) and a connector to its PowerSchool. The workers write with one per district
 * (district-workers.ts); `pswb serve --database` keeps one per district for what asks
 * PowerSchool without writing (a dry run, the page's preview), made on first use and made again
 * when the district changes.
 */
import type { Dispatcher } from 'undici';
import {
  ConnectorError,
  createConnector,
  openDistrictSettings,
  openSavedDistrictSettings,
  requireConnection,
  type SettingsStore,
  type Clock,
  type Connector,
  type RetryOptions,
  type SecretKeyring,
} from '../connector/index.ts';
import type { DistrictRow, PgDistricts } from '../connector/store/pg/index.ts';

/** How every district's connector reaches PowerSchool (tests: a transport, faster retries). */
export interface DistrictConnectorOptions {
  keyring: SecretKeyring;
  clock: Clock;
  /** The most requests in flight; the district's own cap lowers it. */
  concurrency: number;
  transport?: { dispatcher?: Dispatcher; retry?: Partial<RetryOptions>; timeoutMs?: number };
}

/**
 * Opens a district's settings (or takes `settings`) and makes its connector
 * (settings_unreadable, not_connected).
 */
export async function openDistrictConnector(
  row: DistrictRow,
  options: DistrictConnectorOptions,
  settings?: SettingsStore,
): Promise<Connector> {
  settings ??= await openDistrictSettings(row, options.keyring);
  const connection = requireConnection(settings.get());
  return createConnector({
    ...options.transport,
    baseUrl: connection.url,
    clientId: connection.clientId,
    clientSecret: connection.clientSecret,
    settings,
    clock: options.clock,
    concurrency: Math.min(options.concurrency, row.concurrency),
  });
}

/**
 * One connector per district, made when first asked for and again after the district changed.
 * Its settings are saved back to the database when changed (the page's settings tabs), which
 * changes the district: the next call makes a new connector, with any new connection.
 */
export class DistrictConnectors {
  readonly #districts: PgDistricts;
  readonly #options: DistrictConnectorOptions;
  readonly #open = new Map<string, { updatedAt: string; connector: Promise<Connector> }>();

  constructor(districts: PgDistricts, options: DistrictConnectorOptions) {
    this.#districts = districts;
    this.#options = options;
  }

  /** The district's connector; district_not_found when the database no longer holds it. */
  async get(district: string): Promise<Connector> {
    const row = await this.#districts.get(district);
    if (!row) {
      throw new ConnectorError(
        'district_not_found',
        `The district "${district}" is no longer in the database.`,
      );
    }
    const open = this.#open.get(district);
    if (open?.updatedAt === row.updatedAt) return open.connector;
    if (open) void open.connector.then((connector) => connector.close()).catch(() => undefined);
    const options = this.#options;
    const settings = openSavedDistrictSettings(row, options.keyring, this.#districts, {
      now: () => options.clock.now(),
    });
    const entry = {
      updatedAt: row.updatedAt,
      connector: settings.then((opened) => openDistrictConnector(row, options, opened)),
    };
    // A district that cannot be opened is tried again at the next call, not remembered.
    entry.connector.catch(() => {
      if (this.#open.get(district) === entry) this.#open.delete(district);
    });
    this.#open.set(district, entry);
    return entry.connector;
  }

  /** Closes every connector. */
  async close(): Promise<void> {
    const all = [...this.#open.values()];
    this.#open.clear();
    for (const { connector } of all) (await connector.catch(() => undefined))?.close();
  }
}
