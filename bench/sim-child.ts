/**
 * The simulator as the benchmarks run it: in a child process of its own (its own core and heap,
 * so the load generator in the parent never competes with it), seeded with the large district,
 * serving on 127.0.0.1 port 0. Beside it, on the same server, a bare Hono route: the ceiling a
 * simulator route is compared with. Started by sim-process.ts; speaks to it over IPC only.
 *
 * Run: node --expose-gc bin/run-ts.mjs bench/sim-child.ts --students N --workload KIND
 */
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createSimulatorApp } from '../simulator/app.ts';
import { SimClock } from '../simulator/clock.ts';
import { installBundledPlugin } from '../simulator/server.ts';
import { loadSeed } from '../simulator/seeds/load-seed.ts';
import type { ChildReady, ParentMessage, SeedFigures, Workload } from './sim-protocol.ts';
import { BARE_PATH, WORKLOAD_KINDS } from './sim-protocol.ts';
import {
  BENCH_CLOCK,
  connectorEvents,
  connectorSchools,
  dailyWriteBodies,
  meetingWriteBodies,
  spreadDcids,
} from './workloads.ts';
import type { District } from '../simulator/district/district.ts';

function readArguments(argv: string[]): {
  students: number;
  workload: (typeof WORKLOAD_KINDS)[number];
  size: number;
} {
  const { values } = parseArgs({
    args: argv,
    options: {
      students: { type: 'string' },
      workload: { type: 'string' },
      size: { type: 'string' },
    },
  });
  const workload = WORKLOAD_KINDS.find((kind) => kind === values.workload);
  if (!workload) throw new Error(`--workload must be one of ${WORKLOAD_KINDS.join(', ')}`);
  return { students: Number(values.students), workload, size: Number(values.size ?? 0) };
}

function buildWorkload(district: District, kind: string, size: number): Workload {
  if (kind === 'throughput') {
    return {
      meetingWrites: meetingWriteBodies(district, size),
      dcids: spreadDcids(district, size),
    };
  }
  if (kind === 'compare') {
    return { dailyWrites: dailyWriteBodies(district, size), dcids: spreadDcids(district, size) };
  }
  if (kind === 'connector') {
    return { events: connectorEvents(district, size), schools: connectorSchools(district) };
  }
  return {};
}

function memoryFigures(): Pick<SeedFigures, 'rssBytes' | 'peakRssBytes' | 'heapUsedBytes'> {
  const collect = (globalThis as { gc?: () => void }).gc;
  collect?.();
  const usage = process.memoryUsage();
  return {
    rssBytes: usage.rss,
    // resourceUsage().maxRSS is in KiB: the peak, including the seed's transient garbage.
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    heapUsedBytes: usage.heapUsed,
  };
}

/** Seeds, serves, reports ready, then answers the parent until told to stop. */
export async function main(argv: string[]): Promise<number> {
  const options = readArguments(argv);
  const seedStarted = performance.now();
  const seed = await loadSeed('large', { students: options.students });
  const built = performance.now();
  const clock = new SimClock();
  clock.set(new Date(BENCH_CLOCK));
  const sim = createSimulatorApp({
    district: seed.data,
    seedName: seed.name,
    seedCopy: seed.rebuild,
    clock,
    randomSeed: 11,
    journalSize: 100_000,
  });
  const indexed = performance.now();
  const plugin = await installBundledPlugin(sim.platform);
  const figures: SeedFigures = {
    students: sim.district.summary().students,
    buildMs: built - seedStarted,
    indexMs: indexed - built,
    pluginMs: performance.now() - indexed,
    ...memoryFigures(),
  };
  const workload = buildWorkload(sim.district, options.workload, options.size);

  const bare = new Hono();
  bare.post(BARE_PATH, (c) => c.json({ ok: true }));
  bare.get(BARE_PATH, (c) => c.json({ ok: true }));
  const server = serve({
    fetch: (request: Request, env: unknown) =>
      request.url.endsWith(BARE_PATH) ? bare.fetch(request, env) : sim.app.fetch(request, env),
    port: 0,
    hostname: '127.0.0.1',
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const ready: ChildReady = {
    type: 'ready',
    url: `http://127.0.0.1:${port}`,
    clientId: plugin.credentials!.clientId,
    clientSecret: plugin.credentials!.clientSecret,
    seed: figures,
    workload,
  };
  process.send!(ready);
  await new Promise<void>((resolve) => {
    process.on('disconnect', resolve);
    process.on('message', (message: ParentMessage) => {
      if (message.type === 'stop') resolve();
      if (message.type === 'cpu') {
        process.send!({ type: 'cpu', id: message.id, usage: process.cpuUsage() });
      }
    });
  });
  server.close();
  if ('closeAllConnections' in server) server.closeAllConnections();
  process.exit(0);
}
