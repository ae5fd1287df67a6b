/**
 * The "Failure codes" section of docs/troubleshooting.md: every code a pswb failure can carry,
 * part by part, with its meaning and fix, and the exit code the CLI gives each class.
 */
import {
  CONNECTOR_FAILURES,
  POWERSCHOOL_ERROR_CODES,
  SETUP_ERROR_CODES,
  WRITEBACK_FAILURE_CODES,
  type ConnectorErrorCode,
} from '../../connector/index.ts';
import { PLUGIN_ERROR_CODES, PLUGIN_ERROR_FIXES } from '../../plugin/plugin-error.ts';
import { SIMULATOR_ERROR_CODES, SIMULATOR_ERROR_FIXES } from '../../simulator/simulator-error.ts';
import { EXIT_CODES } from '../cli/report-error.ts';

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function connectorTable(codes: readonly ConnectorErrorCode[]): string[] {
  return [
    '| code | meaning | fix |',
    '| --- | --- | --- |',
    ...codes.map((code) => {
      const { meaning, fix } = CONNECTOR_FAILURES[code];
      return `| \`${code}\` | ${escapeCell(meaning)} | ${escapeCell(fix)} |`;
    }),
  ];
}

/** The section, in Markdown. */
export function renderFailureCodes(): string {
  return [
    '## Failure codes',
    '',
    'Every failure pswb reports carries a stable code. The CLI prints it after the message, with the fix on the next line (`--debug` adds the stack trace), and exits with the code of its class:',
    '',
    '| exit code | class |',
    '| --- | --- |',
    `| ${EXIT_CODES.failures} | the verb ran and reports failures (events that failed, contract checks that failed, a bundle PowerSchool would refuse) |`,
    `| ${EXIT_CODES.usage} | usage: an option or argument is wrong (\`--help\` shows the valid ones) |`,
    `| ${EXIT_CODES.connector} | \`ConnectorError\`: the connector refused (settings, data directory, input) |`,
    `| ${EXIT_CODES.powerschool} | \`PowerSchoolError\`: PowerSchool could not be reached or refused the call |`,
    `| ${EXIT_CODES.plugin} | \`PluginError\`: a plugin bundle could not be read or built |`,
    `| ${EXIT_CODES.simulator} | \`SimulatorError\`: the simulator could not start or refused a control call |`,
    `| ${EXIT_CODES.interrupted} | stopped by Ctrl-C or SIGTERM (what finished is kept) |`,
    `| ${EXIT_CODES.internal} | an unexpected error inside pswb (run again with \`--debug\` and report it) |`,
    '',
    '### Connector: settings, input and the data directory',
    '',
    ...connectorTable(SETUP_ERROR_CODES),
    '',
    '### Connector: writebacks decided before posting',
    '',
    'These are the codes of the Writeback Logs rows above; the catalogue gives their causes and the full steps.',
    '',
    ...connectorTable(WRITEBACK_FAILURE_CODES),
    '',
    '### PowerSchool calls',
    '',
    ...connectorTable(POWERSCHOOL_ERROR_CODES),
    '',
    '### Plugin bundles',
    '',
    '| code | fix |',
    '| --- | --- |',
    ...PLUGIN_ERROR_CODES.map(
      (code) => `| \`${code}\` | ${escapeCell(PLUGIN_ERROR_FIXES[code])} |`,
    ),
    '',
    '### Simulator',
    '',
    '| code | fix |',
    '| --- | --- |',
    ...SIMULATOR_ERROR_CODES.map(
      (code) => `| \`${code}\` | ${escapeCell(SIMULATOR_ERROR_FIXES[code])} |`,
    ),
    '',
  ].join('\n');
}
