/**
 * `401 Unauthorized`, from each of the guide's causes: a Client Secret saved wrong, the plugin
 * disabled in PowerSchool, and on PowerSchool 25.2.0.0+ a plugin whose "Access Level for v1
 * APIs" is not Full Access (the 24.x bundle installed on a 25.2 server).
 */
import { buildBundle } from '../../plugin/index.ts';
import { DEMO_FACTS } from '../../simulator/index.ts';
import { checkIn, clockTime, fullName } from '../check-ins.ts';
import type { ReproContext } from '../context.ts';
import type { Observation, Scenario } from '../scenario.ts';
import { connectAndSetUp, observe, replayFailed, sendAndObserve } from '../scenario-steps.ts';

const { students, dates } = DEMO_FACTS;
const UNAUTHORIZED = '`401 Unauthorized` response';
const TOKEN_REFUSED =
  /^Client error: `POST \S+\/oauth\/access_token` resulted in a `401 Unauthorized` response/;

const ava = students.daily;
const avaCheckIn = { student: ava, date: dates.inSession, seconds: 8 * 3600 + 40 * 60 };
const sendAva = (ctx: ReproContext, id: string): Promise<Observation> =>
  sendAndObserve(
    ctx,
    `Sent ${fullName(ava)}'s late check-in at ${clockTime(avaCheckIn.seconds)}.`,
    [checkIn({ ...avaCheckIn, id })],
  );

function pluginIdOf(ctx: ReproContext): number {
  if (ctx.pluginId === undefined) throw new Error('No plugin is installed in this simulator.');
  return ctx.pluginId;
}

/** A Client Secret saved with a typo, without the connection check. */
export const wrongCredentialsScenario: Scenario = {
  name: 'wrong-credentials',
  title: '401 Unauthorized: the Client Secret is saved incorrectly',
  guideError: UNAUTHORIZED,
  troubleshootingId: 'unauthorized',
  situation: `The connector's Client Secret was typed again by hand with a mistake and saved without the connection check (pswb connect --no-check). ${fullName(ava)} is checked in late on ${avaCheckIn.date} at ${clockTime(avaCheckIn.seconds)}.`,
  setup: async (ctx) => {
    await connectAndSetUp(ctx);
    await ctx.saveConnection({ clientSecret: 'typed-by-hand-with-a-typo' }, { check: false });
  },
  act: (ctx) => sendAva(ctx, 'vm-ava-wrong-secret'),
  expectFailure: { message: TOKEN_REFUSED },
  describeFix:
    "Verify that the correct PowerSchool URL, Client ID and Client Secret are saved (the guide): copy them again from the plugin's Data Provider Configuration and save them with the check (pswb connect), then replay the failed event.",
  resolve: async (ctx) => {
    const saved = await ctx.saveConnection();
    if (!saved.saved) throw new Error(`Save and Apply failed: ${saved.report?.problem?.message}`);
    const steps = saved.report?.steps.map((step) => step.name).join(', ');
    return [
      `Saved the Client ID and Client Secret shown on Data Provider Configuration; Save and Apply checked ${steps}.`,
    ];
  },
  replay: (ctx, failed) =>
    replayFailed(ctx, failed, 'Replayed the failed event (pswb writeback replay).'),
};

/** The plugin disabled on Plugin Configuration. */
export const pluginDisabledScenario: Scenario = {
  name: 'plugin-disabled',
  title: '401 Unauthorized: the plugin is disabled in PowerSchool',
  guideError: UNAUTHORIZED,
  troubleshootingId: 'unauthorized',
  situation: `A PowerSchool administrator unticked Enable for the Navigate360 Attendance Access plugin (System Management → Server → Plugin Configuration). ${fullName(ava)} is checked in late on ${avaCheckIn.date} at ${clockTime(avaCheckIn.seconds)}.`,
  setup: async (ctx) => {
    await connectAndSetUp(ctx);
    await ctx.admin.disablePlugin(pluginIdOf(ctx));
  },
  act: (ctx) => sendAva(ctx, 'vm-ava-plugin-disabled'),
  expectFailure: { message: TOKEN_REFUSED },
  describeFix:
    'Ensure the Navigate360 Attendance Access Plugin is installed and enabled in PowerSchool (the guide: tick Enable and confirm), then replay the failed event.',
  resolve: async (ctx) => {
    const plugin = await ctx.admin.enablePlugin(pluginIdOf(ctx));
    return [
      `Enabled plugin ${plugin.id} "${plugin.name}" ${plugin.version} on Plugin Configuration.`,
    ];
  },
  replay: (ctx, failed) =>
    replayFailed(ctx, failed, 'Replayed the failed event (pswb writeback replay).'),
};

