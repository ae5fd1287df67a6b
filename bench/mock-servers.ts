/**
 * The generic mock servers figure 6 compares the simulator with, each serving canned answers of
 * the simulator's own answers on the same two paths: Prism 5.14 (from an OpenAPI document, quiet
 * logging), the Mockoon CLI 9.9 (from a Mockoon environment) and json-server 0.17 (a db of the
 * same items, routes rewritten to it). They are dev dependencies of the benchmark only, in
 * bench/mock-servers/ (`npm ci --prefix bench/mock-servers`), and listen on 127.0.0.1 only.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the mock servers are installed. */
export const MOCK_SERVERS_DIR = fileURLToPath(new URL('./mock-servers/', import.meta.url));

/** The mock servers compared, by name. */
export const MOCK_SERVERS = ['Prism 5.14', 'Mockoon CLI 9.9', 'json-server 0.17'] as const;
export type MockServerName = (typeof MOCK_SERVERS)[number];

/** What every mock serves: the simulator's own answers, captured from it. */
export interface CannedAnswers {
  /** Student DCIDs the read path takes (json-server needs an item for each). */
  dcids: readonly number[];
  /** The simulator's answer to GET /ws/v1/student/{dcid}. */
  read: unknown;
  /** The simulator's answer to POST /ws/attendance/daily_time. */
  write: unknown;
}

/** A running mock server. */
export interface RunningMock {
  name: MockServerName;
  url: string;
  /** The server's CPU seconds (user + system) so far. */
  cpuSeconds(): Promise<number>;
  stop(): Promise<void>;
}

/** Clock ticks per second of /proc/<pid>/stat (getconf CLK_TCK; 100 on Linux). */
let ticksPerSecond: number | undefined;

