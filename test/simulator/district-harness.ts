/**
 * The whole simulator app (createSimulatorApp) on the demo district, with our plugin installed
 * and enabled as an admin would, a bearer token, and small request helpers. In process: no port.
 */
import { buildBundle } from '../../plugin/bundle.ts';
import type { PluginDefinition } from '../../plugin/definition.ts';
import {
  createSimulatorApp,
  type SimulatorApp,
  type SimulatorAppOptions,
} from '../../simulator/app.ts';
import { SimClock } from '../../simulator/clock.ts';
import { DEMO_FACTS } from '../../simulator/seeds/demo-facts.ts';
import type { InstalledPlugin } from '../../simulator/sim-env.ts';
import { AnswerChecker, checkResponse } from './openapi-check.ts';

/** A fixed instant inside the demo's school year: Wednesday 2026-10-14, 9:47 in New York. */
export const DEMO_NOW = new Date('2026-10-14T13:47:00Z');

const bundles = new Map<string, Promise<Uint8Array>>();

/** Our bundle for a version (built once per test file). */
export function bundleFor(psVersion: string): Promise<Uint8Array> {
  let bytes = bundles.get(psVersion);
  if (!bytes) {
    bytes = buildBundle({ psVersion }).then((b) => b.bytes);
    bundles.set(psVersion, bytes);
  }
  return bytes;
}

export interface DemoSimulator extends SimulatorApp {
  plugin: InstalledPlugin;
  token: string;
  /** Holds answers to the OpenAPI document this simulator serves (call() checks each one). */
  checker: AnswerChecker;
  /** Sends a request with the bearer token (unless `token: null`) and a JSON body when given. */
  call(
    method: string,
    path: string,
    options?: { body?: unknown; token?: string | null; headers?: Record<string, string> },
  ): Promise<Response>;
  /** call() and parse the JSON answer. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests index into bodies freely
  json<T = any>(
    method: string,
    path: string,
    options?: { body?: unknown; token?: string | null; headers?: Record<string, string> },
  ): Promise<{ status: number; body: T }>;
}

export interface DemoOptions extends SimulatorAppOptions {
  /** A custom plugin definition to install instead of ours (e.g. a narrower access_request). */
  definition?: PluginDefinition;
}

/** The demo simulator on a frozen clock, our plugin installed and enabled, a token issued. */
export async function demoSimulator(options: DemoOptions = {}): Promise<DemoSimulator> {
  const clock = options.clock ?? new SimClock();
  if (!options.clock) clock.set(DEMO_NOW);
  const psVersion = options.psVersion ?? '25.3.0';
  // A custom definition goes straight into the registry's state: the bundle builder and the
  // installer refuse a plugin whose queries read fields it does not request, and some tests
  // need exactly such a plugin (one installed before its queries changed, say).
  const registryState = options.definition
    ? {
        nextId: 2,
        plugins: [
          {
            id: 1,
            definition: options.definition,
            enabled: false,
            v1AccessLevel: options.definition.oauth?.accessLevelV1Api ?? ('NONE' as const),
            installedAt: DEMO_NOW.toISOString(),
          },
        ],
      }
    : undefined;
  const sim = createSimulatorApp({
    randomSeed: 7,
    ...options,
    psVersion,
    clock,
    ...(registryState ? { registryState } : {}),
  });
  const installed = registryState
    ? { id: 1 }
    : await sim.platform.registry.install(await bundleFor(psVersion));
  const plugin = sim.platform.registry.enable(installed.id);
  const token = sim.platform.tokens.issue(plugin.id).access_token;
  const document = await (await sim.app.request('http://sim.test/__sim/openapi.json')).json();
  const checker = new AnswerChecker(document as ConstructorParameters<typeof AnswerChecker>[0]);
  const call: DemoSimulator['call'] = async (
    method,
    path,
    { body, token: given = token, headers = {} } = {},
  ) => {
    const init: RequestInit = { method, headers: { ...headers } };
    const allHeaders = init.headers as Record<string, string>;
    if (given) allHeaders.authorization = `Bearer ${given}`;
    if (body !== undefined) {
      allHeaders['content-type'] ??= 'application/json';
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const response = await sim.app.request(`http://sim.test${path}`, init);
    // Every answer of the suite is held to the document the simulator serves.
    await checkResponse(checker, method, path, response);
    return response;
  };
  const json: DemoSimulator['json'] = async (method, path, opts) => {
    const response = await call(method, path, opts);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the caller names the body type
    return { status: response.status, body: (await response.json()) as any };
  };
  return { ...sim, plugin, token, checker, call, json };
}

/** An attendance write body with one record per field map. */
export function attendanceBody(...records: Record<string, unknown>[]): object {
  return {
    name: 'attendance',
    record: records.map((attendance) => ({ name: 'attendance', tables: { attendance } })),
  };
}

/** The fields of a Meeting attendance record as a write sends them. */
export type MeetingFields = {
  studentid: string;
  att_date: string;
  schoolid: string;
  yearid: string;
  att_mode_code: string;
  attendance_codeid: string;
  ccid: string;
  periodid: string;
  start_time: number;
  end_time: number;
};

/** The demo's valid Meeting record (DEMO_FACTS.meetingRecord) on a date, as a write sends it. */
export function demoMeetingFields(date: string): MeetingFields {
  const m = DEMO_FACTS.meetingRecord;
  return {
    studentid: String(m.studentId),
    att_date: date,
    schoolid: '103',
    yearid: '36',
    att_mode_code: 'ATT_ModeMeeting',
    attendance_codeid: String(DEMO_FACTS.codes[103].current.tardy),
    ccid: String(m.ccid),
    periodid: String(m.periodId),
    start_time: m.start,
    end_time: m.end,
  };
}
