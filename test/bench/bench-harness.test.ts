import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERDICTS } from '../../bench/figure.ts';
import { FIGURES } from '../../bench/harness.ts';
import { main } from '../../scripts/bench.ts';

/** Rows each figure reports, by figure id. */
const EXPECTED_ROWS: Record<string, string[]> = {
  '1': [
    'bare Hono route (the ceiling), 1,000 students',
    'meeting_interval write, 1,000 students',
    'DCID lookup (students_by_dcid), 1,000 students',
    'bare Hono route (the ceiling), 5,000 students',
    'meeting_interval write, 5,000 students',
    'DCID lookup (students_by_dcid), 5,000 students',
    'meeting_interval write: 5,000 vs 1,000 students',
    'DCID lookup (students_by_dcid): 5,000 vs 1,000 students',
  ],
  '2': ['seed time (generate + index), 5,000 students', 'peak resident memory, 5,000 students'],
  '3': ['HTTP requests per writeback, 60 events', 'writebacks/s end to end vs raw POSTs'],
  '4': ['bulk insert rate', 'one event (accept + attempt + final state', 'filtered query'],
  '5': ['bundle build', 'byte-identical'],
  '6': [
    'v1 student read (GET /ws/v1/student/{id}): simulator vs the fastest generic mock server',
    'daily_time write (POST /ws/attendance/daily_time): simulator vs the fastest generic mock server',
  ],
  R: ['100 events, 20% transient faults, 10% permanent errors'],
  W: [
    'events written per second, 1 worker(s) on PostgreSQL, 80 events',
    'events written per second, 2 worker(s) on PostgreSQL, 80 events',
    'events written per second, 4 worker(s) on PostgreSQL, 80 events',
    '4 workers vs 1 on PostgreSQL',
  ],
  D: [
    'proof run: events accepted (10 districts x 20 events',
    'proof run: events ended as planned',
    'proof run: records written twice',
    'proof run: events taken over from the killed workers',
    'proof run: wall time',
    'outage: the other 9 districts, accept to written',
    'outage: extra p99 delay of the other districts',
    'outage: the failing district during its outage',
    'outage: the failing district after it',
  ],
  Q: [
    'single-event POSTs accepted per second on PostgreSQL',
    'events accepted per second in batches of 500 on PostgreSQL',
    '202 to written with 10 districts flowing at once',
    'pswb serve --database peak resident memory',
  ],
};

let dir: string;
let out: string;
let exitCode: number;
let stdout = '';
let stderr = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pswb-bench-test-'));
  out = join(dir, 'benchmarks.md');
  exitCode = await main(['--quick', '--out', out], {
    stdout: (text) => void (stdout += `${text}\n`),
    stderr: (text) => void (stderr += `${text}\n`),
  });
}, 180_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The table's data rows as cells: "#  measure  measured  goal  ratio  verdict". */
function tableRows(): { id: string; line: string; verdict: string }[] {
  return stdout
    .split('\n')
    .slice(2)
    .filter((line) => line.trim() !== '')
    .map((line) => ({
      id: line.split(/\s+/)[0]!,
      line,
      verdict: VERDICTS.find((verdict) => line.trimEnd().endsWith(verdict)) ?? '',
    }));
}

describe('npm run bench -- --quick (the smoke run CI uses)', () => {
  it('exits 0 with no figure failing to run', () => {
    expect(stderr).not.toContain('failed:');
    expect(exitCode).toBe(0);
  });

  it('prints every figure the harness knows, and no other', () => {
    const ids = new Set(tableRows().map((row) => row.id));
    expect([...ids].sort()).toEqual(FIGURES.map((figure) => figure.id).sort());
  });

  it.each(Object.entries(EXPECTED_ROWS))('prints every row of figure %s', (id, measures) => {
    const rows = tableRows().filter((row) => row.id === id);
    expect(rows).toHaveLength(measures.length);
    measures.forEach((measure, index) => expect(rows[index]!.line).toContain(measure));
  });

  it('gives every row a verdict, and never "error"', () => {
    const rows = tableRows();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(VERDICTS).toContain(row.verdict);
      expect(row.verdict).not.toBe('error');
    }
  });

  it('writes the report with the command, the machine, the date and every figure', async () => {
    const doc = await readFile(out, 'utf8');
    expect(doc).toContain(`Command: \`npm run bench -- --quick --out ${out}\``);
    expect(doc).toMatch(/- Machine: \d+ cores \(.+\), [\d.]+ GiB memory, .+, Node v\d+\.\d+\.\d+/);
    expect(doc).toMatch(/- Date: \d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    expect(doc).toContain('**Quick run**');
    for (const figure of FIGURES) {
      expect(doc).toContain(`## ${figure.id}. ${figure.title}`);
      expect(doc).toContain(`Command: \`npm run bench -- --only ${figure.id}\``);
    }
    for (const measures of Object.values(EXPECTED_ROWS)) {
      for (const measure of measures) expect(doc).toContain(measure);
    }
  });

  it('prints and writes no credential (client ids, secrets and tokens are UUIDs)', async () => {
    const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
    expect(`${stdout}${stderr}`).not.toMatch(uuid);
    expect(await readFile(out, 'utf8')).not.toMatch(uuid);
  });
});

describe('npm run bench usage errors', () => {
  it.each([
    [
      ['--only', '9'],
      `--only takes figure ids from ${FIGURES.map((f) => f.id).join(', ')}; got "9".`,
    ],
    [['--bogus'], 'Valid options: --quick, --only, --out, --help.'],
  ])('exits 2 for %j and says what is valid', async (argv, message) => {
    let err = '';
    const code = await main(argv, { stdout: () => {}, stderr: (text) => void (err += text) });
    expect(code).toBe(2);
    expect(err).toContain(message);
    expect(err).toContain('npm run bench -- --help');
  });
});
