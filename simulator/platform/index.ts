/** The simulator platform's public surface, for app.ts, server.ts and the CLI. */
export {
  assertQueryAccess,
  assertReadAccess,
  assertWriteAccess,
  grantedAccess,
  missingReadAccess,
} from './access.ts';
export {
  authenticateRequest,
  bearerToken,
  identifyPlugin,
  requireBearer,
  requireV1Access,
  V1_ACCESS_DENIED_BODY,
} from './auth.ts';
export { clockRoutes } from './clock-routes.ts';
export { FaultEngine, FaultRuleError, type AppliedFault } from './fault-engine.ts';
export { parseFaultFlag } from './fault-flag.ts';
export { injectFaults } from './fault-middleware.ts';
export { faultRoutes } from './fault-routes.ts';
export type { FaultAction, FaultRule, FaultRuleInput, FaultStep } from './fault-rules.ts';
export { RequestJournal, type JournalEntry, type JournalFilter } from './journal.ts';
export { journalRequests, journalRoutes } from './journal-routes.ts';
export { oauthRoutes } from './oauth-routes.ts';
export {
  createPlatform,
  type CreatePlatformOptions,
  type Platform,
  type PlatformEnv,
} from './platform.ts';
export {
  PluginInstallError,
  PluginRegistry,
  PluginRegistryError,
  type PluginRegistryState,
} from './plugin-registry.ts';
export { pluginControlRoutes } from './plugin-routes.ts';
export { OAUTH_ROUTES, PLATFORM_CONTROL_ROUTES } from './platform-specs.ts';
export { TokenStore, type TokenStoreState } from './tokens.ts';
