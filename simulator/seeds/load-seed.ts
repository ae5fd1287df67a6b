/**
 * Where a district comes from: `demo`, `large` (with a student count) or a JSON seed file,
 * validated before use.
 */
import { readFile } from 'node:fs/promises';
import { validateSeed } from '../district/seed-validation.ts';
import type { DistrictData } from '../district/schema.ts';
import { buildDemoDistrict } from './demo.ts';
import { buildLargeDistrict } from './large.ts';

/** The built-in seeds `--seed` accepts besides a file path. */
export const BUILT_IN_SEEDS = ['demo', 'large'] as const;

/** A loaded seed: its name (demo, large, or the file path), the district, and fresh copies of it. */
export interface LoadedSeed {
  name: string;
  data: DistrictData;
  /** A new, unshared copy of the seed (for /__sim/reset after `data` has been written to). */
  rebuild: () => DistrictData;
}

/** Thrown when a seed file cannot be read or is not JSON. */
export class SeedFileError extends Error {
  override name = 'SeedFileError';
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
  if (seed === 'demo') {
    return {
      name: 'demo',
      data: validateSeed(buildDemoDistrict(), 'demo seed'),
      rebuild: buildDemoDistrict,
    };
  }
  if (seed === 'large') {
    // The large generator is trusted (tests validate it at a small size): zod over a million
    // rows would cost more than building them. Rebuilding is cheaper than keeping a copy.
    const build = (): DistrictData => buildLargeDistrict({ students: options.students });
    return { name: 'large', data: build(), rebuild: build };
  }
  let text: string;
  try {
    text = await readFile(seed, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
    throw new SeedFileError(
      `Cannot read seed "${seed}": ${reason}. Use demo, large or the path of a JSON seed file.`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SeedFileError(`Seed file ${seed} is not valid JSON: ${(error as Error).message}.`);
  }
  const data = validateSeed(json, `seed file ${seed}`);
  const pristine = structuredClone(data);
  return { name: seed, data, rebuild: () => structuredClone(pristine) };
}
