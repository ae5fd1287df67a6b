/**
 * The Settings tab's "Save and Apply to All Schools": district admins only; the fields validated,
 * the connection checked, and the settings saved only when the check passes.
 */
import type { Dispatcher } from 'undici';
import { systemClock, type Clock } from '../domain/index.ts';
import { createPowerSchoolClient } from '../powerschool/index.ts';
import {
  checkConnection,
  validateConnectionInput,
  type ConnectionInput,
  type ConnectionReport,
} from './connection-check.ts';
import { assertDistrictAdmin, type Actor } from './roles.ts';
import { mergeSchools } from './schools.ts';
import { redactSettings, type ConnectorSettings, type SettingsStore } from './settings.ts';

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
