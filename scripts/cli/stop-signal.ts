/** Ctrl-C and SIGTERM as an AbortSignal for the length of a run. */

/** A signal that aborts on SIGINT or SIGTERM (with `reason()`), until dispose() is called. */
export function stopOnSignals(reason: (signal: string) => unknown): {
  signal: AbortSignal;
  /** The signal's name once one arrived. */
  received: () => string | undefined;
  dispose: () => void;
} {
  const controller = new AbortController();
  let received: string | undefined;
  const onSignal = (name: string): void => {
    if (received) return;
    received = name;
    controller.abort(reason(name));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    received: () => received,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
