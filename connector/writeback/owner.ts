/**
 * Who holds a claim: claimed events carry an owner tag host/pid/runner, so an event left
 * "sending" by a process that died can be told from one a live run is still sending.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/** Runners alive in this process, so a same-process claim is never taken for a dead one. */
const LIVE_RUNNERS = new Set<string>();

/** Builds the owner tag written on claimed events: host/pid/runner. */
export function newOwnerTag(): { tag: string; retire: () => void } {
  const runner = randomUUID();
  LIVE_RUNNERS.add(runner);
  return {
    tag: `${hostname()}/${process.pid}/${runner}`,
    retire: () => LIVE_RUNNERS.delete(runner),
  };
}

/** True unless the owner is known to be gone (a dead pid on this host, or a retired runner). */
export function isOwnerAlive(owner: string | null): boolean {
  if (!owner) return false;
  const [host, pidText, runner] = owner.split('/');
  if (host !== hostname()) return true;
  const pid = Number(pidText);
  if (pid === process.pid) return runner !== undefined && LIVE_RUNNERS.has(runner);
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
