import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Memory } from 'lowdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PrivateJsonFile,
  StateFileError,
  type SimulatorState,
} from '../../simulator/persistence.ts';
import { DEMO_FACTS as F } from '../../simulator/seeds/demo-facts.ts';
import { startSimulator } from '../../simulator/server.ts';
import { attendanceBody, demoSimulator } from './district-harness.ts';

const record = {
  studentid: String(F.students.daily.id),
  att_date: F.dates.inSession,
  schoolid: '101',
  yearid: '36',
  att_mode_code: 'ATT_ModeDaily',
  attendance_codeid: String(F.codes[101].current.tardy),
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pswb-district-state-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('/__sim/seed, /__sim/snapshot and /__sim/reset', () => {
  it('reports the seed and its summary', async () => {
    const sim = await demoSimulator();
    const { body } = await sim.json('GET', '/__sim/seed');
    expect(body).toMatchObject({
      seed: 'demo',
      summary: { schools: 3, students: 19, attendance: 0 },
    });
  });

  it('resets to the seed, keeping the plugin and its token working', async () => {
    const sim = await demoSimulator();
    await sim.json('POST', '/ws/attendance/daily_time', { body: attendanceBody(record) });
    expect(sim.district.summary().attendance).toBe(1);
    const reset = await sim.json('POST', '/__sim/reset', { body: {} });
    expect(reset).toMatchObject({
      status: 200,
      body: { restored: 'seed demo', summary: { attendance: 0 } },
    });
    expect(
      (await sim.json('POST', '/ws/attendance/daily_time', { body: attendanceBody(record) }))
        .status,
    ).toBe(200);
  });

  it('saves a named snapshot and restores it later', async () => {
    const sim = await demoSimulator();
    await sim.json('POST', '/ws/attendance/daily_time', { body: attendanceBody(record) });
    expect(
      (await sim.json('POST', '/__sim/snapshot', { body: { name: 'one-tardy' } })).status,
    ).toBe(201);
    await sim.json('POST', '/ws/attendance/daily_time', {
      body: attendanceBody({
        ...record,
        studentid: String(F.students.exited.id),
        att_date: '2026-10-01',
      }),
    });
    expect(sim.district.summary().attendance).toBe(2);
    expect(
      (await sim.json('POST', '/__sim/reset', { body: { snapshot: 'one-tardy' } })).body.summary
        .attendance,
    ).toBe(1);
    // The snapshot is a copy: writing after the restore does not change it.
    await sim.json('POST', '/ws/attendance/daily_time', {
      body: attendanceBody({
        ...record,
        studentid: String(F.students.exited.id),
        att_date: '2026-10-01',
      }),
    });
    expect(
      (await sim.json('POST', '/__sim/reset', { body: { snapshot: 'one-tardy' } })).body.summary
        .attendance,
    ).toBe(1);
    expect(
      (await sim.json('GET', '/__sim/snapshot')).body.snapshots.map(
        (s: { name: string }) => s.name,
      ),
    ).toEqual(['one-tardy']);
  });

  it('round-trips the district through GET /__sim/snapshot and POST /__sim/reset {district}', async () => {
    const sim = await demoSimulator();
    await sim.json('POST', '/ws/attendance/daily_time', { body: attendanceBody(record) });
    const saved = (await sim.json('GET', '/__sim/snapshot')).body.district;
    await sim.json('POST', '/__sim/reset', { body: {} });
    const restored = await sim.json('POST', '/__sim/reset', { body: { district: saved } });
    expect(restored.body.summary.attendance).toBe(1);
    expect(sim.district.attendanceOn(F.students.daily.id, F.dates.inSession)).toHaveLength(1);
  });

  it.each([
    { name: 'an unknown snapshot', body: { snapshot: 'nope' }, status: 404 },
    { name: 'a bad snapshot name', path: '/__sim/snapshot', body: { name: '../etc' }, status: 400 },
    { name: 'an invalid district', body: { district: { district: { name: 'x' } } }, status: 400 },
    { name: 'both a snapshot and a district', body: { snapshot: 'a', district: {} }, status: 400 },
  ])('refuses $name', async ({ path = '/__sim/reset', body, status }) => {
    const sim = await demoSimulator();
    expect((await sim.json('POST', path, { body })).status).toBe(status);
    expect(sim.district.summary().students).toBe(19);
  });

  it.each([
    { name: 'an empty reset', path: '/__sim/reset', body: '', status: 400, message: /empty/ },
    {
      name: 'a reset of 2 MB of spaces',
      path: '/__sim/reset',
      body: ' '.repeat(2_000_000),
      status: 400,
      message: /empty\. Send \{\} to restore the seed/,
    },
    {
      name: 'a reset that is a JSON array',
      path: '/__sim/reset',
      body: '[]',
      status: 400,
      message: /JSON object/,
    },
    {
      name: 'a blank snapshot request',
      path: '/__sim/snapshot',
      body: '  ',
      status: 400,
      message: /empty/,
    },
    {
      name: 'a snapshot request over 64 KiB',
      path: '/__sim/snapshot',
      body: JSON.stringify({ name: 'x'.repeat(70_000) }),
      status: 413,
      message: /may be at most 64 KiB/,
    },
  ])('refuses $name with $status and changes nothing', async ({ path, body, status, message }) => {
    const sim = await demoSimulator();
    expect(
      (await sim.json('POST', '/ws/attendance/daily_time', { body: attendanceBody(record) }))
        .status,
    ).toBe(200);
    const answer = await sim.json('POST', path, {
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect(answer.status).toBe(status);
    expect(answer.body.message).toMatch(message);
    expect(sim.district.summary().attendance).toBe(1);
    expect((await sim.json('GET', '/__sim/snapshot')).body.snapshots).toEqual([]);
  });
});

describe('write-behind persistence', () => {
  it('writes district, plugins and tokens after a change, and on flush', async () => {
    const adapter = new Memory<SimulatorState>();
    const sim = await demoSimulator({ persistence: { adapter, debounceMs: 5 } });
    await sim.json('POST', '/ws/attendance/daily_time', { body: attendanceBody(record) });
    await sim.flush();
    const state = await adapter.read();
    expect(state).toMatchObject({
      format: 'pswb-simulator-state',
      version: 1,
      psVersion: '25.3.0',
      seed: 'demo',
    });
    expect(state!.district.attendance).toHaveLength(1);
    expect(state!.registry.plugins[0]!.credentials?.clientId).toBe(
      sim.plugin.credentials?.clientId,
    );
    expect(state!.tokens.tokens[0]!.token).toBe(sim.token);
  });

  it('writes a private (0600) JSON file, in a 0700 folder it creates, that a new simulator resumes from', async () => {
    const path = join(dir, 'resume', 'simulator.json');
    const sim = await demoSimulator({
      persistence: { adapter: new PrivateJsonFile(path), debounceMs: 5 },
    });
    await sim.json('POST', '/ws/attendance/daily_time', { body: attendanceBody(record) });
    await sim.flush();
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'resume'))).mode & 0o777).toBe(0o700);
    const state = await new PrivateJsonFile(path).read();
    expect(state!.district.attendance).toHaveLength(1);
  });

  it.each([
    { name: 'not JSON', text: '{"format": "pswb-simulator-state",', message: /not valid JSON/ },
    { name: 'another kind of JSON', text: '{"students": []}', message: /format/ },
    {
      name: 'a state whose district is broken',
      text: JSON.stringify({
        format: 'pswb-simulator-state',
        version: 1,
        savedAt: '',
        psVersion: '25.3.0',
        seed: 'demo',
        district: { district: {} },
        registry: { nextId: 1, plugins: [] },
        tokens: { tokens: [] },
      }),
      message: /district/,
    },
  ])('refuses a data file that is $name and leaves it untouched', async ({ text, message }) => {
    const path = join(dir, `corrupt-${Math.random().toString(36).slice(2)}.json`);
    await writeFile(path, text);
    const read = new PrivateJsonFile(path).read();
    await expect(read).rejects.toThrow(StateFileError);
    await expect(new PrivateJsonFile(path).read()).rejects.toThrow(message);
    expect(await readFile(path, 'utf8')).toBe(text);
  });

  it('treats a missing or empty file as no state yet', async () => {
    expect(await new PrivateJsonFile(join(dir, 'absent.json')).read()).toBeNull();
    const empty = join(dir, 'empty.json');
    await writeFile(empty, '');
    expect(await new PrivateJsonFile(empty).read()).toBeNull();
  });
});

