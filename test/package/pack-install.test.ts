/**
 * pswb as a package: compiled into a staging folder (the checkout's own dist/ is never written
 * while other tests run its bin), packed with npm pack, and installed into an empty project
 * without dev dependencies, where `npx pswb sim start` and `import ... from 'pswb/simulator'`
 * must both work, and the typed entry points must type-check. Its native SQLite addon is not
 * built there (see the install below).
 */
import { execFile, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const TSC = join(REPO, 'node_modules/typescript/bin/tsc');
const NPM_QUIET = ['--no-audit', '--no-fund', '--loglevel=error'];

let work: string;
let consumer: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'pswb-pack-'));
  const stage = join(work, 'stage');
  await mkdir(join(stage, 'docs'), { recursive: true });
  await run(process.execPath, [
    TSC,
    '-p',
    join(REPO, 'tsconfig.build.json'),
    '--outDir',
    join(stage, 'dist'),
  ]);
  for (const file of ['package.json', 'README.md', 'bin/pswb.mjs', 'docs/testing-with-pswb.md']) {
    await cp(join(REPO, file), join(stage, file), { recursive: true });
  }
  // --ignore-scripts: the staged dist/ is the build; prepare would compile again.
  await run('npm', ['pack', '--ignore-scripts', '--pack-destination', work, ...NPM_QUIET], {
    cwd: stage,
  });
  consumer = join(work, 'consumer');
  await mkdir(consumer);
  await writeFile(
    join(consumer, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  // --ignore-scripts: better-sqlite3's install script would fetch a prebuilt binary from GitHub
  // (unreachable from CI) and then compile for a minute; the simulator does not use it, and the
  // connector's log is tested in the checkout.
  const install = ['install', join(work, 'pswb-0.1.0.tgz'), '--prefer-offline', '--omit=dev'];
  await run('npm', [...install, '--ignore-scripts', ...NPM_QUIET], { cwd: consumer });
}, 120_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('pswb installed from its tarball into an empty project', () => {
  it('brings no tsx, TypeScript or test tools, and ships compiled JavaScript only', async () => {
    const installed = await readdir(join(consumer, 'node_modules'));
    for (const dev of ['tsx', 'typescript', 'vitest', 'vite', 'eslint']) {
      expect(installed).not.toContain(dev);
    }
    const shipped = await readdir(join(consumer, 'node_modules/pswb'));
    expect(shipped.sort()).toEqual(['README.md', 'bin', 'dist', 'docs', 'package.json']);
  });

  it('runs npx pswb --version', async () => {
    const { stdout } = await run('npx', ['pswb', '--version'], { cwd: consumer });
    expect(stdout.trim()).toBe('pswb 0.1.0');
  });

  it('runs pswb sim start: one ready line, a PowerSchool that answers, a clean stop', async () => {
    // The installed bin itself (what npx runs), so SIGTERM reaches the simulator, not npm.
    const bin = join(consumer, 'node_modules/.bin/pswb');
    const child = spawn(bin, ['sim', 'start', '--port', '0', '--no-data'], {
      cwd: consumer,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const ready = await new Promise<{ url: string }>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!) as { url: string });
      });
      child.once('exit', (code) =>
        reject(new Error(`sim start exited ${code} before it was ready`)),
      );
    });
    const metadata = await fetch(`${ready.url}/ws/v1/metadata`);
    expect(metadata.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it("imports startSimulator from 'pswb/simulator' and gets a token with the plugin's credentials", async () => {
    const script = join(consumer, 'use-simulator.mjs');
    await writeFile(
      script,
      `import { startSimulator } from 'pswb/simulator';
const sim = await startSimulator();
const { clientId, clientSecret } = sim.credentials;
const answer = await fetch(sim.url + '/oauth/access_token', {
  method: 'POST',
  headers: {
    authorization: 'Basic ' + Buffer.from(clientId + ':' + clientSecret).toString('base64'),
    'content-type': 'application/x-www-form-urlencoded',
  },
  body: 'grant_type=client_credentials',
});
console.log(answer.status);
await sim.stop();
`,
    );
    const { stdout } = await run(process.execPath, [script], { cwd: consumer });
    expect(stdout.trim()).toBe('200');
  });

  it('type-checks a consumer that imports the three entry points', async () => {
    const source = join(consumer, 'typed.ts');
    await writeFile(
      source,
      `import { startSimulator, type Simulator } from 'pswb/simulator';
import { createConnector, type Connector } from 'pswb/connector';
import { parsePsVersion } from 'pswb/plugin';
export async function use(): Promise<[Simulator, Connector, number]> {
  const sim = await startSimulator({ psVersion: '25.2.0.0' });
  const connector = createConnector({ baseUrl: sim.url, clientId: 'a', clientSecret: 'b' });
  return [sim, connector, parsePsVersion('25.2').parts.length];
}
`,
    );
    const flags = [
      '--noEmit',
      '--strict',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
    ];
    const types = [
      '--target',
      'es2022',
      '--types',
      'node',
      '--typeRoots',
      join(REPO, 'node_modules/@types'),
    ];
    const result = await run(process.execPath, [TSC, ...flags, ...types, source], {
      cwd: consumer,
    }).catch((error: { stdout: string }) => error);
    expect('stdout' in result ? result.stdout : '').toBe('');
  });
});
