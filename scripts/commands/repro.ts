import { nearest } from '../cli/suggest.ts';
import {
  UnknownScenarioError,
  findScenario,
  scenarioNames,
  renderReport,
  runScenario,
} from '../../repro/index.ts';
import { UsageError, type CliIO, type Command } from '../cli/command.ts';
import { parseOptions } from '../cli/parse-options.ts';

const OPTIONS = { json: { type: 'boolean' } } as const;

async function run(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseOptions(argv, OPTIONS, { maxPositionals: 1 });
  const [name] = positionals;
  if (name === undefined) {
    throw new UsageError(
      'name the scenario to run, e.g. pswb repro missing-period (pswb repro list shows them all).',
    );
  }
  let scenario;
  try {
    scenario = findScenario(name);
  } catch (error) {
    if (error instanceof UnknownScenarioError) {
      // "pswb repro lst" most likely meant the list verb, not a scenario.
      const guess = nearest(name, ['list', ...scenarioNames()]);
      const hint = guess ? ` Did you mean "pswb repro ${guess}"?` : '';
      throw new UsageError(`${error.message}${hint}`);
    }
    throw error;
  }
  const report = await runScenario(scenario);
  io.stdout(values.json ? `${JSON.stringify(report, jsonReplacer, 2)}\n` : renderReport(report));
  return report.ok ? 0 : 1;
}

/** RegExps (expected messages) print as their source; everything else as is. */
function jsonReplacer(_key: string, value: unknown): unknown {
  return value instanceof RegExp ? String(value) : value;
}

/** `pswb repro <name>`: reproduce one of the guide's errors, apply its fix, replay to success. */
export const reproCommand: Command = {
  name: 'repro',
  help: `Usage: pswb repro <name> [--json]
       pswb repro list      (the scenarios, one per error in the guide)

Reproduces a customer's writeback error on this machine: builds the demo district in a
simulated PowerSchool (in process, on a free port, memory only), performs the writeback through
the real connector (its settings and log in a temporary folder, removed afterwards), shows the
failed log row with PowerSchool's exact message and the guide's meaning and fix, applies that
fix, and replays to success. Nothing in ./data or $PSWB_DATA_DIR is touched.

The last line is the verdict: "repro <name>: reproduced and resolved" (exit code 0), or what did
not behave as documented (exit code 1). An unknown name is exit code 2.

Arguments:
  <name>             The scenario (required); pswb repro list shows every name

Options:
  --json             Print one JSON object (the whole report) instead of the story (default: off)

Examples:
  pswb repro missing-period
  pswb repro v1-access-level --json
`,
  run,
};
