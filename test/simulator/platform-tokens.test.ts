import { describe, expect, it } from 'vitest';
import { SimClock } from '../../simulator/clock.ts';
import { mulberry32 } from '../../simulator/platform/random.ts';
import { TokenStore } from '../../simulator/platform/tokens.ts';

const START = new Date('2025-10-03T14:00:00Z');

function frozenClock(): SimClock {
  const clock = new SimClock();
  clock.set(START);
  return clock;
}

describe('TokenStore', () => {
  it('issues a Bearer token whose expires_in is a string of the lifetime in seconds', () => {
    const tokens = new TokenStore({ clock: frozenClock(), lifetimeSeconds: 3600 });
    const issued = tokens.issue(1);
    expect(issued.token_type).toBe('Bearer');
    expect(issued.expires_in).toBe('3600');
    expect(issued.access_token).toMatch(/^[0-9a-f-]{36}$/);
    expect(tokens.verify(issued.access_token)).toBe(1);
  });

  it('hands out the same token until it expires, counting down expires_in', () => {
    const clock = frozenClock();
    const tokens = new TokenStore({ clock, lifetimeSeconds: 3600 });
    const first = tokens.issue(1);
    clock.advance(600_000);
    const again = tokens.issue(1);
    expect(again.access_token).toBe(first.access_token);
    expect(again.expires_in).toBe('3000');
  });

  it('refuses an expired token and issues a new one after expiry, following the simulator clock', () => {
    const clock = frozenClock();
    const tokens = new TokenStore({ clock, lifetimeSeconds: 60 });
    const first = tokens.issue(1);
    clock.advance(60_000);
    expect(tokens.verify(first.access_token)).toBeUndefined();
    const second = tokens.issue(1);
    expect(second.access_token).not.toBe(first.access_token);
    expect(tokens.verify(second.access_token)).toBe(1);
  });

  it('gives each plugin its own token', () => {
    const tokens = new TokenStore({ clock: frozenClock() });
    const one = tokens.issue(1);
    const two = tokens.issue(2);
    expect(one.access_token).not.toBe(two.access_token);
    expect(tokens.verify(two.access_token)).toBe(2);
  });

  it('defaults to a 30-day lifetime', () => {
    const tokens = new TokenStore({ clock: frozenClock() });
    expect(tokens.issue(1).expires_in).toBe(String(30 * 24 * 3600));
  });

  it('revokes one plugin without touching another, and revokes all', () => {
    const tokens = new TokenStore({ clock: frozenClock() });
    const one = tokens.issue(1).access_token;
    const two = tokens.issue(2).access_token;
    tokens.revokePlugin(1);
    expect(tokens.verify(one)).toBeUndefined();
    expect(tokens.verify(two)).toBe(2);
    expect(tokens.issue(1).access_token).not.toBe(one);
    tokens.revokeAll();
    expect(tokens.verify(two)).toBeUndefined();
  });

  it('restores from toJSON, leaving expired tokens out', () => {
    const clock = frozenClock();
    const tokens = new TokenStore({ clock, lifetimeSeconds: 100 });
    const old = tokens.issue(1).access_token;
    clock.advance(50_000);
    const fresh = tokens.issue(2).access_token;
    clock.advance(60_000);
    const state = tokens.toJSON();
    expect(state.tokens.map((record) => record.pluginId)).toEqual([2]);
    const restored = new TokenStore({ clock, lifetimeSeconds: 100, state });
    expect(restored.verify(fresh)).toBe(2);
    expect(restored.verify(old)).toBeUndefined();
    expect(restored.issue(2).access_token).toBe(fresh);
  });

  it('draws the same tokens from the same seed', () => {
    const make = (): string =>
      new TokenStore({ clock: frozenClock(), random: mulberry32(42) }).issue(1).access_token;
    expect(make()).toBe(make());
    expect(make()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('refuses a lifetime that is not a positive number', () => {
    expect(() => new TokenStore({ clock: frozenClock(), lifetimeSeconds: 0 })).toThrow(
      /positive number of seconds/,
    );
  });
});
