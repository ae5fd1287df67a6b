import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Facts, WriteMode } from '../../contract/facts.ts';
import { createFixtureRecorder, readFixtures, type Fixture } from '../../contract/fixtures.ts';
import { contractInteractions, readInteractions } from '../../contract/interactions.ts';
import { formatSummary } from '../../contract/report.ts';
import { runContract, type RunOptions, type RunResult } from '../../contract/runner.ts';
import {
  MOCK_CREDENTIALS,
  MOCK_ORIGIN,
  fixtureAgent,
  shippedFixtures,
  withBody,
} from './fixture-server.ts';

let fixtures: Map<string, Fixture>;
beforeAll(async () => {
  fixtures = await shippedFixtures();
});

/** The shipped fixtures with some replaced. */
function fixturesWith(...replacements: Fixture[]): Map<string, Fixture> {
  const map = new Map(fixtures);
  for (const replacement of replacements) map.set(replacement.interaction, replacement);
  return map;
}

function fixture(name: string): Fixture {
  const found = fixtures.get(name);
  if (!found) throw new Error(`no shipped fixture ${name}`);
  return found;
}

const WRITE_PINS: Partial<Facts> = {
  testStudentDcid: 4321,
  testSchoolNumber: '100',
  codeId: 501,
  attDate: '2025-10-29',
};

async function runMocked(
  options: Partial<RunOptions> & { answers?: Map<string, Fixture>; writeMode?: WriteMode } = {},
): Promise<{ run: RunResult; lines: string[] }> {
  const interactions =
    options.interactions ??
    contractInteractions(options.writeMode ? { writeMode: options.writeMode } : {});
  const lines: string[] = [];
  const run = await runContract({
    baseUrl: MOCK_ORIGIN,
    credentials: MOCK_CREDENTIALS,
    dispatcher: fixtureAgent(interactions, options.answers ?? fixtures),
    print: (line) => lines.push(line),
    ...options,
    interactions,
  });
  return { run, lines };
}

describe('the runner against answers made from the shipped fixtures', () => {
  it('passes every read-only interaction and prints one line for each', async () => {
    const { run, lines } = await runMocked();
    expect(run.failed).toBe(0);
    expect(run.skipped).toBe(0);
    expect(run.passed).toBe(readInteractions().length);
    expect(lines).toHaveLength(run.results.length);
    expect(lines[0]).toMatch(
      /^PASS {2}GET \/ws\/v1\/metadata {2}200 {2}\d+ms {2}metadata answers without a token$/,
    );
    expect(formatSummary(run)).toBe(`contract: ${run.passed} passed, 0 failed`);
  });

  it('takes its school, student and year from earlier answers', async () => {
    const { run } = await runMocked();
    expect(run.facts).toMatchObject({
      districtTimezone: 'America/Chicago',
      schoolDcid: 6,
      schoolNumber: '100',
      studentDcid: 4321,
      studentId: 1234,
      yearid: 35,
    });
  });

  it('fails with "expires_in: expected string, got number" and still runs the rest', async () => {
    const numeric = withBody(fixture('access-token'), (body) => (body.expires_in = 1814654));
    const { run, lines } = await runMocked({ answers: fixturesWith(numeric) });
    expect(run.failed).toBe(1);
    expect(run.skipped).toBe(0);
    const failure = lines.find((line) => line.startsWith('FAIL'));
    expect(failure).toMatch(
      /^FAIL {2}POST \/oauth\/access_token {2}200 {2}\d+ms {2}.*: expires_in: expected string, got number$/,
    );
    expect(formatSummary(run)).toBe(`contract: ${run.passed} passed, 1 failed`);
  });

  it('fails a one-student page that comes back as a one-item array (the quirk)', async () => {
    const arrayed = withBody(fixture('students-page'), (body) => {
      const students = body.students as { student: unknown };
      students.student = [students.student];
    });
    const { run } = await runMocked({ answers: fixturesWith(arrayed) });
    const result = run.results.find((item) => item.name === 'students-page');
    expect(result?.outcome).toBe('fail');
    expect(result?.problems.join()).toMatch(/one-item array/);
  });

  it('reports a wrong status with the redacted body', async () => {
    const refused = structuredClone(fixture('schools'));
    refused.response = {
      status: 403,
      headers: { 'content-type': 'application/json' },
      body: { message: 'Forbidden', first_name: 'Ada' },
    };
    const { run } = await runMocked({ answers: fixturesWith(refused) });
    const result = run.results.find((item) => item.name === 'schools');
    expect(result?.problems).toEqual([
      'expected status 200, got 403: {"message":"Forbidden","first_name":"[redacted]"}',
    ]);
    // Nothing learned from the schools answer: the interactions that need a school are skipped.
    const skipped = run.results.filter((item) => item.outcome === 'skip').map((item) => item.name);
    expect(skipped).toEqual(expect.arrayContaining(['school-terms', 'query-school-day']));
  });

  it('never prints the client id, the client secret or the token', async () => {
    const realToken = withBody(fixture('access-token'), (body) => {
      body.access_token = '5f1e2d3c-aaaa-4bbb-8ccc-123456789abc';
    });
    const { lines } = await runMocked({ answers: fixturesWith(realToken) });
    const output = lines.join('\n');
    for (const secret of [
      MOCK_CREDENTIALS.clientId,
      MOCK_CREDENTIALS.clientSecret,
      '5f1e2d3c-aaaa-4bbb-8ccc-123456789abc',
    ]) {
      expect(output).not.toContain(secret);
    }
  });

  it('removes the token from a problem line that quotes it', async () => {
    const token = '5f1e2d3c-aaaa-4bbb-8ccc-123456789abc';
    const echoed = withBody(fixture('access-token'), (body) => {
      body.access_token = token;
      body.token_type = token;
    });
    const { run, lines } = await runMocked({ answers: fixturesWith(echoed) });
    const result = run.results.find((item) => item.name === 'access-token');
    expect(result?.problems).toEqual(['token_type: expected "Bearer", got "[redacted]"']);
    expect(lines.join('\n')).not.toContain(token);
  });

  it('stops at once, saying why, when the target does not answer the first request', async () => {
    const interactions = readInteractions().slice(0, 3);
    const { run, lines } = await runMocked({ interactions, answers: new Map() });
    expect(run.results).toHaveLength(1);
    expect(run.unreachable).toBeDefined();
    expect(run.results[0]?.noAnswer).toBe(true);
    expect(lines).toEqual([]);
  });
});

