/**
 * Every failure of a `pswb` verb printed the same way: one line saying what is wrong, one line
 * saying what to do, and an exit code by class; a stack trace only with --debug.
 *
 * Exit codes: 0 done; 1 the verb ran and reports failures (events that failed, contract checks
 * that failed, a bundle PowerSchool would refuse); 2 usage; 3 the connector refused (settings,
 * data directory, input); 4 PowerSchool could not be reached or refused the call; 5 a plugin
 * bundle could not be read or built; 6 the simulator could not start; 130 stopped by Ctrl-C;
 * 70 an unexpected error inside pswb.
 */

/** The exit code of each class of failure. */
export const EXIT_CODES = {
  ok: 0,
  failures: 1,
  usage: 2,
  connector: 3,
  powerschool: 4,
  plugin: 5,
  simulator: 6,
  internal: 70,
  interrupted: 130,
} as const;

/** What report-error needs of the labels (command.ts's RunLabels). */
interface Labels {
  label: string;
  helpHint: string;
  debug?: boolean;
}

/** A failure of one of pswb's classes, told apart by its name (no import of every part needed). */
interface CodedFailure {
  name: string;
  message: string;
  code?: unknown;
  fix?: unknown;
  exitCode?: unknown;
  stack?: string;
}

const CLASS_EXIT: Record<string, number> = {
  UsageError: EXIT_CODES.usage,
  ConnectorError: EXIT_CODES.connector,
  PowerSchoolError: EXIT_CODES.powerschool,
  PluginError: EXIT_CODES.plugin,
  SimulatorError: EXIT_CODES.simulator,
};

/** The class a failure belongs to: its own name, or the nearest pswb base class it extends. */
function failureClass(error: Error): string | undefined {
  for (let proto: object | null = error; proto; proto = Object.getPrototypeOf(proto)) {
    const name = (proto as { constructor?: { name?: string } }).constructor?.name;
    if (name && (name in CLASS_EXIT || name === 'CliError')) return name;
  }
  return undefined;
}

/** Prints a failure as `label: message` + `  Fix: ...`; resolves to its exit code. */
export function reportError(
  error: unknown,
  io: { stderr: (text: string) => void },
  labels: Labels,
): number {
  if (!(error instanceof Error)) {
    io.stderr(`${labels.label}: unexpected failure: ${String(error)}`);
    return EXIT_CODES.internal;
  }
  const failure = error as CodedFailure;
  const kind = failureClass(error);
  const stack = labels.debug && error.stack ? `\n${error.stack}` : '';
  if (kind === 'UsageError') {
    io.stderr(`${labels.label}: ${error.message}\n${labels.helpHint}${stack}`);
    return EXIT_CODES.usage;
  }
  if (kind === undefined) {
    const hint = labels.debug
      ? ''
      : '\n  Fix: run the command again with --debug and report the stack trace to the pswb maintainers.';
    io.stderr(`${labels.label}: unexpected error: ${error.message}${hint}${stack}`);
    return EXIT_CODES.internal;
  }
  const code = typeof failure.code === 'string' ? ` [${failure.code}]` : '';
  const fix = typeof failure.fix === 'string' && failure.fix ? `\n  Fix: ${failure.fix}` : '';
  io.stderr(`${labels.label}: ${error.message}${code}${fix}${stack}`);
  if (kind === 'CliError') return typeof failure.exitCode === 'number' ? failure.exitCode : 1;
  return CLASS_EXIT[kind]!;
}
