/**
 * Rewrites the golden plugin.xml files from the current contract. Run it on purpose, read the
 * diff, and commit it with the change that caused it:
 *   node bin/run-ts.mjs test/plugin/golden/regenerate.ts
 * The tests never call this: a test that regenerates its own golden proves nothing.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defaultPluginDefinition } from '../../../plugin/definition.ts';
import { renderPluginXml } from '../../../plugin/plugin-xml.ts';

/** The PowerSchool versions with a golden plugin.xml: one per accessLevelV1Api profile. */
export const GOLDEN_PS_VERSIONS = ['24.11.0.0', '25.2.0.0'] as const;

/** Where the golden plugin.xml of `psVersion` lives. */
export function goldenPath(psVersion: string): string {
  return fileURLToPath(new URL(`./plugin-${psVersion}.xml`, import.meta.url));
}

/** Writes every golden file; returns the exit code. */
export function main(): number {
  for (const psVersion of GOLDEN_PS_VERSIONS) {
    const path = goldenPath(psVersion);
    writeFileSync(path, renderPluginXml(defaultPluginDefinition({ psVersion })));
    console.log(`wrote ${path}`);
  }
  return 0;
}
