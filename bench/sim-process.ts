/**
 * Starts the simulator child (sim-child.ts) and talks to it: waits for its ready report, asks
 * for its CPU time around a measurement, and stops it. The child is killed if it does not
 * answer in time, so a benchmark run always ends.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ChildReady, ParentMessage, WorkloadKind } from './sim-protocol.ts';

const RUN_TS = fileURLToPath(new URL('../bin/run-ts.mjs', import.meta.url));
const CHILD_ENTRY = fileURLToPath(new URL('./sim-child.ts', import.meta.url));
const READY_TIMEOUT_MS = 120_000;

/** What to start: the district size and the workload the child derives from it. */
export interface SimChildOptions {
  students: number;
  workload: WorkloadKind;
  /** How many writes, DCIDs or events the workload holds. */
  size?: number;
}

/** A running simulator child. */
export interface SimChild extends ChildReady {
  /** The child's CPU seconds (user + system) so far. */
  cpuSeconds(): Promise<number>;
  stop(): Promise<void>;
}

/** Forks the child and resolves once it listens. */
export async function startSimChild(options: SimChildOptions): Promise<SimChild> {
  const args = [
    CHILD_ENTRY,
    '--students',
    String(options.students),
    '--workload',
    options.workload,
    '--size',
    String(options.size ?? 0),
  ];
  // --expose-gc: the child reports its resident memory after a full collection.
  const child = fork(RUN_TS, args, {
    execArgv: ['--expose-gc', '--max-old-space-size=4096'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const ready = await waitForReady(child, () => stderr);
  let nextId = 0;
  return {
    ...ready,
    cpuSeconds: () => askCpu(child, (nextId += 1)),
    stop: () => stopChild(child),
  };
}

function waitForReady(child: ChildProcess, stderr: () => string): Promise<ChildReady> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the simulator child was not ready within ${READY_TIMEOUT_MS} ms`));
    }, READY_TIMEOUT_MS);
    const onMessage = (message: ChildMessage): void => {
      if (message.type !== 'ready') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the simulator child exited (code ${code}) before ready: ${stderr()}`));
    });
  });
}

function askCpu(child: ChildProcess, id: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the simulator child did not report CPU')),
      10_000,
    );
    const onMessage = (message: ChildMessage): void => {
      if (message.type !== 'cpu' || message.id !== id) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve((message.usage.user + message.usage.system) / 1e6);
    };
    child.on('message', onMessage);
    child.send({ type: 'cpu', id } satisfies ParentMessage);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (child.connected) child.send({ type: 'stop' } satisfies ParentMessage);
    else child.kill('SIGTERM');
  });
}
