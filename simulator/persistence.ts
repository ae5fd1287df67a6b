/**
 * Write-behind persistence of the whole simulator state (district tables, installed plugins,
 * tokens) through lowdb: a private JSON file by default, lowdb's Memory adapter in tests. Changes
 * schedule one write after a short debounce; flush() writes now (shutdown, tests). A file that
 * cannot be read as a state is refused with a clear message and never overwritten.
 */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Low, Memory, type Adapter } from 'lowdb';
import { z } from 'zod';
import { validateSeed } from './district/seed-validation.ts';
import type { DistrictData } from './district/schema.ts';
import type { PluginRegistryState, TokenStoreState } from './platform/index.ts';
import { SimulatorError } from './simulator-error.ts';

/** What the data file holds. */
export interface SimulatorState {
  format: 'pswb-simulator-state';
  version: 1;
  savedAt: string;
  psVersion: string;
  /** The seed the district came from (demo, large, or a file path). */
  seed: string;
  district: DistrictData;
  registry: PluginRegistryState;
  tokens: TokenStoreState;
}

/** Thrown for a data file that exists but is not a readable simulator state. */
export class StateFileError extends SimulatorError {
  override name = 'StateFileError';
  constructor(message: string, options: { fix?: string; cause?: unknown } = {}) {
    super('state_file_unreadable', message, options);
  }
}

const stateEnvelopeSchema = z.object({
  format: z.literal('pswb-simulator-state'),
  version: z.literal(1),
  savedAt: z.string(),
  psVersion: z.string(),
  seed: z.string(),
  district: z.unknown(),
  registry: z.object({
    nextId: z.number().int(),
    plugins: z.array(z.object({ id: z.number().int() }).loose()),
  }),
  tokens: z.object({
    tokens: z.array(z.object({ token: z.string(), pluginId: z.number(), expiresAt: z.number() })),
  }),
});

/**
 * lowdb adapter for a JSON file that holds secrets: written to a temporary file created 0600
 * then renamed over the target (atomic, never world-readable). lowdb's JSONFile writes with the
 * default mode, which would expose client secrets.
 */
export class PrivateJsonFile implements Adapter<SimulatorState> {
  constructor(readonly path: string) {}

  async read(): Promise<SimulatorState | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new StateFileError(`Cannot read data file ${this.path}: ${(error as Error).message}.`);
    }
    if (text.trim() === '') return null;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new StateFileError(
        refusal(this.path, `it is not valid JSON (${(error as Error).message})`),
      );
    }
    return checkState(json, this.path);
  }

  async write(state: SimulatorState): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(state), { mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, this.path);
  }
}

function refusal(path: string, reason: string): string {
  return `Data file ${path} is not a simulator state: ${reason}.`;
}

/** Validates a parsed state (envelope and district); throws StateFileError naming what is wrong. */
export function checkState(json: unknown, path = 'state'): SimulatorState {
  const envelope = stateEnvelopeSchema.safeParse(json);
  if (!envelope.success) {
    const first = envelope.error.issues[0];
    throw new StateFileError(
      refusal(
        path,
        `${first?.path.join('.') || '(root)'}: ${first?.message ?? 'unexpected shape'}`,
      ),
    );
  }
  try {
    const district = validateSeed(envelope.data.district, `the district in ${path}`);
    return { ...(envelope.data as unknown as SimulatorState), district };
  } catch (error) {
    throw new StateFileError(refusal(path, (error as Error).message));
  }
}

export interface StateStoreOptions {
  /** Where the state goes: PrivateJsonFile for a file, `new Memory()` in tests. */
  adapter: Adapter<SimulatorState>;
  /** Gathers the current state when a write happens. */
  collect: () => SimulatorState;
  /** Quiet time before a scheduled write (ms). */
  debounceMs?: number;
}

/** Debounced write-behind over a lowdb database. */
export class StateStore {
  readonly #db: Low<SimulatorState | null>;
  readonly #collect: () => SimulatorState;
  readonly #debounceMs: number;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  #dirty = false;

  constructor(options: StateStoreOptions) {
    this.#db = new Low<SimulatorState | null>(
      options.adapter as Adapter<SimulatorState | null>,
      null,
    );
    this.#collect = options.collect;
    this.#debounceMs = options.debounceMs ?? 200;
  }

  /** Reads the stored state (null when there is none yet). */
  async read(): Promise<SimulatorState | null> {
    await this.#db.read();
    return this.#db.data;
  }

  /** Marks the state changed; one write follows after the debounce. */
  schedule(): void {
    this.#dirty = true;
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#writeNow().catch((error: unknown) =>
        console.error('[simulator] state write failed:', error),
      );
    }, this.#debounceMs);
    this.#timer.unref();
  }

  /** Writes any pending change now and waits for it. */
  async flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    await this.#writeNow();
  }

  /** The last state written (Memory adapter tests read it here). */
  get written(): SimulatorState | null {
    return this.#db.data;
  }

  #writeNow(): Promise<void> {
    // Writes run one after another: a write that starts while another runs waits for it.
    this.#writing = this.#writing
      .catch(() => undefined)
      .then(async () => {
        if (!this.#dirty) return;
        this.#dirty = false;
        this.#db.data = this.#collect();
        await this.#db.write();
      });
    return this.#writing;
  }
}

export { Memory };
