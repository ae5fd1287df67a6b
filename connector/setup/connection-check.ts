/**
 * "Save and Apply to All Schools": validates the Settings tab, checks the connection (metadata,
 * token, the v1 school list, one of the plugin's PowerQueries) and explains a failure in the
 * guide's terms before anything is saved.
 */
import { QUERY_NAMES } from '../../plugin/contract.ts';
import { hasFeature } from '../../plugin/ps-version.ts';
import {
  type Clock,
  ConnectorError,
  isStudentIdSource,
  isVisibleStudentId,
  listValues,
  STUDENT_ID_SOURCES,
  toDistrictLocalTime,
  VISIBLE_STUDENT_IDS,
} from '../domain/index.ts';
import { PowerSchoolError } from '../http/index.ts';
import {
  type DistrictMetadata,
  formatPowerSchoolError,
  getDistrictMetadata,
  listDistrictSchools,
  type PowerSchoolClient,
  type PowerSchoolSchool,
  runPowerQuery,
} from '../powerschool/index.ts';
import { findPowerSchoolUrlProblem } from './powerschool-url.ts';
import type { ConnectionSettings } from './settings.ts';

/** What the Settings tab takes. */
export interface ConnectionInput {
  url: string;
  clientId: string;
  clientSecret: string;
  visibleStudentId?: string;
  studentIdSource?: string;
}

/** Checks every field; throws one ConnectorError listing all problems. */
export function validateConnectionInput(input: ConnectionInput): ConnectionSettings {
  const problems: string[] = [];
  const urlProblem = findPowerSchoolUrlProblem(input.url);
  if (urlProblem) problems.push(`PowerSchool URL: ${urlProblem}`);
  if (!input.clientId.trim()) {
    problems.push(
      "Client ID is required: copy it from the plugin's Data Provider Configuration in PowerSchool.",
    );
  }
  if (!input.clientSecret.trim()) {
    problems.push(
      "Client Secret is required: copy it from the plugin's Data Provider Configuration in PowerSchool.",
    );
  }
  const visible = input.visibleStudentId ?? 'sis_id';
  if (!isVisibleStudentId(visible)) {
    problems.push(
      `Visible Student ID "${visible}" is not valid. Valid: ${listValues(VISIBLE_STUDENT_IDS)}.`,
    );
  }
  const source = input.studentIdSource ?? 'dcid';
  if (!isStudentIdSource(source)) {
    problems.push(
      `Student ID source "${source}" is not valid. Valid: ${listValues(STUDENT_ID_SOURCES)}.`,
    );
  }
  if (problems.length > 0 || !isVisibleStudentId(visible) || !isStudentIdSource(source)) {
    throw new ConnectorError('invalid_settings', `Settings not saved. ${problems.join(' ')}`, {
      details: problems,
    });
  }
  return {
    url: input.url.trim(),
    clientId: input.clientId.trim(),
    clientSecret: input.clientSecret.trim(),
    visibleStudentId: visible,
    studentIdSource: source,
  };
}

/** One step of the check. */
export interface CheckStep {
  name: 'metadata' | 'token' | 'schools' | 'queries';
  ok: boolean;
  detail: string;
}

/** The whole check: what worked, and what is wrong in the guide's terms. */
export interface ConnectionReport {
  ok: boolean;
  steps: CheckStep[];
  metadata?: DistrictMetadata;
  schools?: PowerSchoolSchool[];
  /** When not ok: PowerSchool's answer, what it means, how to fix it. */
  problem?: { message: string; meaning: string; resolution: string[] };
}

const PLUGIN_RESOLUTION = [
  'Ensure the Navigate360 Attendance Access Plugin is installed and enabled in PowerSchool (System Management → Server → Plugin Configuration).',
  "Verify the PowerSchool URL, Client ID and Client Secret: copy them again from the plugin's Data Provider Configuration.",
];

