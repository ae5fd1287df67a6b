/** A verb as `pswb --help` lists it: its words, its summary, and the command, loaded on demand. */
import type { Command } from './command.ts';

/** One entry of the verb table. */
export interface Verb {
  /** The words that select it, e.g. `plugin build`. */
  name: string;
  /** One line for `pswb --help`. */
  summary: string;
  /** Imports the verb's module (only when it runs or its help is asked for). */
  load: () => Promise<Command>;
}

/** A verb whose command is already loaded (tests, embedding). */
export function loadedVerb(command: Command, summary: string): Verb {
  return { name: command.name, summary, load: async () => command };
}