describe('startSimulator with a data file', () => {
  it('resumes it: the same plugin credentials and the attendance written before', async () => {
    const path = join(dir, 'restart', 'simulator.json');
    const quiet = { port: 0, dataPath: path, log: () => undefined };
    const first = await startSimulator(quiet);
    first.district.saveAttendance({
      studentid: F.students.daily.id,
      schoolid: 101,
      yearid: 36,
      att_date: F.dates.inSession,
      attendance_codeid: F.codes[101].current.tardy,
      att_mode_code: 'ATT_ModeDaily',
      att_comment: '',
      calendar_dayid: 0,
      ccid: 0,
      periodid: 0,
      programid: 0,
      total_minutes: 0,
      att_interval: 0,
      att_flags: 0,
      ada_value_code: 0,
      ada_value_time: 0,
      adm_value: 1,
    });
    await first.close();
    const second = await startSimulator(quiet);
    expect(second.plugin).toEqual(first.plugin);
    expect(second.district.summary().attendance).toBe(1);
    await second.close();
    const fresh = await startSimulator({ ...quiet, fresh: true });
    expect(fresh.district.summary().attendance).toBe(0);
    expect(fresh.plugin?.clientId).not.toBe(first.plugin?.clientId);
    await fresh.close();
    await expect(startSimulator({ ...quiet, psVersion: '24.11.0.0' })).rejects.toThrow(
      /written by a PowerSchool 25\.3\.0 simulator/,
    );
  });

  it('resets a resumed district to the seed it came from, at its size, whatever --seed says', async () => {
    const path = join(dir, 'resume-large', 'simulator.json');
    const quiet = { port: 0, dataPath: path, log: () => undefined, plugin: false };
    const first = await startSimulator({ ...quiet, seed: 'large', students: 1200 });
    await first.close();
    // Started again without --seed (the default is demo): the saved large district is resumed.
    const second = await startSimulator(quiet);
    try {
      expect(second.district.summary().students).toBe(1200);
      const reset = await fetch(`${second.url}/__sim/reset`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(reset.status).toBe(200);
      const seed = (await (await fetch(`${second.url}/__sim/seed`)).json()) as {
        seed: string;
        summary: { students: number };
      };
      expect(seed).toMatchObject({ seed: 'large', summary: { students: 1200 } });
    } finally {
      await second.close();
    }
  });
});
