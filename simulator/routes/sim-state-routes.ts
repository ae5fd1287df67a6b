/**
 * Control routes for the district state: /__sim/seed (what was loaded), /__sim/snapshot (read
 * the current district, or save it under a name) and /__sim/reset (back to the seed, a named
 * snapshot, or a district given in the body). Snapshots hold the district tables only: plugins,
 * credentials and tokens stay as they are, so a client keeps working across resets.
 */
import { Hono } from 'hono';
import { psError, renderPsError } from '../http/errors.ts';
import type { District } from '../district/district.ts';
import type { DistrictData } from '../district/schema.ts';
import { SeedValidationError, validateSeed } from '../district/seed-validation.ts';
import { readJsonBody, type BodyRules } from '../http/request-body.ts';
import { routeMounter } from '../http/route-spec.ts';
import { STATE_ROUTES } from './state-specs.ts';

/** POST /__sim/snapshot: `{"name"?}`, a few bytes. */
const SNAPSHOT_BODY: BodyRules = {
  what: 'the snapshot request',
  maxBytes: 64 * 1024,
  accept: 'json',
  hint: 'Send {"name": "before-test"}, or {} for the name "default".',
};

/**
 * POST /__sim/reset: `{}`, `{"snapshot"}` or a whole `{"district"}` (about 110 MB at 100,000
 * students). Inferred limit: a district of a million students still fits.
 */
const RESET_BODY: BodyRules = {
  what: 'the reset request',
  maxBytes: 512 * 1024 * 1024,
  accept: 'json',
  hint: 'Send {} to restore the seed, {"snapshot": name} for a saved snapshot, or {"district": ...} to load one.',
};

/** The body as an object; anything else is a 400 saying what to send. */
function asObject(body: unknown, rules: BodyRules): Record<string, unknown> {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    return body as Record<string, unknown>;
  }
  throw psError(
    400,
    `Invalid payload structure: ${rules.what} is a JSON object. ${rules.hint ?? ''}`.trim(),
  );
}

const SNAPSHOT_NAME = /^[A-Za-z0-9._-]{1,64}$/;

/** Named copies of the district, kept in memory for the life of the process. */
export class SnapshotStore {
  readonly #byName = new Map<string, { savedAt: string; data: DistrictData }>();

  /** Saves a deep copy of the district under a name (replacing one of the same name). */
  save(name: string, district: District, savedAt: string): void {
    this.#byName.set(name, { savedAt, data: structuredClone(district.toJSON()) });
  }

  /** A fresh copy of a snapshot's district, ready to load. */
  copyOf(name: string): DistrictData | undefined {
    const snapshot = this.#byName.get(name);
    return snapshot && structuredClone(snapshot.data);
  }

  /** Snapshot names and when each was saved. */
  list(): { name: string; savedAt: string }[] {
    return [...this.#byName].map(([name, { savedAt }]) => ({ name, savedAt }));
  }
}

export interface SimStateOptions {
  district: District;
  snapshots: SnapshotStore;
  /** The seed's name and a fresh copy of its district. */
  seed: { name: string; copy: () => DistrictData };
  now: () => Date;
}

/** /__sim/seed, /__sim/snapshot and /__sim/reset as one sub-app (mount at /__sim). */
export function simStateRoutes(options: SimStateOptions): Hono {
  const { district, snapshots, seed } = options;
  const app = new Hono();
  app.onError(renderPsError);
  const route = routeMounter(app, '/__sim', STATE_ROUTES);
  route('GET', '/__sim/seed', (c) => c.json({ seed: seed.name, summary: district.summary() }));
  route('GET', '/__sim/snapshot', (c) =>
    c.json({ seed: seed.name, snapshots: snapshots.list(), district: district.toJSON() }),
  );
  route('POST', '/__sim/snapshot', async (c) => {
    const body = asObject(await readJsonBody(c, SNAPSHOT_BODY), SNAPSHOT_BODY);
    const name = body.name ?? 'default';
    if (typeof name !== 'string' || !SNAPSHOT_NAME.test(name)) {
      throw psError(
        400,
        `Invalid snapshot name ${JSON.stringify(name)}: use 1-64 letters, digits, dots, dashes or underscores.`,
      );
    }
    const savedAt = options.now().toISOString();
    snapshots.save(name, district, savedAt);
    return c.json({ name, savedAt, summary: district.summary() }, 201);
  });
  route('POST', '/__sim/reset', async (c) => {
    const body = asObject(await readJsonBody(c, RESET_BODY), RESET_BODY);
    const restored = restore(options, body);
    return c.json({ restored, summary: district.summary() });
  });
  return app;
}

/** Loads the seed, a named snapshot or a given district; returns what was restored. */
function restore(
  options: SimStateOptions,
  body: { snapshot?: unknown; district?: unknown },
): string {
  const { district, snapshots, seed } = options;
  if (body.snapshot !== undefined && body.district !== undefined) {
    throw psError(
      400,
      'Send either "snapshot" (a saved name) or "district" (a whole district), not both; send {} to restore the seed.',
    );
  }
  if (body.snapshot !== undefined) {
    const data = typeof body.snapshot === 'string' ? snapshots.copyOf(body.snapshot) : undefined;
    if (!data) {
      const names = snapshots.list().map((s) => s.name);
      throw psError(
        404,
        `No snapshot named ${JSON.stringify(body.snapshot)}. Saved: ${names.join(', ') || 'none'} (POST /__sim/snapshot saves one).`,
      );
    }
    district.load(data);
    return `snapshot ${body.snapshot}`;
  }
  if (body.district !== undefined) {
    try {
      district.load(validateSeed(body.district, 'the district in the request'));
    } catch (error) {
      if (error instanceof SeedValidationError) {
        const details = error.problems
          .slice(0, 50)
          .map((p) => ({ field: p.path, code: 'InvalidValue', message: p.message }));
        throw psError(400, error.message, details);
      }
      throw error;
    }
    return 'district from request';
  }
  district.load(seed.copy());
  return `seed ${seed.name}`;
}
