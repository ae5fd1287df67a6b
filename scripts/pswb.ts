import { COMMANDS } from './commands/index.ts';
import { processIO, runCommand, type CliIO, type Command } from './cli/command.ts';

const PROGRAM_HELP_HEADER = `pswb: PowerSchool attendance writebacks

Usage: pswb <verb> [options]      pswb <verb> --help for a verb's options

Verbs:`;

/** Renders `pswb --help`: every verb with its one-line summary. */
export function renderProgramHelp(commands: readonly Command[] = COMMANDS): string {
  const width = Math.max(...commands.map((command) => command.name.length), 4) + 2;
  const rows = commands.map((command) => `  ${command.name.padEnd(width)}${command.summary}`);
  return `${PROGRAM_HELP_HEADER}\n${rows.join('\n')}\n`;
}

/** Finds the verb named by the leading words of argv (longest match first). */
function findCommand(
  argv: string[],
  commands: readonly Command[],
): { command: Command; rest: string[] } | undefined {
  const sorted = [...commands].sort((a, b) => b.name.split(' ').length - a.name.split(' ').length);
  for (const command of sorted) {
    const words = command.name.split(' ');
    if (words.every((word, index) => argv[index] === word)) {
      return { command, rest: argv.slice(words.length) };
    }
  }
  return undefined;
}

/** Runs `pswb` with the given arguments; resolves to the process exit code. */
export async function main(
  argv: string[],
  io: CliIO = processIO,
  commands: readonly Command[] = COMMANDS,
): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout(renderProgramHelp(commands));
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(argv, commands);
  if (!found) {
    const group = commands.filter((command) => command.name.startsWith(`${argv[0]} `));
    const hint = group.length
      ? `"${argv[0]}" takes one of: ${group.map((command) => command.name).join(', ')}.`
      : `Valid verbs: ${[...new Set(commands.map((command) => command.name.split(' ')[0]))].join(', ')}.`;
    io.stderr(`pswb: unknown verb "${argv.join(' ')}". ${hint} Run pswb --help.`);
    return 2;
  }
  const { command, rest } = found;
  return runCommand(command, rest, io, {
    label: `pswb ${command.name}`,
    helpHint: `Run pswb ${command.name} --help.`,
  });
}
