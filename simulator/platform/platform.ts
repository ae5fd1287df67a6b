/**
 * The platform: everything about a simulated PowerSchool server that is not district data —
 * its version, clock, installed plugins, OAuth tokens, fault rules and request journal. The
 * simulator app is built around one Platform object.
 */
import { parsePsVersion } from '../../plugin/ps-version.ts';
import { SimClock } from '../clock.ts';
import type { SimEnv } from '../sim-env.ts';
import { FaultEngine } from './fault-engine.ts';
import { RequestJournal } from './journal.ts';
import { PluginRegistry, type PluginRegistryState } from './plugin-registry.ts';
import { mulberry32 } from './random.ts';
import { TokenStore, type TokenStoreState } from './tokens.ts';

/** One simulated server's platform state and services. */
export interface Platform {
  clock: SimClock;
  psVersion: string;
  registry: PluginRegistry;
  tokens: TokenStore;
  faults: FaultEngine;
  journal: RequestJournal;
  /** Registers a listener called after plugin or token state changes (write-behind); returns an unsubscribe. */
  onStateChange(listener: () => void): () => void;
}

export interface CreatePlatformOptions {
  psVersion: string;
  clock?: SimClock;
  /** Makes credentials, tokens and fault decisions reproducible. */
  seed?: number;
  registryState?: PluginRegistryState;
  tokenState?: TokenStoreState;
  journalSize?: number;
  tokenLifetimeSeconds?: number;
}

/** Hono environment of the platform's middleware: SimEnv plus the fault applied, for the journal. */
export interface PlatformEnv extends SimEnv {
  Variables: SimEnv['Variables'] & {
    /** "<rule id>:<action type>[,...]" when fault rules acted on the request. */
    simFault?: string;
    /** True when a fault dropped the connection (the journal records status 0). */
    simDropped?: boolean;
  };
}

/** Builds a platform; with `seed`, its credentials, tokens and fault draws repeat run to run. */
export function createPlatform(options: CreatePlatformOptions): Platform {
  const psVersion = parsePsVersion(options.psVersion).text;
  const clock = options.clock ?? new SimClock();
  // Separate streams so adding a fault rule does not change the next credentials, and so on.
  const seeded = (offset: number): (() => number) | undefined =>
    options.seed === undefined ? undefined : mulberry32(options.seed * 7919 + offset);
  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const listener of listeners) listener();
  };
  const tokens = new TokenStore({
    clock,
    lifetimeSeconds: options.tokenLifetimeSeconds,
    state: options.tokenState,
    random: seeded(1),
    onChange: notify,
  });
  const registry = new PluginRegistry({
    clock,
    psVersion,
    random: seeded(2),
    state: options.registryState,
    onAccessRevoked: (pluginId) => tokens.revokePlugin(pluginId),
    onChange: notify,
  });
  return {
    clock,
    psVersion,
    registry,
    tokens,
    faults: new FaultEngine({ random: seeded(3) }),
    journal: new RequestJournal({ clock, size: options.journalSize }),
    onStateChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
