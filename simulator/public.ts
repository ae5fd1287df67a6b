/**
 * `pswb/simulator`: a PowerSchool started from a team's own test suite, as msw's setupServer or
 * WireMock are. One call starts it in process on a free port with the demo district and the
 * Navigate360 Attendance Access plugin installed and enabled; the handle resets it between
 * tests, adds faults, moves its clock and reads its journal, all through the simulator's own
 * /__sim control routes (the same ones curl or another language would use).
 */
import { DEFAULT_PS_VERSION } from '../plugin/ps-version.ts';
import type { District } from './district/district.ts';
import type { FaultRule, FaultRuleInput, JournalEntry, JournalFilter } from './platform/index.ts';
import { startSimulator as listen, type RunningSimulator } from './server.ts';
import { SimulatorError } from './simulator-error.ts';

/** How to start a simulator for tests; every field has a test-friendly default. */
export interface SimulatorOptions {
  /** demo (default), large, or a JSON seed file's path. */
  seed?: string;
  /** Students of the large seed. */
  students?: number;
  /** The PowerSchool version to behave as (default 25.3.0, the newest profile). */
  psVersion?: string;
  /** Fault rules to start with: objects, or the compact text form ("POST /ws/attendance/*: 500,ok"). */
  faults?: readonly (FaultRuleInput | string)[];
  /** Pins the clock (default: the real time). */
  clock?: Date | string;
  /** Makes credentials, tokens and fault draws reproducible. */
  randomSeed?: number;
  /** Install and enable the plugin (default true). */
  plugin?: boolean;
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Where progress lines go (default: nowhere, tests stay quiet). */
  log?: (line: string) => void;
}

/** The plugin's Data Provider Configuration credentials. */
export interface SimulatorCredentials {
  clientId: string;
  clientSecret: string;
}

/** A running simulator and what a test does with it. */
export interface Simulator {
  /** Its base URL, e.g. http://127.0.0.1:41234: the "PowerSchool URL" of the Settings tab. */
  readonly url: string;
  readonly psVersion: string;
  /** The installed plugin's Client ID and Secret; null when started with plugin: false. */
  readonly credentials: SimulatorCredentials | null;
  /** The district's tables, to read or change rows directly. */
  readonly district: District;
  /** Stops listening and drops open connections. */
  stop(): Promise<void>;
  /** Puts the district back to its seed (or to a snapshot saved with `snapshot`); drops faults and journal. */
  reset(options?: { snapshot?: string }): Promise<void>;
  /** Saves the district under a name, for a later reset({ snapshot }). */
  snapshot(name: string): Promise<void>;
  readonly faults: {
    /** Adds rules (objects or compact text); resolves with them as stored, ids included. */
    add(...rules: (FaultRuleInput | string)[]): Promise<FaultRule[]>;
    list(): Promise<FaultRule[]>;
    clear(): Promise<void>;
  };
  readonly journal: {
    /** The requests the simulator saw, newest first (never a secret). */
    entries(filter?: JournalFilter): Promise<JournalEntry[]>;
    clear(): Promise<void>;
  };
  readonly clock: {
    set(now: Date | string): Promise<void>;
    advance(seconds: number): Promise<void>;
    /** Back to the real time. */
    release(): Promise<void>;
  };
}

/** Starts a simulator in this process; resolves once it listens. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const running = await listen({
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    dataPath: null,
    seed: options.seed ?? 'demo',
    psVersion: options.psVersion ?? DEFAULT_PS_VERSION,
    plugin: options.plugin ?? true,
    log: options.log ?? (() => undefined),
    ...(options.students !== undefined ? { students: options.students } : {}),
    ...(options.randomSeed !== undefined ? { randomSeed: options.randomSeed } : {}),
    ...(options.clock !== undefined ? { clock: new Date(options.clock) } : {}),
  });
  const simulator = simulatorHandle(running);
  try {
    if (options.faults?.length) await simulator.faults.add(...options.faults);
  } catch (error) {
    await running.close();
    throw error;
  }
  return simulator;
}

/** The test handle of a running simulator: every action through its control routes. */
function simulatorHandle(running: RunningSimulator): Simulator {
  const control = controlClient(running);
  return {
    url: running.url,
    psVersion: running.psVersion,
    credentials: running.plugin
      ? { clientId: running.plugin.clientId, clientSecret: running.plugin.clientSecret }
      : null,
    district: running.district,
    stop: () => running.close(),
    async reset(resetOptions = {}) {
      await control('POST', '/__sim/reset', resetOptions);
      await control('DELETE', '/__sim/faults');
      await control('DELETE', '/__sim/journal');
    },
    snapshot: async (name) => void (await control('POST', '/__sim/snapshot', { name })),
    faults: {
      async add(...rules) {
        const stored: FaultRule[] = [];
        for (const rule of rules) {
          const body = typeof rule === 'string' ? { text: rule } : rule;
          stored.push(
            ...((await control('POST', '/__sim/faults', body)) as { rules: FaultRule[] }).rules,
          );
        }
        return stored;
      },
      list: async () => ((await control('GET', '/__sim/faults')) as { rules: FaultRule[] }).rules,
      clear: async () => void (await control('DELETE', '/__sim/faults')),
    },
    journal: {
      async entries(filter = {}) {
        const query = new URLSearchParams(
          Object.entries(filter).map(([key, value]): [string, string] => [key, String(value)]),
        );
        const path = `/__sim/journal${query.size ? `?${query}` : ''}`;
        return ((await control('GET', path)) as { entries: JournalEntry[] }).entries;
      },
      clear: async () => void (await control('DELETE', '/__sim/journal')),
    },
    clock: {
      set: async (now) =>
        void (await control('PUT', '/__sim/clock', { now: new Date(now).toISOString() })),
      advance: async (seconds) =>
        void (await control('POST', '/__sim/clock', { advanceSeconds: seconds })),
      release: async () => void (await control('DELETE', '/__sim/clock')),
    },
  };
}

/** Calls a control route in process; a refusal throws with the simulator's own message. */
function controlClient(running: RunningSimulator) {
  return async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const text = body === undefined ? undefined : bodyText(body);
    const headers: Record<string, string> = {};
    if (text !== undefined) {
      headers['content-type'] =
        (body as { text?: unknown }).text !== undefined ? 'text/plain' : 'application/json';
    }
    const response = await running.app.request(path, { method, headers, body: text });
    const answer = response.headers.get('content-type')?.includes('json')
      ? ((await response.json()) as unknown)
      : await response.text();
    if (!response.ok) {
      const message = (answer as { message?: unknown } | undefined)?.message ?? answer;
      throw new SimulatorError(
        'control_refused',
        `${method} ${path}: ${response.status}: ${String(message)}`,
      );
    }
    return answer;
  };
}

function bodyText(body: unknown): string {
  const compact = (body as { text?: unknown }).text;
  return typeof compact === 'string' ? compact : JSON.stringify(body);
}

export type { FaultRule, FaultRuleInput, JournalEntry, JournalFilter } from './platform/index.ts';
export type { District } from './district/district.ts';
export {
  SIMULATOR_ERROR_CODES,
  SIMULATOR_ERROR_FIXES,
  SimulatorError,
  type SimulatorErrorCode,
} from './simulator-error.ts';
export { DEMO_FACTS, type DemoFacts } from './seeds/demo-facts.ts';
export { SUPPORTED_PS_VERSIONS, DEFAULT_PS_VERSION } from '../plugin/ps-version.ts';
