import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConnectorError } from '../../connector/index.ts';
import {
  SettingsStore,
  findPowerSchoolUrlProblem,
  parseActor,
  redactSettings,
  saveConnectionSettings,
  validateConnectionInput,
} from '../../connector/index.ts';
import {
  updateSchools,
  setPreventSchoolOverrides,
  viewSchools,
} from '../../connector/setup/index.ts';
import { fakeSettings } from './support/fake-district.ts';

describe("PowerSchool URL (the guide's Settings rule)", () => {
  it.each([
    ["the guide's correct example", 'https://sample-district.powerschool.com', undefined],
    ['a loopback simulator over http', 'http://127.0.0.1:8123', undefined],
    ['localhost over http', 'http://localhost:8123', undefined],
    ["the guide's trailing-slash example", 'https://sample-district.powerschool.com/', 'trailing'],
    [
      "the guide's /admin example",
      'https://sample-district.powerschool.com/admin',
      'without /admin',
    ],
    [
      'a path with a trailing slash',
      'https://sample-district.powerschool.com/admin/',
      'without /admin',
    ],
    ['http to a real host', 'http://sample-district.powerschool.com', 'https://'],
    ['not a URL', 'sample-district.powerschool.com', 'not a URL'],
    ['a query string', 'https://sample-district.powerschool.com?x=1', 'path or query'],
  ])('%s', (_name, url, problem) => {
    const found = findPowerSchoolUrlProblem(url);
    if (problem === undefined) expect(found).toBeUndefined();
    else {
      expect(found).toContain(problem);
      expect(found).toContain('Correct: "https://sample-district.powerschool.com"');
    }
  });

  it('lists every problem of the Settings tab at once', () => {
    const error = (() => {
      try {
        validateConnectionInput({
          url: 'https://x.powerschool.com/',
          clientId: '',
          clientSecret: ' ',
          visibleStudentId: 'ssn',
        });
      } catch (caught) {
        return caught as ConnectorError;
      }
      return undefined;
    })();
    expect(error?.code).toBe('invalid_settings');
    expect(error?.details).toHaveLength(4);
    expect(error?.message).toContain('Valid: sis_id, student_number');
  });
});

describe('settings file', () => {
  it('is created with mode 0600 and holds the secret sealed, which redaction hides', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pswb-settings-'));
    const store = await SettingsStore.openDataDir(dir);
    const saved = await saveConnectionSettings({
      settings: store,
      actor: { role: 'district_admin' },
      input: { url: 'https://d.powerschool.com', clientId: 'id', clientSecret: 'very-secret' },
      check: false,
    });
    expect(saved.saved).toBe(true);
    expect(JSON.stringify(saved)).not.toContain('very-secret');
    const file = join(dir, 'connector-settings.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    // Sealed at rest (decision 081; test/connector/secrets-at-rest.test.ts), open in memory.
    expect(await readFile(file, 'utf8')).not.toContain('very-secret');
    expect(store.get().connection?.clientSecret).toBe('very-secret');
    expect(JSON.stringify(redactSettings(store.get()))).not.toContain('very-secret');
    const reopened = await SettingsStore.openDataDir(dir);
    expect(reopened.get().connection?.studentIdSource).toBe('dcid');
  });

  it('shares one frozen snapshot between reads until an update, which the next read shows', async () => {
    const store = SettingsStore.inMemory();
    const first = store.get();
    expect(store.get()).toBe(first);
    expect(Object.isFrozen(first.schools)).toBe(true);
    expect(() => {
      first.preventSchoolOverrides = true;
    }).toThrow(TypeError);
    await store.update((draft) => {
      draft.preventSchoolOverrides = true;
    });
    expect(first.preventSchoolOverrides).toBe(false);
    expect(store.get().preventSchoolOverrides).toBe(true);
    expect(store.get()).not.toBe(first);
  });

  it('refuses a building admin saving the connection, saying who may', async () => {
    const store = SettingsStore.inMemory();
    await expect(
      saveConnectionSettings({
        settings: store,
        actor: { role: 'building_admin', schools: [101] },
        input: { url: 'https://d.powerschool.com', clientId: 'id', clientSecret: 's' },
        check: false,
      }),
    ).rejects.toThrow(/Only a district admin can save the PowerSchool connection settings/);
  });
});

describe('School Building Setup role rules', () => {
  const district = { role: 'district_admin' } as const;
  const building = parseActor('building:101');

  it('parses --as values and refuses bad ones with the valid forms', () => {
    expect(parseActor(undefined)).toEqual({ role: 'district_admin' });
    expect(parseActor('building:101,102')).toEqual({ role: 'building_admin', schools: [101, 102] });
    expect(() => parseActor('teacher')).toThrow(/use "district".*"building:101,102"/);
  });

  it('shows a building admin only their assigned schools', () => {
    const views = viewSchools(fakeSettings().get(), building);
    expect(views.map((school) => school.schoolNumber)).toEqual([101]);
  });

  it('lets a district admin change any school', async () => {
    const store = fakeSettings();
    const views = await updateSchools(store, district, [{ schoolNumber: 103, mode: 'daily' }]);
    expect(views.find((school) => school.schoolNumber === 103)?.mode).toBe('daily');
  });

  it('lets a building admin change their own school while overrides are allowed', async () => {
    const store = fakeSettings();
    await updateSchools(store, building, [{ schoolNumber: 101, enabled: false }]);
    expect(store.get().schools['101']?.enabled).toBe(false);
  });

  it('refuses a building admin another school, saying it is not assigned to them', async () => {
    await expect(
      updateSchools(fakeSettings(), building, [{ schoolNumber: 102, enabled: false }]),
    ).rejects.toThrow(/School 102 is not assigned to you/);
  });

  it('refuses a building admin any change while Prevent School Overrides is on, saying why', async () => {
    const store = fakeSettings();
    await setPreventSchoolOverrides(store, district, true);
    await expect(
      updateSchools(store, building, [{ schoolNumber: 101, mode: 'time' }]),
    ).rejects.toThrow(
      /Prevent School Overrides turned on, so only a district admin can change school 101/,
    );
    expect(viewSchools(store.get(), building)[0]?.editable).toBe(false);
  });

  it('refuses a building admin turning Prevent School Overrides off', async () => {
    await expect(setPreventSchoolOverrides(fakeSettings(), building, false)).rejects.toThrow(
      /Only a district admin can change Prevent School Overrides/,
    );
  });

  it('requires an Attendance Mode for an enabled school, listing the modes', async () => {
    await expect(
      updateSchools(fakeSettings(), district, [{ schoolNumber: 101, mode: null }]),
    ).rejects.toThrow(
      /enabled, so an Attendance Mode must be selected to save: daily, time, meeting/,
    );
  });

  it('allows clearing the mode of a disabled school', async () => {
    const store = fakeSettings();
    await updateSchools(store, district, [{ schoolNumber: 101, enabled: false, mode: null }]);
    expect(store.get().schools['101']?.mode).toBeUndefined();
  });

  it('applies a list of changes all or nothing', async () => {
    const store = fakeSettings();
    await expect(
      updateSchools(store, building, [
        { schoolNumber: 101, enabled: false },
        { schoolNumber: 102, enabled: false },
      ]),
    ).rejects.toThrow(/102/);
    expect(store.get().schools['101']?.enabled).toBe(true);
  });
});
