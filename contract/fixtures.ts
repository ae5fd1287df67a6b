/**
 * Fixtures: one JSON file per interaction holding a (redacted) request and response. The record
 * mode writes them from a real server; test/contract/fixtures/ ships ones made from the
 * reference's documented examples. Both are held to the same schemas.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { HTTP_METHODS } from './interaction.ts';

/** The file format of a fixture. */
export const fixtureSchema = z.strictObject({
  /** Where the response came from: a recorded server, or the reference (never mixed). */
  source: z.string().min(1),
  /** The interaction's name (interactions.ts), which decides the schema and status it must pass. */
  interaction: z.string().regex(/^[a-z0-9-]+$/),
  request: z.strictObject({
    method: z.enum(HTTP_METHODS),
    path: z.string().startsWith('/'),
    body: z.unknown().optional(),
  }),
  response: z.strictObject({
    status: z.number().int().min(100).max(599),
    headers: z.record(z.string(), z.string()),
    /** Absent when the answer had no body. */
    body: z.unknown().optional(),
  }),
});

export type Fixture = z.infer<typeof fixtureSchema>;

/** A redacted exchange as the runner hands it to a recorder. */
export type RecordedExchange = Omit<Fixture, 'source'>;

/** The file a fixture for `interaction` is stored in. */
export function fixtureFileName(interaction: string): string {
  return `${interaction}.json`;
}

/** A recorder that writes each exchange to `dir` as a fixture, creating the folder. */
export function createFixtureRecorder(
  dir: string,
  source: string,
): (exchange: RecordedExchange) => Promise<void> {
  let ready: Promise<unknown> | undefined;
  return async (exchange) => {
    ready ??= mkdir(dir, { recursive: true });
    await ready;
    const fixture: Fixture = { source, ...exchange };
    const path = join(dir, fixtureFileName(exchange.interaction));
    await writeFile(path, `${JSON.stringify(fixture, null, 2)}\n`);
  };
}

/** Reads and validates every *.json fixture in `dir`, sorted by file name. */
export async function readFixtures(dir: string): Promise<Fixture[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  return Promise.all(
    names.map(async (name) => {
      const parsed = fixtureSchema.safeParse(JSON.parse(await readFile(join(dir, name), 'utf8')));
      if (!parsed.success) {
        throw new Error(`${name} is not a contract fixture: ${parsed.error.message}`);
      }
      return parsed.data;
    }),
  );
}
