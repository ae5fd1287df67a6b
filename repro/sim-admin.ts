/**
 * What a PowerSchool administrator does under System Management > Server > Plugin
 * Configuration, done over the simulator's /__sim/plugins routes: install a bundle, enable or
 * disable it, read or change its Data Provider Configuration, regenerate its credentials. Also
 * the simulator's fault rules (/__sim/faults). Every call answers what the simulator answered;
 * the helpers that expect success throw with the simulator's own message otherwise.
 */
import type { V1AccessLevel } from '../plugin/index.ts';

/** A plugin as /__sim/plugins shows it (no secret). */
export interface SimPluginView {
  id: number;
  name: string;
  version: string;
  enabled: boolean;
  accessLevelV1Api: V1AccessLevel | null;
  clientId: string | null;
}

/** The Data Provider Configuration page: the one view that shows the secret. */
export interface DataProviderPage {
  pluginId: number;
  clientId: string;
  clientSecret: string;
  accessLevelV1Api: V1AccessLevel | null;
}

/** A raw answer of a control route. */
export interface SimAnswer {
  status: number;
  body: unknown;
}

/** A fault rule as /__sim/faults lists it, with its counters. */
export interface SimFaultRule {
  id: string;
  path: string;
  matched: number;
  hits: number;
  exhausted: boolean;
  action?: { type: string };
  sequence?: unknown[];
}

/** Thrown when a control route refuses what the caller expected to succeed. */
export class SimAdminError extends Error {
  override name = 'SimAdminError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The control routes of one simulator. */
export class SimulatorAdmin {
  readonly #baseUrl: string;

  constructor(baseUrl: string) {
    this.#baseUrl = baseUrl.replace(/\/+$/, '');
  }

  /** Any control call, answered as is. */
  async call(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: { json: unknown } | { bytes: Uint8Array; contentType: string },
  ): Promise<SimAnswer> {
    const headers: Record<string, string> = {};
    let payload: string | Uint8Array | undefined;
    if (body && 'json' in body) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body) {
      headers['content-type'] = body.contentType;
      payload = body.bytes;
    }
    const response = await fetch(`${this.#baseUrl}${path}`, { method, headers, body: payload });
    const text = await response.text();
    return { status: response.status, body: parseJson(text) };
  }

  /** Installs a bundle (zip bytes); the plugin starts disabled, as in PowerSchool. */
  async installBundle(bytes: Uint8Array): Promise<SimPluginView> {
    return this.#expect(
      201,
      'install the plugin',
      await this.call('POST', '/__sim/plugins', { bytes, contentType: 'application/zip' }),
    );
  }

  /** Ticks the Enable/Disable checkbox on. */
  async enablePlugin(id: number): Promise<SimPluginView> {
    return this.#expect(
      200,
      'enable the plugin',
      await this.call('POST', pluginPath(id, 'enable')),
    );
  }

  /** Ticks the Enable/Disable checkbox off: the plugin's tokens stop working. */
  async disablePlugin(id: number): Promise<SimPluginView> {
    return this.#expect(
      200,
      'disable the plugin',
      await this.call('POST', pluginPath(id, 'disable')),
    );
  }

  /** Opens Data Provider Configuration: Client ID, Client Secret, v1 access level. */
  async dataProvider(id: number): Promise<DataProviderPage> {
    return this.#expect(
      200,
      'open Data Provider Configuration',
      await this.call('GET', pluginPath(id, 'data-provider')),
    );
  }

  /** Sets "Access Level for v1 APIs" (PowerSchool 25.2.0.0 and later). */
  async setV1AccessLevel(id: number, level: V1AccessLevel): Promise<DataProviderPage> {
    return this.#expect(
      200,
      `set Access Level for v1 APIs to ${level}`,
      await this.call('PUT', pluginPath(id, 'data-provider'), {
        json: { accessLevelV1Api: level },
      }),
    );
  }

  /** The installed plugins. */
  async plugins(): Promise<SimPluginView[]> {
    const page = this.#expect<{ plugins: SimPluginView[] }>(
      200,
      'list the installed plugins',
      await this.call('GET', '/__sim/plugins'),
    );
    return page.plugins;
  }

  /** Adds fault rules (JSON form); returns them with their ids. */
  async addFaults(rules: readonly unknown[]): Promise<SimFaultRule[]> {
    const added = this.#expect<{ rules: SimFaultRule[] }>(
      201,
      'add fault rules',
      await this.call('POST', '/__sim/faults', { json: rules }),
    );
    return added.rules;
  }

  /** The fault rules with their hit counts. */
  async faults(): Promise<SimFaultRule[]> {
    const listed = this.#expect<{ rules: SimFaultRule[] }>(
      200,
      'list the fault rules',
      await this.call('GET', '/__sim/faults'),
    );
    return listed.rules;
  }

  /** Removes one fault rule. */
  async removeFault(id: string): Promise<void> {
    this.#expect(
      200,
      `remove fault rule ${id}`,
      await this.call('DELETE', `/__sim/faults/${encodeURIComponent(id)}`),
    );
  }

  /** Removes every fault rule. */
  async clearFaults(): Promise<void> {
    this.#expect(200, 'clear the fault rules', await this.call('DELETE', '/__sim/faults'));
  }

  #expect<T>(status: number, what: string, answer: SimAnswer): T {
    if (answer.status === status) return answer.body as T;
    throw new SimAdminError(
      answer.status,
      `The simulator refused to ${what} (HTTP ${answer.status}): ${describeRefusal(answer.body)}`,
    );
  }
}

/** The refusal's message and each listed problem's own message. */
function describeRefusal(body: unknown): string {
  if (typeof body !== 'object' || body === null) return JSON.stringify(body);
  const { message, errors } = body as { message?: unknown; errors?: unknown };
  const details = Array.isArray(errors)
    ? errors
        .map((error: unknown) => (error as { message?: unknown })?.message)
        .filter((text): text is string => typeof text === 'string')
    : [];
  const head = typeof message === 'string' ? message : JSON.stringify(body);
  return [head, ...details].join(' ');
}

function pluginPath(id: number, action: string): string {
  return `/__sim/plugins/${id}/${action}`;
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
