/**
 * journalRequests (the outermost middleware) and /__sim/journal (read and clear it).
 * Control routes (/__sim/*) are not journaled: the journal shows PowerSchool traffic only.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { psError, renderPsError } from '../http/errors.ts';
import { isStatusFilter, redactQuery, type JournalFilter, type JournalRecord } from './journal.ts';
import { routeMounter } from '../http/route-spec.ts';
import type { Platform, PlatformEnv } from './platform.ts';
import { PLATFORM_CONTROL_ROUTES } from './platform-specs.ts';

/** Records every non-control request: method, path, token-free query, status, duration. */
export function journalRequests(platform: Platform): MiddlewareHandler<PlatformEnv> {
  return async function recordInJournal(c, next) {
    const path = c.req.path;
    if (path.startsWith('/__sim/') || path === '/__sim') return next();
    const atMs = platform.journal.now();
    const started = performance.now();
    let failed = false;
    try {
      await next();
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      const url = c.req.url;
      const queryStart = url.indexOf('?');
      const plugin = c.get('plugin');
      const fault = c.get('simFault');
      const entry: JournalRecord = {
        atMs,
        method: c.req.method,
        path,
        query: queryStart === -1 ? '' : redactQuery(url.slice(queryStart + 1)),
        status: c.get('simDropped') ? 0 : failed ? 500 : c.res.status,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
      };
      // Set only when present (no spread of a throwaway object on every request).
      if (plugin) entry.pluginId = plugin.id;
      if (fault) entry.fault = fault;
      platform.journal.record(entry);
    }
  };
}

/** The journal routes as a sub-app (mount at /__sim/journal). */
export function journalRoutes(platform: Platform): Hono {
  const app = new Hono();
  app.onError(renderPsError);
  const route = routeMounter(app, '/__sim/journal', PLATFORM_CONTROL_ROUTES);
  route('GET', '/__sim/journal', (c) => {
    const filter = readFilter(c.req.query(), platform.journal.capacity);
    const entries = platform.journal.list(filter);
    return c.json({ entries, size: platform.journal.size, capacity: platform.journal.capacity });
  });
  route('DELETE', '/__sim/journal', (c) => c.json({ cleared: platform.journal.clear() }));
  return app;
}

function readFilter(query: Record<string, string>, capacity: number): JournalFilter {
  const filter: JournalFilter = {};
  if (query.path) filter.path = query.path;
  if (query.method) filter.method = query.method;
  if (query.status !== undefined) {
    if (!isStatusFilter(query.status)) {
      throw psError(
        400,
        `status "${query.status}" is not a status filter: give a code such as 404 or a class such as 4xx.`,
      );
    }
    filter.status = query.status;
  }
  if (query.limit !== undefined) {
    const limit = Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > capacity) {
      throw psError(
        400,
        `limit "${query.limit}" is not valid: give a whole number from 1 to ${capacity}.`,
      );
    }
    filter.limit = limit;
  }
  return filter;
}
