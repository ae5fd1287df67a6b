#!/usr/bin/env node
// The `pswb` command. An installed package runs its compiled JavaScript (dist/). In a source
// checkout, dist/ is run when it is current (built after the last change to any source file);
// otherwise the TypeScript sources run through tsx, a dev dependency, so an edit needs no build.
// PSWB_FROM_SOURCE=1 runs the sources even when dist/ is current (and the start-up benchmark
// times both ways).
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = `${root}dist/scripts/pswb.js`;
// The folders compiled into dist/ (tsconfig.build.json's include).
const SOURCES = ['plugin', 'simulator', 'connector', 'contract', 'service', 'repro', 'scripts'];

/** The newest modification time of a .ts file under a folder, or 0 when it has none. */
function newestSource(dir) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function builtIsCurrent() {
  let builtAt;
  try {
    builtAt = statSync(built).mtimeMs;
  } catch {
    return false;
  }
  // An installed package ships no sources: its dist/ is the program.
  return SOURCES.every((folder) => newestSource(`${root}${folder}`) <= builtAt);
}

// A reader that stops early (`pswb writeback logs | head`) closes the pipe: stop quietly, as
// Unix tools do, instead of dying with an EPIPE stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

let main;
if (process.env.PSWB_FROM_SOURCE !== '1' && builtIsCurrent()) {
  ({ main } = await import(new URL('../dist/scripts/pswb.js', import.meta.url).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../scripts/pswb.ts'));
}
process.exitCode = await main(process.argv.slice(2));
