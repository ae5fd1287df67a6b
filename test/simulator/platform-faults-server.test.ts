import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness } from './platform-harness.ts';

/** Starts the harness app on a free loopback port. */
async function startServer(): Promise<
  { url: string; server: ServerType } & ReturnType<typeof createHarness>
> {
  const harness = createHarness();
  const server = await new Promise<ServerType>((resolve) => {
    const started = serve({ fetch: harness.app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(started),
    );
  });
  const { port } = server.address() as AddressInfo;
  return { ...harness, server, url: `http://127.0.0.1:${port}` };
}

/**
 * Closes the server. `force` also drops connections the client opened but never used (undici
 * may open one after an aborted request), which server.close() would otherwise wait out.
 */
function closeServer(server: ServerType, { force = false } = {}): Promise<void> {
  const closed = new Promise<void>((resolve, reject) =>
    server.close((error) => (error ? reject(error) : resolve())),
  );
  if (force && 'closeAllConnections' in server) server.closeAllConnections();
  return closed;
}

/** GETs a URL and reads the whole body, so the keep-alive connection is idle again. */
async function statusOf(url: string): Promise<number> {
  const response = await fetch(url);
  await response.arrayBuffer();
  return response.status;
}

async function addRule(url: string, rule: unknown): Promise<void> {
  const response = await fetch(`${url}/__sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(rule),
  });
  expect(response.status).toBe(201);
}

describe('faults on a real socket', () => {
  let running: Awaited<ReturnType<typeof startServer>> | undefined;
  afterEach(async () => {
    if (!running) return;
    running.platform.faults.releaseHung();
    await closeServer(running.server, { force: true });
    running = undefined;
  });

  it('resets the connection (the client sees a network error) and keeps serving', async () => {
    running = await startServer();
    await addRule(running.url, { path: '/ws/v1/time', action: { type: 'reset' }, times: 1 });
    const failure = await fetch(`${running.url}/ws/v1/time`).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(TypeError);
    expect(await statusOf(`${running.url}/ws/v1/time`)).toBe(200);
    const journal = (await (await fetch(`${running.url}/__sim/journal`)).json()) as {
      entries: { status: number; fault?: string }[];
    };
    expect(journal.entries.map((entry) => entry.status)).toEqual([200, 0]);
  });

  it('hangs until the client times out, then keeps serving', async () => {
    running = await startServer();
    await addRule(running.url, { path: '/ws/v1/time', action: { type: 'hang' }, times: 1 });
    const failure = await fetch(`${running.url}/ws/v1/time`, {
      signal: AbortSignal.timeout(150),
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect((failure as Error).name).toBe('TimeoutError');
    await expect.poll(() => running!.platform.faults.hungCount).toBe(0);
    expect(await statusOf(`${running.url}/ws/v1/time`)).toBe(200);
  });

  it('lets the server close while a request hangs once hung requests are released', async () => {
    running = await startServer();
    const { platform, server, url } = running;
    await addRule(url, { path: '/ws/v1/time', action: { type: 'hang' } });
    const pending = fetch(`${url}/ws/v1/time`).then(
      () => 'answered',
      () => 'reset',
    );
    await expect.poll(() => platform.faults.hungCount).toBe(1);
    const closed = closeServer(server);
    expect(platform.faults.releaseHung()).toBe(1);
    await closed;
    running = undefined;
    expect(await pending).toBe('reset');
  });
});
