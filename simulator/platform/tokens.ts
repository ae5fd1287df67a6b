/**
 * OAuth access tokens as PowerSchool hands them out (reference section 2): one token per plugin,
 * the same token returned until it expires, expires_in a STRING of the seconds left.
 */
import type { SimClock } from '../clock.ts';
import { createUuid, type RandomSource } from './random.ts';

/**
 * Inferred: PSDOCS says tokens last "about 30 days"; the exact lifetime is not public, so 30 days.
 * The reference's sample expires_in (1814654 s, about 21 days) fits a reused 30-day token.
 */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 30 * 24 * 60 * 60;

/** One issued token, as persisted. */
export interface StoredToken {
  token: string;
  pluginId: number;
  /** Epoch milliseconds on the simulator clock. */
  expiresAt: number;
}

/** The token store's persisted state. */
export interface TokenStoreState {
  tokens: StoredToken[];
}

/** The body of a successful POST /oauth/access_token. */
export interface AccessTokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: string;
}

export interface TokenStoreOptions {
  clock: SimClock;
  lifetimeSeconds?: number;
  state?: TokenStoreState;
  /** Draws token values from this source (seeded simulator); crypto UUIDs otherwise. */
  random?: RandomSource;
  /** Called after every change, for write-behind persistence. */
  onChange?: () => void;
}

/** Issues, verifies and revokes bearer tokens; expiry follows the simulator clock. */
export class TokenStore {
  readonly #clock: SimClock;
  readonly #lifetimeMs: number;
  readonly #random: RandomSource | undefined;
  readonly #onChange: (() => void) | undefined;
  /** token value -> record: verify() is one lookup. */
  readonly #byToken = new Map<string, StoredToken>();
  /** pluginId -> its current token: issue() reuses it while it is valid. */
  readonly #byPlugin = new Map<number, StoredToken>();

  constructor(options: TokenStoreOptions) {
    const lifetimeSeconds = options.lifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
    if (!Number.isFinite(lifetimeSeconds) || lifetimeSeconds <= 0) {
      throw new RangeError(
        `lifetimeSeconds must be a positive number of seconds; got ${lifetimeSeconds}.`,
      );
    }
    this.#clock = options.clock;
    this.#lifetimeMs = lifetimeSeconds * 1000;
    this.#random = options.random;
    this.#onChange = options.onChange;
    if (options.state) this.#load(options.state);
  }

  /** The plugin's current token if still valid, else a new one. */
  issue(pluginId: number): AccessTokenResponse {
    const now = this.#clock.nowMs();
    let current = this.#byPlugin.get(pluginId);
    if (!current || current.expiresAt <= now) {
      if (current) this.#byToken.delete(current.token);
      current = { token: createUuid(this.#random), pluginId, expiresAt: now + this.#lifetimeMs };
      this.#byToken.set(current.token, current);
      this.#byPlugin.set(pluginId, current);
      this.#onChange?.();
    }
    // Inferred: a reused token reports the time it has left, not a fresh lifetime.
    const secondsLeft = Math.max(0, Math.floor((current.expiresAt - now) / 1000));
    return { access_token: current.token, token_type: 'Bearer', expires_in: String(secondsLeft) };
  }

  /** The plugin id behind a token, or undefined when the token is unknown or expired. */
  verify(token: string): number | undefined {
    const record = this.#byToken.get(token);
    if (!record) return undefined;
    if (record.expiresAt <= this.#clock.nowMs()) return undefined;
    return record.pluginId;
  }

  /** Forgets the plugin's token (disable, delete, regenerated credentials). */
  revokePlugin(pluginId: number): void {
    const record = this.#byPlugin.get(pluginId);
    if (!record) return;
    this.#byPlugin.delete(pluginId);
    this.#byToken.delete(record.token);
    this.#onChange?.();
  }

  /** Forgets every token (every client must authenticate again). */
  revokeAll(): void {
    if (this.#byToken.size === 0) return;
    this.#byToken.clear();
    this.#byPlugin.clear();
    this.#onChange?.();
  }

  /** Replaces the whole state (snapshot restore). */
  restore(state: TokenStoreState): void {
    this.#byToken.clear();
    this.#byPlugin.clear();
    this.#load(state);
    this.#onChange?.();
  }

  /** The persisted state: expired tokens are left out. */
  toJSON(): TokenStoreState {
    const now = this.#clock.nowMs();
    const tokens = [...this.#byToken.values()]
      .filter((record) => record.expiresAt > now)
      .map((record) => ({ ...record }));
    return { tokens };
  }

  #load(state: TokenStoreState): void {
    for (const record of state.tokens) {
      const copy = { token: record.token, pluginId: record.pluginId, expiresAt: record.expiresAt };
      this.#byToken.set(copy.token, copy);
      this.#byPlugin.set(copy.pluginId, copy);
    }
  }
}
