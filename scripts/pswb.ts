/**
 * The `pswb` command: finds the verb named by the leading words, answers --help, --version and
 * typos, and runs the verb (loading its module only then, so `pswb --help` starts fast).
 */
import { VERBS } from './commands/index.ts';
import { processIO, runCommand, type CliIO } from './cli/command.ts';
import { EXIT_CODES } from './cli/report-error.ts';
import { didYouMean, nearest } from './cli/suggest.ts';
import type { Verb } from './cli/verb.ts';
import { pswbVersion } from './cli/version.ts';

const PROGRAM_HELP_HEADER = `pswb: PowerSchool attendance writebacks

Usage: pswb <verb> [options]      pswb <verb> --help for a verb's options, defaults and examples
       pswb --version              pswb help <verb>

Verbs:`;

const PROGRAM_HELP_FOOTER = `
Global options: --debug (print the stack trace of a failure), --version, --help.
Exit codes: 0 done, 1 failures reported, 2 usage, 3 connector refused, 4 PowerSchool
unreachable or refused, 5 plugin bundle, 6 simulator, 130 stopped, 70 internal error.`;

/** Renders `pswb --help`: every verb with its one-line summary. */
export function renderProgramHelp(verbs: readonly Verb[] = VERBS): string {
  const width = Math.max(...verbs.map((verb) => verb.name.length), 4) + 2;
  const rows = verbs.map((verb) => `  ${verb.name.padEnd(width)}${verb.summary}`);
  return `${PROGRAM_HELP_HEADER}\n${rows.join('\n')}\n${PROGRAM_HELP_FOOTER}\n`;
}

/** Renders the help of a group of verbs (`pswb plugin --help`). */
function renderGroupHelp(group: string, verbs: readonly Verb[]): string {
  const members = verbs.filter((verb) => verb.name.startsWith(`${group} `));
  const width = Math.max(...members.map((verb) => verb.name.length)) + 2;
  const subs = members.map((verb) => verb.name.split(' ')[1]).join('|');
  return `Usage: pswb ${group} <${subs}> [options]      pswb ${group} <${subs}> --help for options\n\n${members
    .map((verb) => `  ${verb.name.padEnd(width)}${verb.summary}`)
    .join('\n')}\n`;
}

/** Finds the verb named by the leading words of argv (longest match first). */
function findVerb(
  argv: readonly string[],
  verbs: readonly Verb[],
): { verb: Verb; rest: string[] } | undefined {
  const sorted = [...verbs].sort((a, b) => b.name.split(' ').length - a.name.split(' ').length);
  for (const verb of sorted) {
    const words = verb.name.split(' ');
    if (words.every((word, index) => argv[index] === word)) {
      return { verb, rest: argv.slice(words.length) };
    }
  }
  return undefined;
}

/** The message for words that name no verb: the nearest verb, or the group's members. */
function unknownVerb(argv: readonly string[], verbs: readonly Verb[]): string {
  const groups = [...new Set(verbs.map((verb) => verb.name.split(' ')[0]!))];
  const [first = '', second] = argv;
  if (groups.includes(first) && second !== undefined && !second.startsWith('-')) {
    const subs = verbs.filter((v) => v.name.startsWith(`${first} `)).map((v) => v.name);
    const guess = nearest(`${first} ${second}`, subs);
    const hint = guess ? ` Did you mean "pswb ${guess}"?` : '';
    return `"${first}" has no verb "${second}".${hint} "${first}" takes: ${subs.join(', ')}.`;
  }
  const guess = nearest(first, [...groups, ...verbs.map((verb) => verb.name)]);
  const hint = guess ? ` Did you mean "pswb ${guess}"?` : '';
  return `unknown verb "${first}".${hint} Verbs: ${groups.join(', ')}.`;
}

/** Runs `pswb` with the given arguments; resolves to the process exit code. */
export async function main(
  rawArgv: string[],
  io: CliIO = processIO,
  verbs: readonly Verb[] = VERBS,
): Promise<number> {
  const debug = rawArgv.includes('--debug');
  const argv = rawArgv.filter((arg) => arg !== '--debug');
  const [first] = argv;
  if (first === '--version' || first === '-V' || (first === 'version' && argv.length === 1)) {
    io.stdout(`pswb ${pswbVersion()}`);
    return EXIT_CODES.ok;
  }
  if (first === undefined || first === '--help' || first === '-h') {
    io[first === undefined ? 'stderr' : 'stdout'](renderProgramHelp(verbs));
    return first === undefined ? EXIT_CODES.usage : EXIT_CODES.ok;
  }
  // `pswb help writeback send` is `pswb writeback send --help`.
  if (first === 'help') return main([...argv.slice(1), '--help'], io, verbs);
  const found = findVerb(argv, verbs);
  if (!found) {
    const groupHelp = verbs.some((verb) => verb.name.startsWith(`${first} `));
    const asksHelp = argv[1] === undefined || argv[1] === '--help' || argv[1] === '-h';
    if (groupHelp && asksHelp) {
      io[argv[1] === undefined ? 'stderr' : 'stdout'](renderGroupHelp(first, verbs));
      return argv[1] === undefined ? EXIT_CODES.usage : EXIT_CODES.ok;
    }
    if (first.startsWith('-')) {
      io.stderr(
        `pswb: unknown option "${first}".${didYouMean(first, ['--help', '--version', '--debug'])} Run pswb --help.`,
      );
    } else io.stderr(`pswb: ${unknownVerb(argv, verbs)} Run pswb --help.`);
    return EXIT_CODES.usage;
  }
  const { verb, rest } = found;
  // `pswb schools st`: a word after a verb that heads a group is most likely a mistyped sub-verb.
  const word = rest[0];
  const subs = verbs.filter((v) => v.name.startsWith(`${verb.name} `)).map((v) => v.name);
  const meant = word && !word.startsWith('-') ? nearest(`${verb.name} ${word}`, subs) : undefined;
  if (meant) {
    io.stderr(
      `pswb: "${verb.name}" has no verb "${word}". Did you mean "pswb ${meant}"? Run pswb --help.`,
    );
    return EXIT_CODES.usage;
  }
  return runCommand(await verb.load(), rest, io, {
    label: `pswb ${verb.name}`,
    helpHint: `Run pswb ${verb.name} --help.`,
    debug,
  });
}
