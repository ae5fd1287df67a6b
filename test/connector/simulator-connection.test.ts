import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../simulator/server.ts';
import {
  DISTRICT_ADMIN,
  SettingsStore,
  saveConnectionSettings,
  type Connector,
} from '../../connector/index.ts';
import {
  clockOf,
  connectDemo,
  DEMO_FACTS,
  demoEvent,
  newYorkTime,
  startDemoSimulator,
} from './support/simulator.ts';

const { students, dates } = DEMO_FACTS;

let sim: RunningSimulator;
let connector: Connector;

beforeAll(async () => {
  sim = await startDemoSimulator();
  connector = await connectDemo(sim);
});
afterAll(async () => {
  connector?.close();
  await sim?.close();
});

const save = (
  target: RunningSimulator,
  input: Partial<{ url: string; clientId: string; clientSecret: string }> = {},
) =>
  saveConnectionSettings({
    settings: SettingsStore.inMemory(),
    actor: DISTRICT_ADMIN,
    input: {
      url: target.url,
      clientId: target.plugin!.clientId,
      clientSecret: target.plugin!.clientSecret,
      ...input,
    },
    clock: clockOf(target),
    timeoutMs: 2000,
  });

describe('Save and Apply to All Schools against the simulator', () => {
  it('checks metadata, token, schools and queries, then saves the schools enabled by default', async () => {
    const result = await save(sim);
    expect(result.saved).toBe(true);
    expect(result.report?.steps.map((step) => [step.name, step.ok])).toEqual([
      ['metadata', true],
      ['token', true],
      ['schools', true],
      ['queries', true],
    ]);
    expect(result.settings.districtTimezone).toBe(DEMO_FACTS.timezone);
    expect(
      Object.values(result.settings.schools).map((school) => [school.schoolNumber, school.enabled]),
    ).toEqual([
      [101, true],
      [102, true],
      [103, true],
    ]);
    expect(JSON.stringify(result)).not.toContain(sim.plugin!.clientSecret);
  });

  it("explains a refused Client Secret in the guide's 401 terms and saves nothing", async () => {
    const result = await save(sim, { clientSecret: 'wrong' });
    expect(result.saved).toBe(false);
    expect(result.report?.problem?.message).toContain('`401 Unauthorized` response');
    expect(result.report?.problem?.meaning).toContain(
      'does not accept this Client ID and Client Secret',
    );
    expect(result.report?.problem?.resolution.join(' ')).toContain('installed and enabled');
    expect(result.settings.connection).toBeUndefined();
  });

  it('on 25.2 with "Access Level for v1 APIs" not Full Access, says so', async () => {
    const old = await startDemoSimulator({ psVersion: '25.2.0.0' });
    try {
      old.platform.registry.setV1AccessLevel(old.plugin!.id, 'NONE');
      const result = await save(old);
      expect(result.saved).toBe(false);
      expect(result.report?.steps.map((step) => step.ok)).toEqual([true, true, false]);
      expect(result.report?.problem?.meaning).toContain(
        '"Access Level for v1 APIs" must be Full Access',
      );
    } finally {
      await old.close();
    }
  });

  it('reports an unreachable server plainly', async () => {
    const result = await save(sim, { url: 'http://127.0.0.1:9' });
    expect(result.saved).toBe(false);
    expect(result.report?.problem?.message).toMatch(
      /^Connection error: `GET http:\/\/127\.0\.0\.1:9\/ws\/v1\/metadata` could not be reached/,
    );
  });

  it('refuses a URL with a path before calling anything', async () => {
    await expect(save(sim, { url: `${sim.url}/admin` })).rejects.toThrow(/without \/admin/);
  });
});

