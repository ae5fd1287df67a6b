/**
 * The service's structured log: one JSON object per line (on stderr from `pswb serve`), one per
 * request and one per writeback outcome. Never a secret, an API key or a student name: a request
 * line has the method, the path without its query, the status, the time taken and the key's id.
 */
import type { MiddlewareHandler } from 'hono';

/** One log line. */
export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  [field: string]: unknown;
}

/** Writes each line as JSON with its time first. */
export function jsonLines(write: (text: string) => void): (line: LogLine) => void {
  return (line) => write(JSON.stringify({ time: new Date().toISOString(), ...line }));
}

/** Logs each request when its answer is ready. */
export function requestLog(log: (line: LogLine) => void): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const status = c.res.status;
    const key = (c.var as { apiKey?: { id?: string } }).apiKey?.id;
    log({
      level: status >= 500 ? 'error' : 'info',
      msg: 'request',
      method: c.req.method,
      path: c.req.path,
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      ...(key ? { key } : {}),
    });
  };
}
