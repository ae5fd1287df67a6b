/**
 * Installed plugins, as System Management > Server > Plugin Configuration keeps them: install
 * from a bundle (validated by plugin/'s installer rules), enable, disable, delete, and the Data
 * Provider Configuration (client id and secret, v1 access level). Facts: reference sections 1-2.
 */
import { timingSafeEqual } from 'node:crypto';
import { readBundle } from '../../plugin/bundle-read.ts';
import type { V1AccessLevel } from '../../plugin/definition.ts';
import { PluginError } from '../../plugin/plugin-error.ts';
import { hasFeature, parsePsVersion } from '../../plugin/ps-version.ts';
import type { SimClock } from '../clock.ts';
import type { InstalledPlugin } from '../sim-env.ts';
import { createUuid, type RandomSource } from './random.ts';
import { SimulatorError } from '../simulator-error.ts';

/** One reason an upload was refused. */
export interface PluginViolation {
  where: string;
  message: string;
}

/** An upload PowerSchool would refuse: every violation found, or a name already installed. */
export class PluginInstallError extends SimulatorError {
  override name = 'PluginInstallError';
  constructor(
    readonly violations: PluginViolation[],
    /** "invalid": the bundle breaks the installer's rules; "duplicate": the name is taken. */
    readonly reason: 'invalid' | 'duplicate' = 'invalid',
  ) {
    super(
      'plugin_install_refused',
      `The plugin was not installed: ${violations.map((v) => `${v.where}: ${v.message}`).join('; ')}`,
    );
  }
}

/** Why an operation on an installed plugin was refused. */
export const PLUGIN_REFUSALS = [
  'not_found',
  'not_on_this_version',
  'no_oauth',
  'disabled',
] as const;
export type PluginRefusal = (typeof PLUGIN_REFUSALS)[number];

/** A refused operation (unknown id, a feature this server version lacks, ...); says what to do. */
export class PluginRegistryError extends SimulatorError {
  override name = 'PluginRegistryError';
  constructor(
    readonly reason: PluginRefusal,
    message: string,
  ) {
    super('plugin_registry_refused', message);
  }
}

/** The registry's persisted state. */
export interface PluginRegistryState {
  nextId: number;
  plugins: InstalledPlugin[];
}

export interface PluginRegistryOptions {
  clock: SimClock;
  psVersion: string;
  /** Draws credentials from this source (seeded simulator); crypto UUIDs otherwise. */
  random?: RandomSource;
  state?: PluginRegistryState;
  /** Called with the plugin id whenever its tokens must stop working (disable, delete, regenerate). */
  onAccessRevoked?: (pluginId: number) => void;
  /** Called after every change, for write-behind persistence. */
  onChange?: () => void;
}

/** The plugins installed on one simulated server. */
export class PluginRegistry {
  readonly psVersion: string;
  readonly #clock: SimClock;
  readonly #random: RandomSource | undefined;
  readonly #onAccessRevoked: ((pluginId: number) => void) | undefined;
  readonly #onChange: (() => void) | undefined;
  readonly #plugins = new Map<number, InstalledPlugin>();
  /** clientId -> plugin id: authenticate() is one lookup. */
  readonly #byClientId = new Map<string, number>();
  #nextId = 1;

  constructor(options: PluginRegistryOptions) {
    this.psVersion = parsePsVersion(options.psVersion).text;
    this.#clock = options.clock;
    this.#random = options.random;
    this.#onAccessRevoked = options.onAccessRevoked;
    this.#onChange = options.onChange;
    if (options.state) this.#load(options.state);
  }

  /**
   * Reads and validates a bundle (zip or plugin.xml) and installs it, disabled. As PowerSchool
   * does, only refusals stop the install; warnings and notes do not.
   */
  async install(bytes: Uint8Array): Promise<InstalledPlugin> {
    let definition;
    try {
      ({ definition } = await readBundle(bytes, { psVersion: this.psVersion }));
    } catch (error) {
      if (!(error instanceof PluginError)) throw error;
      const refusals = error.findings.filter((item) => item.level === 'refusal');
      const violations =
        refusals.length > 0 ? refusals : [{ where: 'plugin', message: error.message }];
      throw new PluginInstallError(violations.map(({ where, message }) => ({ where, message })));
    }
    const taken = this.list().find((plugin) => plugin.definition.name === definition.name);
    if (taken) {
      // Inferred: PowerSchool refuses a second plugin of the same name (names are unique on the
      // server, reference section 1); the admin updates or deletes the installed one.
      throw new PluginInstallError(
        [
          {
            where: 'plugin.xml <plugin name>',
            message: `a plugin named "${definition.name}" is already installed (id ${taken.id}); delete it first (DELETE /__sim/plugins/${taken.id}) or install under another name`,
          },
        ],
        'duplicate',
      );
    }
    const plugin: InstalledPlugin = {
      id: this.#nextId,
      definition,
      enabled: false,
      v1AccessLevel: definition.oauth?.accessLevelV1Api ?? 'NONE',
      installedAt: this.#clock.now().toISOString(),
    };
    this.#nextId += 1;
    this.#plugins.set(plugin.id, plugin);
    this.#onChange?.();
    return plugin;
  }

  /** Enables a plugin; the first enable of an `<oauth/>` plugin creates its client id and secret. */
  enable(id: number): InstalledPlugin {
    const plugin = this.require(id);
    if (plugin.enabled) return plugin;
    plugin.enabled = true;
    if (plugin.definition.oauth && !plugin.credentials) this.#issueCredentials(plugin);
    this.#onChange?.();
    return plugin;
  }