/** The bundle built for 24.x, installed on a 25.2.0.0 server. */
const OLD_BUNDLE_VERSION = '24.11.0.0';
const UPGRADED_SERVER = '25.2.0.0';

async function saveAndObserve(ctx: ReproContext, action: string): Promise<Observation> {
  const saved = await ctx.saveConnection();
  return { ...observe(ctx, action, []), ...(saved.report ? { connection: saved.report } : {}) };
}

/** v1 access level NONE on 25.2: Save and Apply is refused at the v1 school list. */
export const v1AccessLevelScenario: Scenario = {
  name: 'v1-access-level',
  title: '401 Unauthorized on PowerSchool 25.2+: Access Level for v1 APIs is not Full Access',
  guideError: UNAUTHORIZED,
  troubleshootingId: 'unauthorized',
  psVersion: UPGRADED_SERVER,
  installPlugin: false,
  situation: `PowerSchool was upgraded to ${UPGRADED_SERVER} and the district installed the plugin bundle built for ${OLD_BUNDLE_VERSION}: it has no accessLevelV1Api, so Data Provider Configuration shows Access Level for v1 APIs: None. The admin saves the connection (Save and Apply to All Schools).`,
  setup: async (ctx) => {
    const bundle = await buildBundle({ psVersion: OLD_BUNDLE_VERSION });
    const installed = await ctx.admin.installBundle(bundle.bytes);
    await ctx.admin.enablePlugin(installed.id);
    ctx.pluginId = installed.id;
  },
  act: (ctx) =>
    saveAndObserve(
      ctx,
      "Saved the connection with the Data Provider Configuration's Client ID and Client Secret.",
    ),
  expectFailure: { message: 'Plugin is missing required accessLevelV1Api READ permission' },
  checkFailure: (_ctx, observed) => {
    const failed = observed.connection?.steps.find((step) => !step.ok);
    return failed?.name === 'schools' && failed.detail.includes(UNAUTHORIZED)
      ? []
      : [
          `expected the v1 school list (step "schools") to answer 401, got ${failed?.name ?? 'no failed step'}`,
        ];
  },
  notes: () => [
    "pswb's writebacks call PowerQueries and the attendance endpoints, not /ws/v1 resources, so this 401 appears when the connection is saved (and when School Building Setup refreshes the school list), not on a writeback row. Inferred (simulator): the v1 access level gates /ws/v1 only.",
  ],
  describeFix:
    "If using PowerSchool SIS 25.2.0.0 or later, select Full Access under Access Level for v1 APIs on the plugin's Data Provider Configuration (the guide), then save the connection again.",
  resolve: async (ctx) => {
    const page = await ctx.admin.setV1AccessLevel(pluginIdOf(ctx), 'FULL');
    return [
      `Set Access Level for v1 APIs to ${page.accessLevelV1Api} on Data Provider Configuration.`,
    ];
  },
  replay: async (ctx) => {
    const saved = await saveAndObserve(ctx, 'Saved the connection again.');
    if (saved.connection?.ok !== true) return saved;
    await ctx.setUpSchools();
    const sent = await sendAva(ctx, 'vm-ava-after-full-access');
    return {
      ...sent,
      action: `Saved the connection again, set up the schools and codes, and sent ${fullName(ava)}'s late check-in at ${clockTime(avaCheckIn.seconds)}.`,
      connection: saved.connection,
    };
  },
};