describe('schools and codes from the simulator', () => {
  it("lists the district's schools; a building admin sees only theirs", async () => {
    const all = await connector.listSchools(DISTRICT_ADMIN);
    expect(all.map((school) => [school.schoolNumber, school.name, school.mode])).toEqual([
      [101, DEMO_FACTS.schools.daily.name, 'daily'],
      [102, DEMO_FACTS.schools.time.name, 'time'],
      [103, DEMO_FACTS.schools.meeting.name, 'meeting'],
    ]);
    const mine = await connector.listSchools({ role: 'building_admin', schools: [102] });
    expect(mine.map((school) => school.schoolNumber)).toEqual([102]);
  });

  it("imports the current year's codes and maps the chosen ones; a bad code lists the valid ones", async () => {
    const result = await connector.importAttendanceCodes(DISTRICT_ADMIN, {
      schoolNumber: 103,
      late: ['t'],
      early: ['ED'],
    });
    expect(result.yearid).toBe(DEMO_FACTS.years.current.yearid);
    expect(result.codes.find((code) => code.attCode === 'T')?.id).toBe(
      DEMO_FACTS.codes[103].current.tardy,
    );
    expect(result.lateCheckin).toEqual(['T']);
    await expect(
      connector.importAttendanceCodes(DISTRICT_ADMIN, { schoolNumber: 103, late: ['LATE'] }),
    ).rejects.toThrow(/LATE are not attendance codes of this school and year. Valid: .*T.*ED/);
    await connector.importAttendanceCodes(DISTRICT_ADMIN, {
      schoolNumber: 103,
      late: ['T', 'TE'],
      early: ['ED', 'EDE'],
    });
  });

  it('refuses importing codes outside every school year, saying what to pass', async () => {
    await expect(
      connector.importAttendanceCodes(DISTRICT_ADMIN, { schoolNumber: 101, date: dates.summer }),
    ).rejects.toThrow(/no school year for school 101 on 2026-07-15. Pass --date/);
  });

  it("refuses a building admin importing another school's codes", async () => {
    await expect(
      connector.importAttendanceCodes(
        { role: 'building_admin', schools: [101] },
        { schoolNumber: 102 },
      ),
    ).rejects.toThrow(/School 102 is not assigned to you/);
  });
});

describe('transport faults against the simulator', () => {
  it('retries injected 503s on the attendance POST and records every attempt', async () => {
    const rule = sim.platform.faults.add({
      method: 'POST',
      path: '/ws/attendance/*',
      sequence: [503, 503, 'pass'],
    });
    try {
      const [record] = await connector.send([
        demoEvent('fault-503', students.daily, newYorkTime('2026-10-16', 30_000)),
      ]);
      expect(record?.status).toBe('successful');
      const posts = connector
        .attempts(DISTRICT_ADMIN, 'fault-503')
        .filter((a) => a.url.endsWith('daily_time'));
      expect(posts.map((attempt) => attempt.http_status)).toEqual([503, 503, 200]);
    } finally {
      sim.platform.faults.remove(rule.id);
    }
  });

  it('honours a 429 with Retry-After from the rate limit', async () => {
    const rule = sim.platform.faults.add({
      method: 'POST',
      path: '/ws/attendance/*',
      sequence: [{ type: 'rate_limit', retryAfterSeconds: 3 }, 'pass'],
    });
    try {
      const [record] = await connector.send([
        demoEvent('fault-429', students.daily, newYorkTime('2026-10-19', 30_000)),
      ]);
      expect(record?.status).toBe('successful');
      const posts = connector
        .attempts(DISTRICT_ADMIN, 'fault-429')
        .filter((a) => a.url.endsWith('daily_time'));
      expect(posts.map((attempt) => [attempt.http_status, attempt.retry_in_ms])).toEqual([
        [429, 3000],
        [200, null],
      ]);
    } finally {
      sim.platform.faults.remove(rule.id);
    }
  });

  it("a disabled plugin fails the writeback with the guide's 401 entry", async () => {
    sim.platform.registry.disable(sim.plugin!.id);
    try {
      const [record] = await connector.send([
        demoEvent('plugin-off', students.daily, newYorkTime('2026-10-20', 30_000)),
      ]);
      expect(record?.status).toBe('failed');
      expect(record?.error?.message).toContain('`401 Unauthorized` response');
      expect(record?.error?.troubleshootingId).toBe('unauthorized');
      expect(record?.error?.resolution.join(' ')).toContain(
        'Full Access is selected under the Data Provider Configuration',
      );
    } finally {
      sim.platform.registry.enable(sim.plugin!.id);
    }
  });
});