function explainStep(step: CheckStep['name'], error: unknown, meta?: DistrictMetadata) {
  const message = error instanceof PowerSchoolError ? formatPowerSchoolError(error) : String(error);
  const status = error instanceof PowerSchoolError ? error.status : undefined;
  if (step === 'metadata') {
    return {
      message,
      meaning:
        'The PowerSchool URL does not answer like a PowerSchool server (GET /ws/v1/metadata).',
      resolution: [
        'Use the base URL of the PowerSchool Admin Portal, e.g. https://sample-district.powerschool.com (https, no trailing slash, no /admin).',
      ],
    };
  }
  if (step === 'token') {
    return {
      message,
      meaning:
        status === 401
          ? 'PowerSchool denied the connection: it does not accept this Client ID and Client Secret (the plugin is not enabled, or the credentials are wrong).'
          : 'PowerSchool did not hand out an access token.',
      resolution: PLUGIN_RESOLUTION,
    };
  }
  const v1Gated = meta?.powerschoolVersion !== undefined && safeHasV1Level(meta.powerschoolVersion);
  if (step === 'schools' && status === 401 && v1Gated) {
    return {
      message,
      meaning: `The token works but PowerSchool ${meta?.powerschoolVersion} refuses the v1 API: on SIS 25.2.0.0 or later the plugin's "Access Level for v1 APIs" must be Full Access.`,
      resolution: [
        "In PowerSchool, open the plugin's Data Provider Configuration and select Full Access under Access Level for v1 APIs, then save the settings again.",
      ],
    };
  }
  return {
    message,
    meaning:
      status === 403 || status === 404
        ? "The plugin's data access or PowerQueries are missing: an older bundle is installed, or its data access was not approved."
        : 'PowerSchool refused a call the writebacks need.',
    resolution: [
      'Install the current Navigate360 Attendance Access Plugin bundle (pswb plugin build), enable it and approve its data access.',
      ...PLUGIN_RESOLUTION,
    ],
  };
}

function safeHasV1Level(version: string): boolean {
  try {
    return hasFeature(version, 'v1AccessLevel');
  } catch {
    return false;
  }
}

/** Runs the checks in order and stops at the first failure. */
export async function checkConnection(
  client: PowerSchoolClient,
  clock: Clock,
): Promise<ConnectionReport> {
  const steps: CheckStep[] = [];
  let metadata: DistrictMetadata | undefined;
  let schools: PowerSchoolSchool[] | undefined;
  const run = async (name: CheckStep['name'], work: () => Promise<string>): Promise<boolean> => {
    try {
      steps.push({ name, ok: true, detail: await work() });
      return true;
    } catch (error) {
      const problem = explainStep(name, error, metadata);
      steps.push({ name, ok: false, detail: problem.message });
      report.problem = problem;
      return false;
    }
  };
  const report: ConnectionReport = { ok: false, steps };
  const ok =
    (await run('metadata', async () => {
      metadata = await getDistrictMetadata(client);
      return `PowerSchool ${metadata.powerschoolVersion ?? '(version not reported)'}, district time zone ${metadata.districtTimezone}`;
    })) &&
    (await run('token', async () => {
      await client.getToken();
      return 'access token granted';
    })) &&
    (await run('schools', async () => {
      schools = await listDistrictSchools(client, { pageSize: metadata?.schoolMaxPageSize ?? 100 });
      return `${schools.length} school(s)`;
    })) &&
    (await run('queries', async () => {
      const first = schools?.[0];
      if (!first) return 'no school to query';
      const date = toDistrictLocalTime(clock.now(), metadata!.districtTimezone).date;
      await runPowerQuery(client, QUERY_NAMES.schoolDay, {
        schoolid: String(first.schoolNumber),
        att_date: date,
      });
      return "the plugin's PowerQueries answer";
    }));
  return { ...report, ok, ...(metadata ? { metadata } : {}), ...(schools ? { schools } : {}) };
}
