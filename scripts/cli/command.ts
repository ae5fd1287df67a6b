/**
 * A `pswb` verb and how one runs: --help prints its help, and any failure is reported by
 * report-error.ts as one line and a fix, with an exit code by class.
 */
import { reportError } from './report-error.ts';

/** Where a command writes: stdout for results (JSON lines, tables), stderr for human progress. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stderr is a terminal (progress bars are drawn only then). */
  isTTY?: boolean;
  /** All of standard input, as text (--password-stdin); the process's stdin when omitted. */
  stdin?: () => Promise<string>;
}

/** One `pswb` verb (possibly two words, such as `plugin build`). */
export interface Command {
  /** The words that select it, e.g. `plugin build`. */
  name: string;
  /** The whole `--help` text: usage line, options with defaults, examples. */
  help: string;
  /** Runs the verb with the arguments after its name; resolves to the exit code. */
  run: (argv: string[], io: CliIO) => Promise<number>;
}

/** A mistake in how the command was called: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure the user can act on (bad file, refused connection): printed plainly. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
    /** What to do, printed under the message. */
    readonly fix?: string,
  ) {
    super(message);
  }
}

/** Reads the process's standard input to its end. */
export async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The process's own streams. */
export const processIO: CliIO = {
  stdout: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  stderr: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  isTTY: process.stderr.isTTY === true,
  stdin: readProcessStdin,
};

/** How a failure is labelled and what help it points to. */
export interface RunLabels {
  /** Printed before a failure, e.g. `pswb connect`. */
  label: string;
  /** Printed after a usage error, e.g. `Run pswb connect --help.` */
  helpHint: string;
  /** Print the stack of any failure. */
  debug?: boolean;
}

/** Runs a verb as a program does: --help/-h prints its help (exit 0); failures are reported. */
export async function runCommand(
  command: Command,
  argv: string[],
  io: CliIO,
  labels: RunLabels,
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(command.help);
    return 0;
  }
  try {
    return await command.run(argv, io);
  } catch (error) {
    return reportError(error, io, labels);
  }
}
