/**
 * How /__sim/plugins shows a plugin. The secret appears only in the Data Provider view, as on
 * PowerSchool's own page; lists and install answers never carry it.
 */
import type { FieldAccess } from '../../plugin/contract.ts';
import type { V1AccessLevel } from '../../plugin/definition.ts';
import { hasFeature } from '../../plugin/ps-version.ts';
import type { InstalledPlugin } from '../sim-env.ts';

/** A plugin as listed under Installed Plugins (no secret). */
export interface PluginView {
  id: number;
  name: string;
  version: string;
  description: string;
  enabled: boolean;
  installedAt: string;
  oauth: boolean;
  /** null before 25.2.0.0, where the setting does not exist. */
  accessLevelV1Api: V1AccessLevel | null;
  clientId: string | null;
  accessRequest: FieldAccess[];
  queries: string[];
}

/** Data Provider Configuration: client id, client secret, v1 access level. */
export interface DataProviderView {
  pluginId: number;
  clientId: string;
  clientSecret: string;
  /** null before 25.2.0.0, where the setting does not exist. */
  accessLevelV1Api: V1AccessLevel | null;
}

/** The list/detail view of a plugin. */
export function describePlugin(plugin: InstalledPlugin, psVersion: string): PluginView {
  const { definition } = plugin;
  return {
    id: plugin.id,
    name: definition.name,
    version: definition.version,
    description: definition.description,
    enabled: plugin.enabled,
    installedAt: plugin.installedAt,
    oauth: definition.oauth !== null,
    accessLevelV1Api: v1LevelShown(plugin, psVersion),
    clientId: plugin.enabled ? (plugin.credentials?.clientId ?? null) : null,
    accessRequest: definition.accessRequest.map((grant) => ({ ...grant })),
    queries: definition.queries.map((query) => query.name),
  };
}

/** The Data Provider Configuration view (shows the secret). */
export function describeDataProvider(plugin: InstalledPlugin, psVersion: string): DataProviderView {
  if (!plugin.credentials) {
    throw new Error(`plugin ${plugin.id} has no credentials: check it is enabled and has <oauth/>`);
  }
  return {
    pluginId: plugin.id,
    clientId: plugin.credentials.clientId,
    clientSecret: plugin.credentials.clientSecret,
    accessLevelV1Api: v1LevelShown(plugin, psVersion),
  };
}

function v1LevelShown(plugin: InstalledPlugin, psVersion: string): V1AccessLevel | null {
  return hasFeature(psVersion, 'v1AccessLevel') ? plugin.v1AccessLevel : null;
}
