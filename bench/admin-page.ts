/**
 * Figure P: the Writeback Logs page of `pswb serve` over a million-row log: the time to the first
 * byte of GET /admin/logs with a filter, as a signed-in district admin's browser asks for it,
 * p50 and p99 (goal: under 100 ms). The log is figure 4's (the same generator and insert path);
 * the service is the compiled CLI in its own process (--workers 0), asked one page at a time.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { WritebackStore } from '../connector/index.ts';
import type { BenchConfig } from './bench-config.ts';
import type { FigureResult, FigureRow } from './figure.ts';
import { verdictOf } from './figure.ts';
import { LogFiller } from './log-build.ts';
import { schoolDays } from './log-rows.ts';
import { withServe } from './service-ingest.ts';
import { formatMs, formatNumber, quantileOfSorted } from './stats.ts';

const GOAL_MS = 100;
const EMAIL = 'bench.admin@example.org';
const PASSWORD = 'bench password, long enough';

/** The filters timed: figure 4's combined one, the Failed view, and a building's month. */
function pagesToTime(): { name: string; query: string; goal: boolean }[] {
  const days = schoolDays();
  const from = days[100]!;
  const to = days[119]!;
  return [
    {
      name: `failed + building 105 + ${from}..${to} + name "thom"`,
      query: `?status=failed&school=105&from=${from}&to=${to}&search=thom`,
      goal: true,
    },
    { name: 'failed, newest first', query: '?status=failed', goal: true },
    {
      name: `building 105 + ${from}..${to}`,
      query: `?school=105&from=${from}&to=${to}`,
      goal: true,
    },
    { name: 'no filter, newest first', query: '', goal: false },
  ];
}

/** Signs in as a browser does (the form's token and cookie, then the POST); the session cookie. */
async function signIn(pool: Pool): Promise<string> {
  const form = await pool.request({ method: 'GET', path: '/login' });
  const html = await form.body.text();
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  const loginCookie = [form.headers['set-cookie']]
    .flat()
    .find((line) => line?.startsWith('pswb_login='));
  if (!token || !loginCookie) throw new Error('the sign-in page has no form token');
  const answer = await pool.request({
    method: 'POST',
    path: '/login',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: loginCookie.split(';')[0]!,
    },
    body: new URLSearchParams({ _csrf: token, email: EMAIL, password: PASSWORD }).toString(),
  });
  await answer.body.text();
  const session = [answer.headers['set-cookie']]
    .flat()
    .find((line) => line?.startsWith('pswb_session='));
  if (answer.statusCode !== 303 || !session)
    throw new Error(`sign-in answered ${answer.statusCode}`);
  return session.split(';')[0]!;
}

/** Runs figure P. */
export async function runAdminPage(
  config: BenchConfig,
  log: (line: string) => void,
): Promise<FigureResult> {
  const runs = config.quick ? 20 : 200;
  const dir = await mkdtemp(join(tmpdir(), 'pswb-bench-page-'));
  try {
    const dataDir = join(dir, 'data');
    await mkdir(dataDir, { recursive: true });
    const store = WritebackStore.openDataDir(dataDir);
    try {
      log(`figure P: building a ${formatNumber(config.logRows)}-row writeback log`);
      const filler = new LogFiller(store, config.logRows);
      while (filler.rows < config.logRows) {
        filler.bulk(Math.min(config.logChunkRows, config.logRows - filler.rows));
      }
      await store.users.add(
        { email: EMAIL, role: 'district_admin', password: PASSWORD },
        new Date(),
      );
    } finally {
      store.close();
    }
    const { result } = await withServe(dataDir, 0, async (url) => {
      const pool = new Pool(url, { connections: 1 });
      try {
        const cookie = await signIn(pool);
        return await timePages(pool, cookie, runs, log);
      } finally {
        await pool.close();
      }
    });
    const rows: FigureRow[] = result.map((page) => ({
      measure: `Writeback Logs page, ${page.name}, ${formatNumber(config.logRows)} rows: time to first byte`,
      measured: `p50 ${formatMs(page.p50)}, p99 ${formatMs(page.p99)} (${runs} requests; ${formatNumber(page.matched)} matching)`,
      goal: page.goal ? `p99 < ${GOAL_MS} ms` : '-',
      ...(page.goal ? { ratio: `${formatNumber(page.p99 / GOAL_MS, 2)}x the limit` } : {}),
      verdict: page.goal ? verdictOf(page.p99 < GOAL_MS) : 'reported',
    }));
    return {
      rows,
      details: [],
      notes: [
        `The log is figure 4's generator through WritebackStore.accept (${formatNumber(config.logRows)} rows over 180 school days, 40 buildings, 100,000 students, 8% Failed), in a data directory served by \`pswb serve --workers 0\` (compiled CLI, its own process).`,
        'Each request is what the browser sends for the page: GET /admin/logs with the filters in the query string and the session cookie; the time is from sending it to the response headers (the page is rendered whole before the headers go out, so this is the render time plus the round trip). One request at a time, after five unmeasured ones per filter.',
        "A page holds 50 rows and the total count of matching events (the count reads the filter's index; figure 4 times the same queries without HTTP or HTML).",
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function timePages(
  pool: Pool,
  cookie: string,
  runs: number,
  log: (line: string) => void,
): Promise<{ name: string; goal: boolean; p50: number; p99: number; matched: number }[]> {
  const results = [];
  for (const page of pagesToTime()) {
    log(`figure P: ${page.name}`);
    const durations: number[] = [];
    let matched = 0;
    for (let run = 0; run < runs + 5; run += 1) {
      const started = performance.now();
      const response = await pool.request({
        method: 'GET',
        path: `/admin/logs${page.query}`,
        headers: { cookie },
      });
      const firstByte = performance.now() - started;
      const html = await response.body.text();
      if (response.statusCode !== 200) throw new Error(`the page answered ${response.statusCode}`);
      matched = Number(/id="log-total">(\d+) event/.exec(html)?.[1] ?? 0);
      if (run >= 5) durations.push(firstByte);
    }
    const sorted = Float64Array.from(durations).sort();
    results.push({
      name: page.name,
      goal: page.goal,
      p50: quantileOfSorted(sorted, 0.5),
      p99: quantileOfSorted(sorted, 0.99),
      matched,
    });
  }
  return results;
}
