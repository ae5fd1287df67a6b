import {
  REDACTED,
  redactSettings,
  saveConnectionSettings,
  STUDENT_ID_SOURCES,
  VISIBLE_STUDENT_IDS,
  type ConnectionReport,
} from '../../connector/index.ts';
import { CliError, UsageError, type CliIO, type Command } from '../cli/command.ts';
import {
  CREDENTIAL_HELP,
  CREDENTIAL_OPTIONS,
  describeMissing,
  givenCredentials,
} from '../cli/credentials.ts';
import { parseOptions } from '../cli/parse-options.ts';
import {
  COMMON_HELP,
  COMMON_OPTIONS,
  actorOption,
  auditCliChange,
  choiceOption,
  toJson,
  withWorkspace,
} from './connector-options.ts';

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...CREDENTIAL_OPTIONS,
  'visible-id': { type: 'string' },
  'id-source': { type: 'string' },
  'no-check': { type: 'boolean' },
} as const;

function renderReport(report: ConnectionReport): string {
  const lines = report.steps.map(
    (step) => `  ${step.ok ? 'ok  ' : 'FAIL'}  ${step.name.padEnd(8)} ${step.detail}`,
  );
  if (report.problem) {
    lines.push('', `Meaning: ${report.problem.meaning}`, 'How to resolve:');
    lines.push(...report.problem.resolution.map((step) => `  - ${step}`));
  }
  return `${lines.join('\n')}\n`;
}

async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, OPTIONS);
  const actor = actorOption(values.as);
  return withWorkspace(values['data-dir'], async (workspace) => {
    const saved = workspace.settings.get().connection;
    // Flags change the settings; the environment does too until a connection is saved (then a
    // bare `pswb connect` checks the saved one, whatever the shell exports).
    const changing =
      Object.keys(givenCredentials(values, saved ? {} : process.env)).length > 0 ||
      values['visible-id'] !== undefined ||
      values['id-source'] !== undefined;
    if (!changing) {
      // No flags: show the saved settings and check them.
      const report = await workspace.connector().checkConnection();
      if (values.json)
        io.stdout(toJson({ settings: redactSettings(workspace.settings.get()), report }));
      else io.stdout(`Connection to ${saved?.url}:\n${renderReport(report)}`);
      return report.ok ? 0 : 1;
    }
    const given = givenCredentials(values, process.env);
    const url = given.url ?? saved?.url;
    const clientId = given.clientId ?? saved?.clientId;
    const clientSecret = given.clientSecret ?? saved?.clientSecret;
    if (!url || !clientId || !clientSecret) {
      const resolved = {
        ...(url ? { url } : {}),
        ...(clientId ? { clientId } : {}),
        ...(clientSecret ? { clientSecret } : {}),
      };
      const missing = describeMissing(resolved, ['url', 'clientId', 'clientSecret']);
      throw new UsageError(`${missing} required the first time.`);
    }
    const before = redactSettings(workspace.settings.get()).connection ?? null;
    const result = await saveConnectionSettings({
      settings: workspace.settings,
      actor,
      input: {
        url,
        clientId,
        clientSecret,
        visibleStudentId: values['visible-id']
          ? choiceOption('visible-id', values['visible-id'], VISIBLE_STUDENT_IDS)
          : (saved?.visibleStudentId ?? 'sis_id'),
        studentIdSource: values['id-source']
          ? choiceOption('id-source', values['id-source'], STUDENT_ID_SOURCES)
          : (saved?.studentIdSource ?? 'dcid'),
      },
      check: !values['no-check'],
    });
    if (result.saved) {
      auditCliChange(workspace.store(), {
        action: 'settings.save',
        target: 'settings',
        before,
        after: result.settings.connection ?? null,
      });
    }
    if (values.json) {
      io.stdout(toJson(result));
    } else {
      if (result.report) io.stdout(renderReport(result.report));
      if (result.saved) {
        const schools = Object.keys(result.settings.schools).length;
        io.stdout(
          `Saved and applied to all schools (${schools} school(s)); Client Secret stored as ${REDACTED} in ${workspace.settings.path}.\nNext: pswb schools set --school <number> --mode daily|time|meeting, then pswb codes import --school <number>.\n`,
        );
      }
    }
    if (!result.saved)
      throw new CliError('Settings not saved: the connection check failed (see above).');
    return 0;
  });
}

/** `pswb connect`: the Settings tab (Save and Apply to All Schools). */
export const connectCommand: Command = {
  name: 'connect',
  help: `Usage: pswb connect --url URL --client-id ID [options]     (save and apply to all schools)
       pswb connect                                      (check the saved connection)

Saves the Settings tab: checks PowerSchool's metadata, a token, the school list and the plugin's
PowerQueries first, and saves only when all answer. Each of URL, Client ID and Client Secret
comes from its flag, else its environment variable, else the saved settings. The secret is
stored with mode 0600 and never printed. The URL: https, no trailing slash, no path (correct:
https://sample-district.powerschool.com; incorrect: https://sample-district.powerschool.com/
or .../admin); http only for a loopback test server such as the simulator.

Options:
${CREDENTIAL_HELP}
  --visible-id V     Visible Student ID: ${VISIBLE_STUDENT_IDS.join(' | ')} (default: sis_id; cosmetic)
  --id-source S      Which STUDENTS field events carry: ${STUDENT_ID_SOURCES.join(' | ')}
                     (default: dcid; "id" after a Configuration Request, when DCIDs cannot be shared)
  --no-check         Save without checking the connection
${COMMON_HELP}

Examples:
  PSWB_CLIENT_SECRET=... pswb connect --url https://sample-district.powerschool.com --client-id 4f0c...
  pswb connect --url http://127.0.0.1:7070 --client-id <clientId> --client-secret <clientSecret>
      (the simulator's, from the ready line pswb sim start prints)
`,
  run,
};
