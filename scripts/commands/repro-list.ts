import { SCENARIOS, renderScenarioList } from '../../repro/index.ts';
import type { CliIO, Command } from '../cli/command.ts';
import { parseOptions } from '../cli/parse-options.ts';

const OPTIONS = { json: { type: 'boolean' } } as const;

async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, OPTIONS);
  if (values.json) {
    const list = SCENARIOS.map((scenario) => ({
      name: scenario.name,
      title: scenario.title,
      ...(scenario.guideError !== undefined ? { guideError: scenario.guideError } : {}),
      ...(scenario.beyondGuide !== undefined ? { beyondGuide: scenario.beyondGuide } : {}),
      ...(scenario.troubleshootingId !== undefined
        ? { troubleshootingId: scenario.troubleshootingId }
        : {}),
      ...(scenario.psVersion ? { psVersion: scenario.psVersion } : {}),
    }));
    io.stdout(`${JSON.stringify({ scenarios: list }, null, 2)}\n`);
  } else {
    io.stdout(renderScenarioList(SCENARIOS));
  }
  return 0;
}

/** `pswb repro list`: the scenario catalogue. */
export const reproListCommand: Command = {
  name: 'repro list',
  help: `Usage: pswb repro list [--json]

Lists every scenario pswb repro can run: its name, what it reproduces and, when it is not the
newest profile, the PowerSchool version it simulates.

Options:
  --json             Print {"scenarios":[{name,title,guideError?,beyondGuide?,
                     troubleshootingId?,psVersion?}]} instead of the list (default: off)

Example:
  pswb repro list
`,
  run,
};
