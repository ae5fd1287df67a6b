/** Anything that tells the current instant: the system clock, or a simulator's SimClock. */
export interface Clock {
  now(): Date;
}

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() };
