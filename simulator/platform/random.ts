/**
 * Seeded randomness for the platform: credentials, tokens and fault decisions are reproducible
 * when the simulator is started with a seed, so a failing test can be replayed exactly.
 */
import { randomUUID } from 'node:crypto';

/** A source of numbers in [0, 1), like Math.random. */
export type RandomSource = () => number;

/** mulberry32: a tiny, fast 32-bit PRNG; plenty for test determinism (not for real secrets). */
export function mulberry32(seed: number): RandomSource {
  let state = seed >>> 0;
  return function nextRandom(): number {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/** A version-4 UUID: from crypto when no source is given, else drawn from `random`. */
export function createUuid(random?: RandomSource): string {
  if (!random) return randomUUID();
  const bytes = new Uint8Array(16);
  for (let index = 0; index < bytes.length; index += 1) {
    bytes[index] = Math.floor(random() * 256) & 0xff;
  }
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A whole number from min to max inclusive. */
export function randomInteger(random: RandomSource, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}
