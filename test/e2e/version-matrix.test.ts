/**
 * The version matrix: for every PowerSchool profile pswb supports, the simulator starts with no
 * plugin, our bundle is built for that version, uploaded and enabled as an admin would, the
 * connector connects with the Data Provider Configuration's credentials and writes one event per
 * mode; the version gates of reference section 6 hold. Then the upgrade trap: the 24.x bundle on
 * a 25.2.0.0 server, its documented 401 and its fix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DISTRICT_ADMIN,
  SettingsStore,
  createConnector,
  explainFailure,
  saveConnectionSettings,
  type Connector,
} from '../../connector/index.ts';
import { SUPPORTED_PS_VERSIONS, buildBundle, hasFeature } from '../../plugin/index.ts';
import { DEMO_FACTS, startSimulator, type RunningSimulator } from '../../simulator/index.ts';
import {
  DEMO_REASONS,
  REPRO_CLOCK,
  SimAdminError,
  SimulatorAdmin,
  checkIn,
  setUpDemoSchools,
  simulatorClock,
  type DataProviderPage,
} from '../../repro/index.ts';

const { students, dates, meetingBell } = DEMO_FACTS;
const V1_DENIED = {
  errorMessage: { message: 'Plugin is missing required accessLevelV1Api READ permission' },
};

function startBare(psVersion: string): Promise<RunningSimulator> {
  return startSimulator({
    port: 0,
    dataPath: null,
    psVersion,
    plugin: false,
    clock: REPRO_CLOCK,
    randomSeed: 11,
    log: () => {},
  });
}

/** An access token by the client-credentials grant, or the refusal's status. */
async function tokenFor(
  url: string,
  credentials: { clientId: string; clientSecret: string },
): Promise<{ status: number; token?: string }> {
  const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString(
    'base64',
  );
  const response = await fetch(`${url}/oauth/access_token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
    },
    body: 'grant_type=client_credentials',
  });
  const body = (await response.json()) as { access_token?: string };
  return { status: response.status, ...(body.access_token ? { token: body.access_token } : {}) };
}

async function call(
  url: string,
  token: string,
  method: 'GET' | 'POST',
  path: string,
  json?: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
  });
  return { status: response.status, body: await response.json() };
}

/** Save and Apply with the page's credentials; the connector for them, schools set up. */
async function connect(sim: RunningSimulator, page: DataProviderPage): Promise<Connector> {
  const settings = SettingsStore.inMemory();
  const saved = await saveConnectionSettings({
    settings,
    actor: DISTRICT_ADMIN,
    input: { url: sim.url, clientId: page.clientId, clientSecret: page.clientSecret },
    clock: simulatorClock(sim),
  });
  expect(saved.report?.problem).toBeUndefined();
  expect(saved.saved).toBe(true);
  const connector = createConnector({
    baseUrl: sim.url,
    clientId: page.clientId,
    clientSecret: page.clientSecret,
    settings,
    clock: simulatorClock(sim),
    retry: { retries: 1, baseDelayMs: 5, maxDelayMs: 10 },
  });
  await setUpDemoSchools(connector, DEMO_REASONS);
  return connector;
}

/** One late check-in per mode on the in-session demo day. */
const ONE_PER_MODE = [
  { mode: 'ATT_ModeDaily', student: students.daily, seconds: 8 * 3600 + 40 * 60 },
  { mode: 'ATT_ModeTime', student: students.time, seconds: 9 * 3600 + 10 * 60 },
  {
    mode: 'ATT_ModeMeeting',
    student: students.meeting,
    seconds: meetingBell.periods[2].start + 600,
  },
] as const;

describe.each(SUPPORTED_PS_VERSIONS)('PowerSchool %s', (version) => {
  let sim: RunningSimulator;
  let admin: SimulatorAdmin;
  let pluginId: number;
  let page: DataProviderPage;
  let connector: Connector | undefined;
  const hasV1Level = hasFeature(version, 'v1AccessLevel');

  beforeAll(async () => {
    sim = await startBare(version);
    admin = new SimulatorAdmin(sim.url);
  });
  afterAll(async () => {
    connector?.close();
    await sim?.close();
  });

  it('starts with no plugin installed', async () => {
    expect(await admin.plugins()).toEqual([]);
  });

  it('installs our bundle for the version (disabled), enables it, and shows its credentials', async () => {
    const bundle = await buildBundle({ psVersion: version });
    expect(bundle.definition.oauth?.accessLevelV1Api).toBe(hasV1Level ? 'FULL' : undefined);
    const installed = await admin.installBundle(bundle.bytes);
    expect(installed.enabled).toBe(false);
    pluginId = installed.id;
    expect((await admin.enablePlugin(pluginId)).enabled).toBe(true);
    page = await admin.dataProvider(pluginId);
    expect(page.clientId).not.toBe('');
    expect(page.accessLevelV1Api).toBe(hasV1Level ? 'FULL' : null);
  });

  it('connects the connector with those credentials and writes back one event per mode', async () => {
    connector = await connect(sim, page);
    const records = await connector.send(
      ONE_PER_MODE.map((item) =>
        checkIn({
          id: `matrix-${item.mode}`,
          student: item.student,
          date: dates.inSession,
          seconds: item.seconds,
        }),
      ),
    );
    expect(records.map((record) => [record.id, record.status])).toEqual(
      ONE_PER_MODE.map((item) => [`matrix-${item.mode}`, 'successful']),
    );
    for (const item of ONE_PER_MODE) {
      const rows = sim.district.attendanceOn(item.student.id, dates.inSession);
      expect(rows.map((row) => row.att_mode_code)).toEqual([item.mode]);
    }
  });

  it(`sends Daily and Time records ${hasFeature(version, 'batchDailyTime') ? 'in one batch_daily_time call' : 'one by one to daily_time'}`, () => {
    const paths = connector!
      .attempts(DISTRICT_ADMIN, 'matrix-ATT_ModeDaily')
      .map((attempt) => new URL(attempt.url).pathname)
      .filter((path) => path.startsWith('/ws/attendance/'));
    expect(paths).toEqual([
      hasFeature(version, 'batchDailyTime')
        ? '/ws/attendance/batch_daily_time'
        : '/ws/attendance/daily_time',
    ]);
  });

  it('has /ws/attendance/batch_daily_time only from 25.3.0 (404 before)', async () => {
    const { token } = await tokenFor(sim.url, page);
    const answer = await call(sim.url, token!, 'POST', '/ws/attendance/batch_daily_time', {
      name: 'attendance',
      record: [],
    });
    // From 25.3.0 the endpoint exists and refuses the empty batch as a payload error.
    expect(answer.status).toBe(hasFeature(version, 'batchDailyTime') ? 400 : 404);
  });

  it(`${hasV1Level ? 'refuses /ws/v1 with a NONE v1 access level (401), metadata still answering' : 'has no v1 access level to set (409) and answers /ws/v1'}`, async () => {
    const { token } = await tokenFor(sim.url, page);
    if (!hasV1Level) {
      await expect(admin.setV1AccessLevel(pluginId, 'NONE')).rejects.toMatchObject({ status: 409 });
      expect((await call(sim.url, token!, 'GET', '/ws/v1/district/school')).status).toBe(200);
      return;
    }
    await admin.setV1AccessLevel(pluginId, 'NONE');
    expect(await call(sim.url, token!, 'GET', '/ws/v1/district/school')).toEqual({
      status: 401,
      body: V1_DENIED,
    });
    expect((await call(sim.url, token!, 'GET', '/ws/v1/metadata')).status).toBe(200);
    await admin.setV1AccessLevel(pluginId, 'FULL');
    expect((await call(sim.url, token!, 'GET', '/ws/v1/district/school')).status).toBe(200);
  });

  it(`${hasFeature(version, 'regenerateCredentials') ? 'regenerates the credentials; the old ones stop working' : 'refuses to regenerate credentials (409)'}`, async () => {
    const answer = await admin.call('POST', `/__sim/plugins/${pluginId}/regenerate`);
    if (!hasFeature(version, 'regenerateCredentials')) {
      expect(answer.status).toBe(409);
      return;
    }
    expect(answer.status).toBe(200);
    const renewed = answer.body as DataProviderPage;
    expect(renewed.clientSecret).not.toBe(page.clientSecret);
    expect((await tokenFor(sim.url, page)).status).toBe(401);
    expect((await tokenFor(sim.url, renewed)).status).toBe(200);
  });
});

describe('the 24.x bundle on a PowerSchool 25.2.0.0 server', () => {
  let sim: RunningSimulator;
  let admin: SimulatorAdmin;
  afterAll(async () => {
    await sim?.close();
  });
  beforeAll(async () => {
    sim = await startBare('25.2.0.0');
    admin = new SimulatorAdmin(sim.url);
  });

  it('answers Save and Apply with the documented 401; Full Access on Data Provider Configuration fixes it', async () => {
    const old = await admin.installBundle((await buildBundle({ psVersion: '24.11.0.0' })).bytes);
    await admin.enablePlugin(old.id);
    const page = await admin.dataProvider(old.id);
    expect(page.accessLevelV1Api).toBe('NONE');

    const refused = await saveConnectionSettings({
      settings: SettingsStore.inMemory(),
      actor: DISTRICT_ADMIN,
      input: { url: sim.url, clientId: page.clientId, clientSecret: page.clientSecret },
      clock: simulatorClock(sim),
    });
    expect(refused.saved).toBe(false);
    const failed = refused.report!.steps.at(-1)!;
    expect(failed).toMatchObject({ name: 'schools', ok: false });
    expect(failed.detail).toMatch(
      /`GET \S+\/ws\/v1\/district\/school\S*` resulted in a `401 Unauthorized` response/,
    );
    expect(failed.detail).toContain(JSON.stringify(V1_DENIED));
    expect(explainFailure({ message: failed.detail }).id).toBe('unauthorized');
    expect(refused.report?.problem?.meaning).toContain(
      '"Access Level for v1 APIs" must be Full Access',
    );

    await admin.setV1AccessLevel(old.id, 'FULL');
    const connector = await connect(sim, page);
    try {
      const [record] = await connector.send([
        checkIn({
          id: 'after-full-access',
          student: students.daily,
          date: dates.inSession,
          seconds: 31_200,
        }),
      ]);
      expect(record?.status).toBe('successful');
      expect(sim.district.attendanceOn(students.daily.id, dates.inSession)).toHaveLength(1);
    } finally {
      connector.close();
    }
  });

  it('refuses the 25.2 bundle on a 24.11 server at install: the older installer has no accessLevelV1Api', async () => {
    const older = await startBare('24.11.0.0');
    try {
      const bundle = await buildBundle({ psVersion: '25.2.0.0' });
      const refusal = await new SimulatorAdmin(older.url)
        .installBundle(bundle.bytes)
        .catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(SimAdminError);
      expect((refusal as SimAdminError).status).toBe(400);
      expect((refusal as SimAdminError).message).toContain('The plugin was not installed');
      expect((refusal as SimAdminError).message).toContain(
        'PowerSchool 24.11.0.0 rejects accessLevelV1Api',
      );
    } finally {
      await older.close();
    }
  });
});
