/**
 * The simulator's one error class: every failure of the simulator itself (not a PowerSchool
 * answer it serves, which is PsHttpError) carries a stable `code` callers can switch on, a message
 * saying what is wrong and a `fix` saying what to do. The CLI prints it as one line plus the fix
 * and exits 6; docs/troubleshooting.md lists every code.
 */

/** Every code a SimulatorError can carry. */
export const SIMULATOR_ERROR_CODES = [
  'seed_invalid',
  'seed_file_unreadable',
  'state_file_unreadable',
  'fault_rule_invalid',
  'plugin_install_refused',
  'plugin_registry_refused',
  'port_in_use',
  'control_refused',
] as const;
export type SimulatorErrorCode = (typeof SIMULATOR_ERROR_CODES)[number];

/** What to do about each code, in one sentence. */
export const SIMULATOR_ERROR_FIXES: Readonly<Record<SimulatorErrorCode, string>> = {
  seed_invalid:
    'Fix each value named (path: problem) in the seed, or start with --seed demo; docs/simulator.md shows a seed file.',
  seed_file_unreadable: '--seed takes demo, large, or the path of a readable JSON seed file.',
  state_file_unreadable:
    'The data file was left untouched: move it away, start with --data <another path>, or --fresh to replace it with the seed.',
  fault_rule_invalid:
    'Write a rule as "[METHOD] PATH ACTION [p=0.5] [times=N]", e.g. "POST /ws/attendance/* status=500 times=2" (pswb sim start --help).',
  plugin_install_refused:
    'Fix each problem listed in the bundle (pswb plugin inspect shows them all), or install it under a name not taken.',
  plugin_registry_refused:
    'Use a plugin id from GET /__sim/plugins, in the state the route expects.',
  port_in_use: 'Pick another port with --port, or --port 0 for a free one.',
  control_refused: 'Fix the request as the message says; GET /__sim lists every control route.',
};

/** A failure of the simulator, with a stable code, a message and a fix. */
export class SimulatorError extends Error {
  override name = 'SimulatorError';
  readonly code: SimulatorErrorCode;
  readonly #fix: string | undefined;

  constructor(
    code: SimulatorErrorCode,
    message: string,
    options: { fix?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.#fix = options.fix;
  }

  /** What to do next. */
  get fix(): string {
    return this.#fix ?? SIMULATOR_ERROR_FIXES[this.code];
  }
}
