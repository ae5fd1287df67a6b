import type { PluginDefinition, V1AccessLevel } from '../plugin/definition.ts';

/** A plugin installed on the simulated server (System Management > Server > Plugin Configuration). */
export interface InstalledPlugin {
  /** The server's plugin id (plugin_id in /ws/v1/metadata). */
  id: number;
  definition: PluginDefinition;
  enabled: boolean;
  /** Data Provider Configuration's "Access Level for v1 APIs" (25.2.0.0+). */
  v1AccessLevel: V1AccessLevel;
  /** Created on the first enable of an `<oauth/>` plugin; kept while disabled, usable only while enabled. */
  credentials?: { clientId: string; clientSecret: string };
  installedAt: string;
}

/** Hono environment shared by every simulator route: the plugin behind the bearer token. */
export interface SimEnv {
  Variables: {
    plugin: InstalledPlugin;
  };
}
