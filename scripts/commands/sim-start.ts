import { DEFAULT_PS_VERSION } from '../../plugin/ps-version.ts';
import {
  FaultRuleError,
  parseFaultFlag,
  type FaultRuleInput,
} from '../../simulator/platform/index.ts';
import { SimulatorError } from '../../simulator/simulator-error.ts';
import { LARGE_DEFAULT_STUDENTS, LARGE_MAX_STUDENTS } from '../../simulator/seeds/large.ts';
import {
  startSimulator,
  type RunningSimulator,
  type StartSimulatorOptions,
} from '../../simulator/server.ts';
import { UsageError, type CliIO, type Command } from '../cli/command.ts';
import {
  isoInstantOption,
  parseIntegerOption,
  parseOptions,
  psVersionOption,
} from '../cli/parse-options.ts';

const HELP = `Usage: pswb sim start [options]

Starts the PowerSchool simulator. When it is ready it prints ONE JSON line to stdout:
  {"event":"ready","url":"http://127.0.0.1:7070","psVersion":"25.3.0",
   "plugin":{"name":"Navigate360 Attendance Access","clientId":"...","clientSecret":"..."}}
(plugin is null with --no-plugin). Everything else goes to stderr. SIGINT/SIGTERM write the
state file and exit 0.

Options:
  --port N            Port to listen on; 0 picks a free one (default 7070)
  --host HOST         Address to listen on (default 127.0.0.1)
  --data FILE         State file, written behind and on exit; resumed when it exists
                      (default data/simulator.json). Holds client secrets: created 0600.
  --no-data           Keep state in memory only (nothing written)
  --fresh             Ignore an existing --data file and start from the seed (overwrites it)
  --seed NAME|FILE    demo, large, or a JSON seed file (default demo)
  --students N        Students in the large seed, 1-${LARGE_MAX_STUDENTS} (default ${LARGE_DEFAULT_STUDENTS})
  --ps-version V      PowerSchool version to behave as (default ${DEFAULT_PS_VERSION})
  --no-plugin         Do not install the Navigate360 Attendance Access plugin
  --clock ISO         Pin the simulator clock, e.g. 2026-10-14T13:47:00Z (default: real time)
  --fault RULE        A fault rule, repeatable, e.g. --fault "POST /ws/attendance/*: 500,500,ok"
                      (syntax: docs/simulator.md, "Fault injection")
  --random-seed N     Make credentials, tokens and fault draws reproducible (default: random)
  -h, --help          This help

Examples:
  pswb sim start --port 0 --no-data
  pswb sim start --seed large --students 100000 --data data/large.json
  pswb sim start --ps-version 24.11.0.0 --clock 2026-10-14T13:47:00Z --fault "* /ws/** latency=50-200"
`;

const SPEC = {
  port: { type: 'string' },
  host: { type: 'string' },
  data: { type: 'string' },
  'no-data': { type: 'boolean' },
  fresh: { type: 'boolean' },
  seed: { type: 'string' },
  students: { type: 'string' },
  'ps-version': { type: 'string' },
  'no-plugin': { type: 'boolean' },
  clock: { type: 'string' },
  fault: { type: 'string', multiple: true },
  'random-seed': { type: 'string' },
} as const;

function readOptions(argv: string[]): StartSimulatorOptions {
  const { values } = parseOptions(argv, SPEC);
  if (values['no-data'] && values.data !== undefined)
    throw new UsageError('use either --data FILE or --no-data, not both.');
  const psVersion = psVersionOption(values['ps-version'] ?? DEFAULT_PS_VERSION).text;
  const clock = values.clock === undefined ? undefined : isoInstantOption('clock', values.clock);
  const faults: FaultRuleInput[] = ((values.fault as unknown as string[] | undefined) ?? []).map(
    (text) => {
      try {
        return parseFaultFlag(text);
      } catch (error) {
        if (error instanceof FaultRuleError) throw new UsageError(`--fault: ${error.message}`);
        throw error;
      }
    },
  );
  const randomSeed =
    values['random-seed'] === undefined
      ? undefined
      : parseIntegerOption('random-seed', values['random-seed'], 0, { min: 0, max: 2 ** 31 - 1 });
  return {
    port: parseIntegerOption('port', values.port, 7070, { min: 0, max: 65_535 }),
    host: values.host ?? '127.0.0.1',
    dataPath: values['no-data'] ? null : (values.data ?? 'data/simulator.json'),
    fresh: values.fresh === true,
    seed: values.seed ?? 'demo',
    students: parseIntegerOption('students', values.students, LARGE_DEFAULT_STUDENTS, {
      min: 1,
      max: LARGE_MAX_STUDENTS,
    }),
    psVersion,
    plugin: values['no-plugin'] !== true,
    faults,
    ...(clock ? { clock } : {}),
    ...(randomSeed !== undefined ? { randomSeed } : {}),
  };
}

async function start(options: StartSimulatorOptions, io: CliIO): Promise<RunningSimulator> {
  try {
    return await startSimulator({ ...options, log: (line) => io.stderr(line) });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new SimulatorError(
        'port_in_use',
        `port ${options.port} is in use on ${options.host}.`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
}

/** Resolves when SIGINT or SIGTERM arrives; dispose() stops listening. */
function listenForStop(): { stopped: Promise<string>; dispose: () => void } {
  let onSignal: (signal: string) => void = () => undefined;
  const stopped = new Promise<string>((resolve) => {
    onSignal = (signal) => {
      dispose();
      resolve(signal);
    };
  });
  const dispose = (): void => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { stopped, dispose };
}

/** `pswb sim start`: runs the simulator until SIGINT/SIGTERM. */
export const simStartCommand: Command = {
  name: 'sim start',
  help: HELP,
  async run(argv, io) {
    const options = readOptions(argv);
    // Listen before starting: a signal during start-up must still end in a clean stop.
    const { stopped, dispose } = listenForStop();
    let sim: RunningSimulator;
    try {
      sim = await start(options, io);
    } catch (error) {
      dispose();
      throw error;
    }
    io.stdout(
      JSON.stringify({
        event: 'ready',
        url: sim.url,
        psVersion: sim.psVersion,
        plugin: sim.plugin
          ? {
              name: sim.plugin.name,
              clientId: sim.plugin.clientId,
              clientSecret: sim.plugin.clientSecret,
            }
          : null,
      }),
    );
    if (sim.plugin) {
      // The Data Provider Configuration's credentials, as pswb connect and contract take them.
      io.stderr(
        `[simulator] connect with: PSWB_CLIENT_SECRET=${sim.plugin.clientSecret} pswb connect --url ${sim.url} --client-id ${sim.plugin.clientId}`,
      );
    }
    const signal = await stopped;
    io.stderr(`[simulator] ${signal}: writing state and stopping`);
    await sim.close();
    return 0;
  },
};
