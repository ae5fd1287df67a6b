/** Where a command writes: stdout for results (JSON lines, tables), stderr for human progress. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** One `pswb` verb (possibly two words, such as `plugin build`). */
export interface Command {
  /** The words that select it, e.g. `plugin build`. */
  name: string;
  /** One line for `pswb --help`. */
  summary: string;
  /** The whole `--help` text: usage line, options with defaults, examples. */
  help: string;
  /** Runs the verb with the arguments after its name; resolves to the exit code. */
  run: (argv: string[], io: CliIO) => Promise<number>;
}

/** A mistake in how the command was called: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure the user can act on (bad file, refused connection): printed plainly, exit code 1. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** The process's own streams. */
export const processIO: CliIO = {
  stdout: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  stderr: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

/**
 * Runs a verb as a program does: --help/-h prints its help (exit 0); a UsageError is printed
 * after `label` with `helpHint` (exit 2); a CliError is printed after `label` (its exit code).
 */
export async function runCommand(
  command: Command,
  argv: string[],
  io: CliIO,
  { label, helpHint }: { label: string; helpHint: string },
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(command.help);
    return 0;
  }
  try {
    return await command.run(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${label}: ${error.message}\n${helpHint}`);
      return 2;
    }
    if (error instanceof CliError) {
      io.stderr(`${label}: ${error.message}`);
      return error.exitCode;
    }
    throw error;
  }
}
