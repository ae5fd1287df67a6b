/**
 * Progress of a long run on stderr: a bar redrawn in place on a terminal (at most every 100 ms),
 * or a plain line every 5% when stderr is a file or a pipe.
 */
import type { CliIO } from './command.ts';

/** What a run reports (connector's RunProgress). */
export interface Progress {
  done: number;
  total: number;
  successful: number;
  failed: number;
  notAttempted: number;
}

const BAR_WIDTH = 24;
const REDRAW_MS = 100;

/** A progress reporter for `verb` ("sent", "replayed"); call end() when the run is over. */
export function progressReporter(io: CliIO, verb: string): Reporter {
  return io.isTTY ? barReporter(io, verb) : lineReporter(io, verb);
}

function counts(progress: Progress): string {
  return `${progress.successful} successful, ${progress.failed} failed, ${progress.notAttempted} not attempted`;
}

/** What a reporter does. */
interface Reporter {
  update: (progress: Progress) => void;
  end: () => void;
}

function barReporter(_io: CliIO, verb: string): Reporter {
  let lastDrawn = 0;
  let drawn = false;
  let latest: Progress | undefined;
  const draw = (progress: Progress): void => {
    const share = progress.total === 0 ? 1 : Math.min(1, progress.done / progress.total);
    const filled = Math.round(share * BAR_WIDTH);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}`;
    const line = `${verb} [${bar}] ${progress.done}/${progress.total} (${counts(progress)})`;
    process.stderr.write(`\r${line}\u001b[K`);
    drawn = true;
  };
  return {
    update(progress: Progress) {
      latest = progress;
      const now = Date.now();
      if (now - lastDrawn < REDRAW_MS && progress.done !== progress.total) return;
      lastDrawn = now;
      draw(progress);
    },
    end() {
      if (latest) draw(latest);
      if (drawn) process.stderr.write('\n');
    },
  };
}

function lineReporter(io: CliIO, verb: string): Reporter {
  let lastShown = 0;
  return {
    update(progress: Progress) {
      const step = Math.max(1, Math.floor(progress.total / 20));
      if (progress.total < 10) return;
      if (progress.done - lastShown < step && progress.done !== progress.total) return;
      lastShown = progress.done;
      io.stderr(`${verb} ${progress.done}/${progress.total} (${counts(progress)})`);
    },
    end() {},
  };
}