describe('the write check', () => {
  it.each(['daily', 'meeting'] as const)(
    'posts one %s record for the pinned test student when writes are allowed',
    async (writeMode) => {
      const { run } = await runMocked({ writeMode, pinned: WRITE_PINS, allowWrites: true });
      expect(run.failed).toBe(0);
      expect(run.skipped).toBe(0);
      const write = run.results.at(-1);
      expect(write).toMatchObject({ name: `write-${writeMode}`, outcome: 'pass', status: 200 });
    },
  );

  it('refuses a writing interaction without allowWrites, even when it is in the list', async () => {
    const { run, lines } = await runMocked({ writeMode: 'daily', pinned: WRITE_PINS });
    const write = run.results.at(-1);
    expect(write?.outcome).toBe('skip');
    expect(lines.at(-1)).toMatch(/^SKIP {2}write-daily .*--allow-writes/);
  });
});

describe('record mode', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes one redacted fixture per answer that passes the same schemas', async () => {
    dir = await mkdtemp(join(tmpdir(), 'pswb-contract-'));
    const token = '5f1e2d3c-aaaa-4bbb-8ccc-123456789abc';
    const named = withBody(fixture('students-page'), (body) => {
      const students = body.students as { student: { name: object } };
      students.student.name = { first_name: 'Ada', last_name: 'Lovelace' };
    });
    const realToken = withBody(fixture('access-token'), (body) => (body.access_token = token));
    const { run } = await runMocked({
      answers: fixturesWith(named, realToken),
      record: createFixtureRecorder(dir, 'Recorded from a test.'),
    });
    const recorded = await readFixtures(dir);
    expect(recorded.map((item) => item.interaction).sort()).toEqual(
      run.results.map((item) => item.name).sort(),
    );
    const files = await Promise.all(
      recorded.map((item) => readFile(join(dir!, `${item.interaction}.json`), 'utf8')),
    );
    const everything = files.join('\n');
    for (const secret of [token, 'Ada', 'Lovelace', MOCK_CREDENTIALS.clientSecret]) {
      expect(everything).not.toContain(secret);
    }
    const replay = await runMocked({ answers: new Map(recorded.map((i) => [i.interaction, i])) });
    expect(replay.run.failed).toBe(0);
  });
});