  /**
   * Disables a plugin: its tokens stop working. Inferred: the credentials are kept and work
   * again after a later enable (PowerSchool documents new ones only on regenerate and reinstall).
   */
  disable(id: number): InstalledPlugin {
    const plugin = this.require(id);
    if (!plugin.enabled) return plugin;
    plugin.enabled = false;
    this.#onAccessRevoked?.(id);
    this.#onChange?.();
    return plugin;
  }

  /** Deletes a plugin; a reinstall gets a new id and, on enable, new credentials. */
  remove(id: number): void {
    const plugin = this.require(id);
    if (plugin.credentials) this.#byClientId.delete(plugin.credentials.clientId);
    this.#plugins.delete(id);
    this.#onAccessRevoked?.(id);
    this.#onChange?.();
  }

  /** The plugin with that id, if installed. */
  get(id: number): InstalledPlugin | undefined {
    return this.#plugins.get(id);
  }

  /** Every installed plugin, by id. */
  list(): InstalledPlugin[] {
    return [...this.#plugins.values()];
  }

  /** The enabled `<oauth/>` plugin holding these credentials, or undefined. */
  authenticate(clientId: string, clientSecret: string): InstalledPlugin | undefined {
    const id = this.#byClientId.get(clientId);
    const plugin = id === undefined ? undefined : this.#plugins.get(id);
    if (!plugin?.enabled || !plugin.definition.oauth || !plugin.credentials) return undefined;
    return sameSecret(plugin.credentials.clientSecret, clientSecret) ? plugin : undefined;
  }

  /** Data Provider Configuration's "Access Level for v1 APIs" (25.2.0.0+ only). */
  setV1AccessLevel(id: number, level: V1AccessLevel): InstalledPlugin {
    const plugin = this.requireDataProvider(id);
    if (!hasFeature(this.psVersion, 'v1AccessLevel')) {
      throw new PluginRegistryError(
        'not_on_this_version',
        `PowerSchool ${this.psVersion} has no "Access Level for v1 APIs" setting: it came with 25.2.0.0, and before it every plugin may call /ws/v1. Start the simulator with --ps-version 25.2.0.0 or later to use it.`,
      );
    }
    plugin.v1AccessLevel = level;
    this.#onChange?.();
    return plugin;
  }

  /** "Regenerate Client ID and Secret" (21.11.2.0+): new credentials, old tokens revoked. */
  regenerateCredentials(id: number): InstalledPlugin {
    const plugin = this.requireDataProvider(id);
    if (!hasFeature(this.psVersion, 'regenerateCredentials')) {
      throw new PluginRegistryError(
        'not_on_this_version',
        `PowerSchool ${this.psVersion} has no "Regenerate Client ID and Secret" button: it came with 21.11.2.0. On this version delete the plugin and install it again to get new credentials.`,
      );
    }
    if (plugin.credentials) this.#byClientId.delete(plugin.credentials.clientId);
    this.#issueCredentials(plugin);
    this.#onAccessRevoked?.(id);
    this.#onChange?.();
    return plugin;
  }

  /** Replaces the whole state (snapshot restore). */
  restore(state: PluginRegistryState): void {
    this.#plugins.clear();
    this.#byClientId.clear();
    this.#load(state);
    this.#onChange?.();
  }

  /** The persisted state (a deep copy: later changes do not leak into it). */
  toJSON(): PluginRegistryState {
    return { nextId: this.#nextId, plugins: structuredClone(this.list()) };
  }

  #load(state: PluginRegistryState): void {
    for (const stored of structuredClone(state.plugins)) {
      this.#plugins.set(stored.id, stored);
      if (stored.credentials) this.#byClientId.set(stored.credentials.clientId, stored.id);
    }
    const highestId = Math.max(0, ...this.#plugins.keys());
    this.#nextId = Math.max(state.nextId, highestId + 1);
  }

  #issueCredentials(plugin: InstalledPlugin): void {
    plugin.credentials = {
      clientId: createUuid(this.#random),
      clientSecret: createUuid(this.#random),
    };
    this.#byClientId.set(plugin.credentials.clientId, plugin.id);
  }

  /** The plugin with that id; throws PluginRegistryError "not_found" naming the installed ids. */
  require(id: number): InstalledPlugin {
    const plugin = this.#plugins.get(id);
    if (plugin) return plugin;
    const ids = [...this.#plugins.keys()];
    throw new PluginRegistryError(
      'not_found',
      `No plugin with id ${id} is installed. ${ids.length ? `Installed ids: ${ids.join(', ')}.` : 'No plugin is installed.'} List them with GET /__sim/plugins.`,
    );
  }

  /**
   * The plugin, if its Data Provider Configuration page can be shown: it must declare
   * `<oauth/>` and be enabled; throws PluginRegistryError otherwise.
   */
  requireDataProvider(id: number): InstalledPlugin {
    const plugin = this.require(id);
    if (!plugin.definition.oauth) {
      throw new PluginRegistryError(
        'no_oauth',
        `Plugin ${id} ("${plugin.definition.name}") declares no <oauth/> in plugin.xml, so it has no Data Provider Configuration and no credentials.`,
      );
    }
    if (!plugin.enabled || !plugin.credentials) {
      // Inferred: the page is reached from an enabled plugin; the simulator asks to enable first.
      throw new PluginRegistryError(
        'disabled',
        `Plugin ${id} ("${plugin.definition.name}") is disabled: enable it first (POST /__sim/plugins/${id}/enable).`,
      );
    }
    return plugin;
  }
}

/** Compares secrets in constant time (no early exit that would leak how much matched). */
function sameSecret(expected: string, given: string): boolean {
  const left = Buffer.from(expected);
  const right = Buffer.from(given);
  return left.length === right.length && timingSafeEqual(left, right);
}
