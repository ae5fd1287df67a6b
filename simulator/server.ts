/**
 * Starts the simulator on a port: loads the seed (or resumes the data file), builds the app,
 * installs and enables our plugin bundle through the registry as an admin would, and listens.
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { buildBundle } from '../plugin/bundle.ts';
import { PLUGIN_IDENTITY } from '../plugin/contract.ts';
import { DEFAULT_PS_VERSION, parsePsVersion } from '../plugin/ps-version.ts';
import { createSimulatorApp, type SimulatorApp } from './app.ts';
import { SimClock } from './clock.ts';
import type { DistrictSummary } from './district/district.ts';
import { PrivateJsonFile, StateFileError, type SimulatorState } from './persistence.ts';
import type { FaultRuleInput, Platform } from './platform/index.ts';
import { loadSeed, openSeed } from './seeds/load-seed.ts';
import type { InstalledPlugin } from './sim-env.ts';

/** The state file when StartSimulatorOptions.dataPath is not given. */
const DEFAULT_DATA_PATH = 'data/simulator.json';

export interface StartSimulatorOptions {
  /** Default 7070; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The state file (default data/simulator.json); null keeps state in memory only. */
  dataPath?: string | null;
  /** Ignore an existing data file and start from the seed (it is overwritten). */
  fresh?: boolean;
  /** demo (default), large, or a JSON seed file. */
  seed?: string;
  /** Students of the large seed. */
  students?: number;
  /** Default 25.3.0. */
  psVersion?: string;
  /** Install and enable our plugin bundle (default true). */
  plugin?: boolean;
  /** Pins the simulator clock to this instant. */
  clock?: Date;
  /** Makes credentials, tokens and fault draws reproducible. */
  randomSeed?: number;
  /** Fault rules to start with (parseFaultFlag turns --fault text into these). */
  faults?: FaultRuleInput[];
  /** Where human-readable progress goes (default stderr). */
  log?: (line: string) => void;
}

/** The plugin the simulator installed, with the credentials its Data Provider Configuration shows. */
export interface RunningPlugin {
  id: number;
  name: string;
  clientId: string;
  clientSecret: string;
}

/** A listening simulator. */
export interface RunningSimulator {
  url: string;
  psVersion: string;
  plugin?: RunningPlugin;
  app: SimulatorApp['app'];
  platform: SimulatorApp['platform'];
  district: SimulatorApp['district'];
  /** Stops listening, ends open connections, writes pending state. */
  close(): Promise<void>;
}

/** One line describing a district, for the start-up log. */
export function formatSummary(seed: string, summary: DistrictSummary): string {
  return `seed ${seed}: ${summary.name} (${summary.timezone}): ${summary.schools} schools, ${summary.students} students, ${summary.sections} sections, ${summary.cc} class enrollments, ${summary.codes} attendance codes, ${summary.days} calendar days, ${summary.attendance} attendance records`;
}

/**
 * Installs and enables the Navigate360 Attendance Access bundle built for the platform's
 * version, unless a plugin of that name is installed already (a resumed data file): then it is
 * enabled and reused, so its credentials stay the same across restarts.
 */
export async function installBundledPlugin(platform: Platform): Promise<InstalledPlugin> {
  const installed = platform.registry
    .list()
    .find((plugin) => plugin.definition.name === PLUGIN_IDENTITY.name);
  if (installed) return platform.registry.enable(installed.id);
  const bundle = await buildBundle({ psVersion: platform.psVersion });
  const plugin = await platform.registry.install(bundle.bytes);
  return platform.registry.enable(plugin.id);
}

async function readState(
  options: StartSimulatorOptions,
  psVersion: string,
): Promise<{ adapter?: PrivateJsonFile; state: SimulatorState | null }> {
  const dataPath = options.dataPath === undefined ? DEFAULT_DATA_PATH : options.dataPath;
  if (dataPath === null) return { state: null };
  const adapter = new PrivateJsonFile(dataPath);
  const state = options.fresh ? null : await adapter.read();
  if (state && parsePsVersion(state.psVersion).text !== psVersion) {
    throw new StateFileError(
      `Data file ${dataPath} was written by a PowerSchool ${state.psVersion} simulator; start with --ps-version ${state.psVersion}, or with --fresh to replace it.`,
    );
  }
  return { adapter, state };
}

/** Starts a simulator; resolves once it listens. */
export async function startSimulator(
  options: StartSimulatorOptions = {},
): Promise<RunningSimulator> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const psVersion = parsePsVersion(options.psVersion ?? DEFAULT_PS_VERSION).text;
  const { adapter, state } = await readState(options, psVersion);
  // A resumed district came from the seed its state names: /__sim/reset must restore that one,
  // at the size it was built (the large seed's size is its student count), not --seed's default.
  // Resuming builds no district from the seed (the state file holds it), only the way back to it.
  const { district, seed } = state
    ? {
        district: state.district,
        seed: await openSeed(state.seed, {
          students: state.seed === 'large' ? state.district.students.length : options.students,
        }),
      }
    : await loadSeed(options.seed ?? 'demo', { students: options.students }).then((loaded) => ({
        district: loaded.data,
        seed: loaded,
      }));
  const clock = new SimClock();
  if (options.clock) clock.set(options.clock);
  const sim = createSimulatorApp({
    psVersion,
    district,
    seedName: seed.name,
    seedCopy: seed.rebuild,
    clock,
    ...(options.randomSeed !== undefined ? { randomSeed: options.randomSeed } : {}),
    ...(state ? { registryState: state.registry, tokenState: state.tokens } : {}),
    ...(adapter ? { persistence: { adapter } } : {}),
  });
  log(
    state
      ? `[simulator] resumed ${adapter?.path ?? DEFAULT_DATA_PATH} (${formatSummary(state.seed, sim.district.summary())})`
      : `[simulator] ${formatSummary(seed.name, sim.district.summary())}`,
  );
  for (const rule of options.faults ?? []) sim.platform.faults.add(rule);
  const plugin = options.plugin === false ? undefined : await installBundledPlugin(sim.platform);
  sim.store?.schedule();
  await sim.flush();
  const { server, url } = await listen(sim, options.port ?? 7070, options.host ?? '127.0.0.1');
  log(`[simulator] PowerSchool ${psVersion} listening on ${url}`);
  return {
    url,
    psVersion,
    ...(plugin?.credentials
      ? { plugin: { id: plugin.id, name: plugin.definition.name, ...plugin.credentials } }
      : {}),
    app: sim.app,
    platform: sim.platform,
    district: sim.district,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Hung fault connections and keep-alive sockets would hold close() open.
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      await sim.flush();
    },
  };
}

function listen(
  sim: SimulatorApp,
  port: number,
  host: string,
): Promise<{ server: ServerType; url: string }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: sim.app.fetch, port, hostname: host }, (info: AddressInfo) => {
      const shownHost = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({ server, url: `http://${shownHost}:${info.port}` });
    });
    server.once('error', reject);
  });
}
