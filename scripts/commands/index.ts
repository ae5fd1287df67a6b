import type { Command } from '../cli/command.ts';

/**
 * Every `pswb` verb, in the order `pswb --help` lists them. Each verb lives in its own file
 * under scripts/commands/ and only wires arguments to the library in plugin/, simulator/ or
 * connector/.
 */
export const COMMANDS: readonly Command[] = [];
