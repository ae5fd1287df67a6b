/**
 * Where a district comes from: `demo`, `large` (with a student count) or a JSON seed file,
 * validated before use.
 */
import { readFile } from 'node:fs/promises';
import { validateSeed } from '../district/seed-validation.ts';
import type { DistrictData } from '../district/schema.ts';
import { buildDemoDistrict } from './demo.ts';
import { buildLargeDistrict } from './large.ts';
import { SimulatorError } from '../simulator-error.ts';

/** The built-in seeds `--seed` accepts besides a file path. */
export const BUILT_IN_SEEDS = ['demo', 'large'] as const;

/** Where a district comes from, not yet built: its name and fresh copies on demand. */
export interface SeedSource {
  name: string;
  /** A new, unshared copy of the seed (for /__sim/reset after the district has been written to). */
  rebuild: () => DistrictData;
}

/** A loaded seed: its source and the district built from it. */
export interface LoadedSeed extends SeedSource {
  data: DistrictData;
}

/** Thrown when a seed file cannot be read or is not JSON. */
export class SeedFileError extends SimulatorError {
  override name = 'SeedFileError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('seed_file_unreadable', message, options);
  }
}

export interface LoadSeedOptions {
  /** Students in the `large` seed. */
  students?: number;
}

/**
 * Loads `demo`, `large` or a JSON file. A file is validated (shape and referential integrity) and
 * refused with SeedValidationError listing the path of each bad value.
 */
export async function loadSeed(seed = 'demo', options: LoadSeedOptions = {}): Promise<LoadedSeed> {
  const source = await openSeed(seed, options);
  const data = source.rebuild();
  return { ...source, data: seed === 'demo' ? validateSeed(data, 'demo seed') : data };
}

/**
 * The seed's source without building its district (a resumed simulator needs only the way back
 * to its seed, for /__sim/reset). A file is read and validated here, so a bad one is refused at
 * start, not at the first reset.
 */
export async function openSeed(seed = 'demo', options: LoadSeedOptions = {}): Promise<SeedSource> {
  if (seed === 'demo') return { name: 'demo', rebuild: buildDemoDistrict };
  if (seed === 'large') {
    // The large generator is trusted (tests validate it at a small size): zod over a million
    // rows would cost more than building them. Rebuilding is cheaper than keeping a copy.
    return { name: 'large', rebuild: () => buildLargeDistrict({ students: options.students }) };
  }
  let text: string;
  try {
    text = await readFile(seed, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
    throw new SeedFileError(`Cannot read seed "${seed}": ${reason}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SeedFileError(`Seed file ${seed} is not valid JSON: ${(error as Error).message}.`);
  }
  const pristine = validateSeed(json, `seed file ${seed}`);
  return { name: seed, rebuild: () => structuredClone(pristine) };
}
