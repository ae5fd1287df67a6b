import type { Command } from '../cli/command.ts';
import { pluginBuildCommand } from './plugin-build.ts';
import { pluginInspectCommand } from './plugin-inspect.ts';
import { connectCommand } from './connect.ts';
import { schoolsCommand, schoolsSetCommand } from './schools.ts';
import { codesImportCommand } from './codes-import.ts';
import { writebackSendCommand } from './writeback-send.ts';
import { writebackLogsCommand } from './writeback-logs.ts';
import { writebackReplayCommand } from './writeback-replay.ts';
import { simStartCommand } from './sim-start.ts';
import { demoCommand } from './demo.ts';
import { reproCommand } from './repro.ts';
import { reproListCommand } from './repro-list.ts';
import { createContractCommand } from '../contract.ts';

/**
 * Every `pswb` verb, in the order `pswb --help` lists them. Each verb lives in its own file
 * under scripts/commands/ and only wires arguments to the library in plugin/, simulator/ or
 * connector/.
 */
export const COMMANDS: readonly Command[] = [
  demoCommand,
  pluginBuildCommand,
  pluginInspectCommand,
  simStartCommand,
  connectCommand,
  schoolsCommand,
  schoolsSetCommand,
  codesImportCommand,
  writebackSendCommand,
  writebackLogsCommand,
  writebackReplayCommand,
  reproListCommand,
  reproCommand,
  createContractCommand(),
];