/** A process's CPU seconds (user + system) from /proc (Linux), for a server not run by us. */
export async function processCpuSeconds(pid: number): Promise<number> {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces, closed by the last ")").
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** True when bench/mock-servers/node_modules holds the servers and autocannon. */
export function mockServersInstalled(): boolean {
  return ['@stoplight/prism-cli', '@mockoon/cli', 'json-server', 'autocannon'].every((name) =>
    existsSync(join(MOCK_SERVERS_DIR, 'node_modules', name, 'package.json')),
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function openApiOf(answers: CannedAnswers): object {
  const json = (example: unknown) => ({ 'application/json': { example } });
  return {
    openapi: '3.0.3',
    info: { title: 'canned PowerSchool answers', version: '1' },
    paths: {
      '/ws/v1/student/{id}': {
        get: {
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { 200: { description: 'a student', content: json(answers.read) } },
        },
      },
      '/ws/attendance/daily_time': {
        post: {
          requestBody: { content: { 'application/json': { schema: { type: 'object' } } } },
          responses: { 200: { description: 'the results', content: json(answers.write) } },
        },
      },
    },
  };
}

function mockoonRoute(method: string, endpoint: string, body: unknown): object {
  return {
    uuid: randomUUID(),
    type: 'http',
    documentation: '',
    method,
    endpoint,
    responses: [
      {
        uuid: randomUUID(),
        body: JSON.stringify(body),
        latency: 0,
        statusCode: 200,
        label: '',
        headers: [{ key: 'Content-Type', value: 'application/json' }],
        bodyType: 'INLINE',
        filePath: '',
        databucketID: '',
        sendFileAsBody: false,
        rules: [],
        rulesOperator: 'OR',
        disableTemplating: true,
        fallbackTo404: false,
        default: true,
        crudKey: 'id',
        callbacks: [],
      },
    ],
    responseMode: null,
    streamingMode: null,
    streamingInterval: 0,
  };
}

/** A Mockoon environment (the form @mockoon/commons 9.9 BuildEnvironment writes). */
function mockoonEnvironment(answers: CannedAnswers, port: number): object {
  const routes = [
    mockoonRoute('get', 'ws/v1/student/:id', answers.read),
    mockoonRoute('post', 'ws/attendance/daily_time', answers.write),
  ] as { uuid: string }[];
  return {
    uuid: randomUUID(),
    lastMigration: 33,
    name: 'canned PowerSchool answers',
    endpointPrefix: '',
    latency: 0,
    port,
    hostname: '127.0.0.1',
    folders: [],
    routes,
    rootChildren: routes.map((route) => ({ type: 'route', uuid: route.uuid })),
    proxyMode: false,
    proxyHost: '',
    proxyRemovePrefix: false,
    tlsOptions: {
      enabled: false,
      type: 'CERT',
      pfxPath: '',
      certPath: '',
      keyPath: '',
      caPath: '',
      passphrase: '',
    },
    cors: true,
    headers: [],
    proxyReqHeaders: [{ key: '', value: '' }],
    proxyResHeaders: [{ key: '', value: '' }],
    data: [],
    callbacks: [],
  };
}

/** json-server's db: one item per DCID holding the read answer, and the write collection. */
function jsonServerDb(answers: CannedAnswers): string {
  const items = answers.dcids.map((id) => ({ ...(answers.read as object), id }));
  return `module.exports = () => (${JSON.stringify({ students: items, writes: [] })});\n`;
}

const bin = (...parts: string[]): string => join(MOCK_SERVERS_DIR, 'node_modules', ...parts);

/** The command line of each server. */
function commandOf(name: MockServerName, dir: string, port: number): string[] {
  const host = '127.0.0.1';
  if (name === 'Prism 5.14') {
    return [
      bin('@stoplight/prism-cli', 'dist', 'index.js'),
      'mock',
      join(dir, 'openapi.json'),
      '-p',
      String(port),
      '-h',
      host,
      '-v',
      'silent',
    ];
  }
  if (name === 'Mockoon CLI 9.9') {
    return [
      bin('@mockoon/cli', 'bin', 'run.js'),
      'start',
      '--data',
      join(dir, 'mockoon.json'),
      '--port',
      String(port),
      '--hostname',
      host,
      '--disable-log-to-file',
    ];
  }
  return [
    bin('json-server', 'lib', 'cli', 'bin.js'),
    join(dir, 'db.js'),
    '--routes',
    join(dir, 'routes.json'),
    '--port',
    String(port),
    '--host',
    host,
    '--quiet',
  ];
}

async function waitForAnswer(url: string, child: ChildProcess, name: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited (code ${child.exitCode}) before answering`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`${name} did not answer within 60 s`);
}

/** Writes the servers' files and starts all three; stop() ends them and removes the files. */
export async function startMockServers(
  answers: CannedAnswers,
): Promise<{ mocks: RunningMock[]; stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'pswb-mocks-'));
  const ports = [await freePort(), await freePort(), await freePort()];
  await writeFile(join(dir, 'openapi.json'), JSON.stringify(openApiOf(answers)));
  await writeFile(
    join(dir, 'mockoon.json'),
    JSON.stringify(mockoonEnvironment(answers, ports[1]!)),
  );
  await writeFile(join(dir, 'db.js'), jsonServerDb(answers));
  await writeFile(
    join(dir, 'routes.json'),
    JSON.stringify({
      '/ws/v1/student/:id': '/students/:id',
      '/ws/attendance/daily_time': '/writes',
    }),
  );
  const mocks: RunningMock[] = [];
  const children: ChildProcess[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(mocks.map((mock) => mock.stop()));
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const [index, name] of MOCK_SERVERS.entries()) {
      const port = ports[index]!;
      const child = spawn(process.execPath, commandOf(name, dir, port), { stdio: 'ignore' });
      children.push(child);
      const url = `http://127.0.0.1:${port}`;
      await waitForAnswer(`${url}/ws/v1/student/${answers.dcids[0]}`, child, name);
      const pid = child.pid!;
      mocks.push({
        name,
        url,
        cpuSeconds: () => processCpuSeconds(pid),
        stop: () => stopChild(child),
      });
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  return { mocks, stop: stopAll };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
