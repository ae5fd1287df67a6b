/**
 * The simulator as one Hono app: a Platform (plugins, OAuth, faults, journal, clock) around a
 * District (tables, PowerQueries, attendance writes), with write-behind persistence.
 *
 * Request path: journal -> faults -> body limit -> auth / version gates -> access -> route.
 */
import { Hono } from 'hono';
import type { Adapter } from 'lowdb';
import { DEFAULT_PS_VERSION } from '../plugin/ps-version.ts';
import { answerUnrouted, catalogueRoutes } from './catalogue-routes.ts';
import type { SimClock } from './clock.ts';
import { District } from './district/district.ts';
import type { DistrictData } from './district/schema.ts';
import { renderPsError } from './http/errors.ts';
import { StateStore, type SimulatorState } from './persistence.ts';
import {
  clockRoutes,
  createPlatform,
  faultRoutes,
  injectFaults,
  journalRequests,
  journalRoutes,
  oauthRoutes,
  pluginControlRoutes,
  type Platform,
  type PlatformEnv,
  type PluginRegistryState,
  type TokenStoreState,
} from './platform/index.ts';
import { attendanceRoutes } from './routes/attendance-routes.ts';
import { schemaRoutes } from './routes/schema-routes.ts';
import { SnapshotStore, simStateRoutes } from './routes/sim-state-routes.ts';
import { v1Routes } from './routes/v1-routes.ts';
import { buildDemoDistrict } from './seeds/demo.ts';

export interface SimulatorAppOptions {
  /** The PowerSchool version to behave as (default: the newest profile, 25.3.0). */
  psVersion?: string;
  /** The district to serve (adopted, not copied); default: the demo district. */
  district?: DistrictData;
  /** The seed's name, reported by /__sim/seed and kept in the state file. */
  seedName?: string;
  /** Fresh copies of the seed for /__sim/reset; default: a copy taken now. */
  seedCopy?: () => DistrictData;
  clock?: SimClock;
  /** Makes credentials, tokens and fault draws reproducible. */
  randomSeed?: number;
  registryState?: PluginRegistryState;
  tokenState?: TokenStoreState;
  journalSize?: number;
  /** Where state is written behind (PrivateJsonFile, or lowdb's Memory in tests); none: not persisted. */
  persistence?: { adapter: Adapter<SimulatorState>; debounceMs?: number };
}

/** A built simulator: the app, its platform and district, and a flush for pending state. */
export interface SimulatorApp {
  app: Hono<PlatformEnv>;
  platform: Platform;
  district: District;
  /** The write-behind store, when persistence is on. */
  store?: StateStore;
  /** Writes pending state now (no-op without persistence). */
  flush(): Promise<void>;
}

/** Builds the simulator app (no port: call app.request() in tests, or serve it with server.ts). */
export function createSimulatorApp(options: SimulatorAppOptions = {}): SimulatorApp {
  const psVersion = options.psVersion ?? DEFAULT_PS_VERSION;
  const platform = createPlatform({
    psVersion,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.randomSeed !== undefined ? { seed: options.randomSeed } : {}),
    ...(options.registryState ? { registryState: options.registryState } : {}),
    ...(options.tokenState ? { tokenState: options.tokenState } : {}),
    ...(options.journalSize !== undefined ? { journalSize: options.journalSize } : {}),
  });
  const data = options.district ?? buildDemoDistrict();
  const seedName = options.seedName ?? 'demo';
  const seedCopy = options.seedCopy ?? copier(options.district ? structuredClone(data) : undefined);
  let store: StateStore | undefined;
  const district = new District(data, { onChange: () => store?.schedule() });
  if (options.persistence) {
    store = new StateStore({
      adapter: options.persistence.adapter,
      ...(options.persistence.debounceMs !== undefined
        ? { debounceMs: options.persistence.debounceMs }
        : {}),
      collect: () => ({
        format: 'pswb-simulator-state',
        version: 1,
        savedAt: new Date().toISOString(),
        psVersion: platform.psVersion,
        seed: seedName,
        district: district.toJSON(),
        registry: platform.registry.toJSON(),
        tokens: platform.tokens.toJSON(),
      }),
    });
    platform.onStateChange(() => store?.schedule());
  }
  const app = buildRoutes(platform, district, { name: seedName, copy: seedCopy });
  return {
    app,
    platform,
    district,
    ...(store ? { store } : {}),
    flush: () => store?.flush() ?? Promise.resolve(),
  };
}

/** Copies of a kept seed, or fresh demo districts when none was kept. */
function copier(kept: DistrictData | undefined): () => DistrictData {
  return kept ? () => structuredClone(kept) : buildDemoDistrict;
}

function buildRoutes(
  platform: Platform,
  district: District,
  seed: { name: string; copy: () => DistrictData },
): Hono<PlatformEnv> {
  const app = new Hono<PlatformEnv>();
  app.onError(renderPsError);
  app.notFound(answerUnrouted(platform.psVersion));
  app.use('*', journalRequests(platform));
  app.use('*', injectFaults(platform));

  app.route('/', catalogueRoutes(platform.psVersion));
  app.route('/', oauthRoutes(platform));
  app.route('/ws/v1', v1Routes(platform, district));
  app.route('/ws/schema', schemaRoutes(platform, district));
  app.route('/ws/attendance', attendanceRoutes(platform, district));

  app.route('/__sim/plugins', pluginControlRoutes(platform));
  app.route('/__sim/faults', faultRoutes(platform));
  app.route('/__sim/journal', journalRoutes(platform));
  app.route('/__sim/clock', clockRoutes(platform));
  const snapshots = new SnapshotStore();
  app.route(
    '/__sim',
    simStateRoutes({ district, snapshots, seed, now: () => platform.clock.now() }),
  );
  return app;
}
