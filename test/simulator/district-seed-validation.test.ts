import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeedValidationError, validateSeed } from '../../simulator/district/seed-validation.ts';
import { SeedFileError, loadSeed } from '../../simulator/seeds/load-seed.ts';
import { buildDemoDistrict } from '../../simulator/seeds/demo.ts';

type Rows = Record<string, unknown>[];
interface Mutable {
  district: Record<string, unknown>;
  students: Rows;
  terms: Rows;
  cc: Rows;
  schools: Rows;
  calendar_day: Rows;
  sections: Rows;
  attendance_preferences: Rows;
}

/** The demo district with one change applied. */
function demoWith(change: (data: Mutable) => void): unknown {
  const data = buildDemoDistrict() as unknown as Mutable;
  change(data);
  return data;
}

function problemsOf(input: unknown): { path: string; message: string }[] {
  try {
    validateSeed(input);
  } catch (error) {
    if (error instanceof SeedValidationError) return error.problems;
    throw error;
  }
  return [];
}

describe('seed validation: shapes', () => {
  it.each([
    {
      name: 'a date in US form',
      change: (d: Mutable) => (d.students[3]!.entrydate = '3/1/2025'),
      path: 'students[3].entrydate',
      message: 'expected YYYY-MM-DD, got "3/1/2025"',
    },
    {
      name: 'an impossible date',
      change: (d: Mutable) => (d.terms[0]!.lastday = '2026-02-30'),
      path: 'terms[0].lastday',
      message: 'expected YYYY-MM-DD, got "2026-02-30"',
    },
    {
      name: 'a text id',
      change: (d: Mutable) => (d.cc[5]!.studentid = '1001'),
      path: 'cc[5].studentid',
      message: 'expected a whole number, got "1001"',
    },
    {
      name: 'a missing column',
      change: (d: Mutable) => delete d.schools[1]!.school_number,
      path: 'schools[1].school_number',
      message: 'expected a whole number, got nothing',
    },
    {
      name: 'an unknown recording method',
      change: (d: Mutable) => (d.attendance_preferences[0]!.att_mode = 'Daily'),
      path: 'attendance_preferences[0].att_mode',
      message: /expected one of ATT_ModeDaily/,
    },
    {
      name: 'an unknown column',
      change: (d: Mutable) => (d.students[0]!.ssn = '000'),
      path: 'students[0]',
      message: /unknown name\(s\) ssn/,
    },
    {
      name: 'an unknown table',
      change: (d: Mutable) => ((d as unknown as Record<string, unknown>).gradebook = []),
      path: '(root)',
      message: /unknown name\(s\) gradebook/,
    },
    {
      name: 'a bad time zone',
      change: (d: Mutable) => (d.district.timezone = 'Eastern'),
      path: 'district.timezone',
      message: /IANA time zone/,
    },
    {
      name: 'a flag of 2',
      change: (d: Mutable) => (d.calendar_day[0]!.insession = 2),
      path: 'calendar_day[0].insession',
      message: 'expected 0 or 1, got 2',
    },
  ])('refuses $name with the path of the bad value', ({ change, path, message }) => {
    const problems = problemsOf(demoWith(change));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe(path);
    expect(problems[0]!.message).toEqual(
      typeof message === 'string' ? message : expect.stringMatching(message),
    );
  });

  it('lists every bad value, and names them in the error message', () => {
    const input = demoWith((d) => {
      d.students[0]!.entrydate = 'soon';
      d.students[1]!.exitdate = 'later';
    });
    expect(() => validateSeed(input, 'seed file x.json')).toThrow(
      /seed file x\.json is not a valid district \(2 problems\):\n {2}students\[0\]\.entrydate: .*\n {2}students\[1\]\.exitdate/,
    );
  });
});

describe('seed validation: referential integrity', () => {
  it.each([
    {
      name: 'a class enrollment of no section',
      change: (d: Mutable) => (d.cc[0]!.sectionid = 9999),
      path: 'cc[0].sectionid',
      message: /9999 is no sections\.id/,
    },
    {
      name: 'a dropped enrollment of no section',
      change: (d: Mutable) => (d.cc[0]!.sectionid = -9999),
      path: 'cc[0].sectionid',
      message: /-9999 is no sections\.id/,
    },
    {
      name: 'a student of no school',
      change: (d: Mutable) => (d.students[0]!.schoolid = 999),
      path: 'students[0].schoolid',
      message: /999 is no schools\.school_number/,
    },
    {
      name: 'a duplicate student id',
      change: (d: Mutable) => (d.students[1]!.id = d.students[0]!.id),
      path: 'students[1].id',
      message: /already used by students\[0\]/,
    },
    {
      name: 'a duplicate DCID',
      change: (d: Mutable) => (d.students[1]!.dcid = d.students[0]!.dcid),
      path: 'students[1].dcid',
      message: /must be unique/,
    },
    {
      name: 'a calendar day of no bell schedule',
      change: (d: Mutable) => (d.calendar_day[1]!.bell_schedule_id = 77),
      path: 'calendar_day[1].bell_schedule_id',
      message: /use 0 for none/,
    },
    {
      name: 'a section of no term',
      change: (d: Mutable) => (d.sections[0]!.termid = 4100),
      path: 'sections[0].termid',
      message: /4100 is no terms\.id of school/,
    },
    {
      name: 'a year without a recording method',
      change: (d: Mutable) => d.attendance_preferences.splice(0, 1),
      path: 'terms[0].yearid',
      message: /no attendance_preferences row/,
    },
    {
      name: 'an exit before the entry',
      change: (d: Mutable) => (d.students[0]!.exitdate = '2020-01-01'),
      path: 'students[0].exitdate',
      message: /before entrydate/,
    },
  ])('refuses $name', ({ change, path, message }) => {
    const problems = problemsOf(demoWith(change));
    expect(problems.map((p) => p.path)).toContain(path);
    expect(problems.find((p) => p.path === path)!.message).toMatch(message);
  });
});

describe('loadSeed', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pswb-seed-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a valid seed file and rebuilds fresh copies of it', async () => {
    const path = join(dir, 'ok.json');
    await writeFile(path, JSON.stringify(buildDemoDistrict()));
    const seed = await loadSeed(path);
    expect(seed.data.students).toHaveLength(19);
    seed.data.students.pop();
    expect(seed.rebuild().students).toHaveLength(19);
  });

  it('refuses a file that is not JSON, and one that does not exist', async () => {
    const path = join(dir, 'bad.json');
    await writeFile(path, '{oops');
    await expect(loadSeed(path)).rejects.toThrow(SeedFileError);
    const missing = await loadSeed(join(dir, 'missing.json')).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(SeedFileError);
    expect((missing as SeedFileError).message).toMatch(/missing\.json": no such file\.$/);
    expect((missing as SeedFileError).code).toBe('seed_file_unreadable');
    expect((missing as SeedFileError).fix).toMatch(/demo, large, or the path of a readable JSON/);
  });

  it('refuses an invalid seed file with the path of each bad value', async () => {
    const path = join(dir, 'invalid.json');
    await writeFile(path, JSON.stringify(demoWith((d) => (d.students[3]!.entrydate = '3/1/2025'))));
    await expect(loadSeed(path)).rejects.toThrow(
      'students[3].entrydate: expected YYYY-MM-DD, got "3/1/2025"',
    );
  });
});
