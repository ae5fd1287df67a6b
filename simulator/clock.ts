/** The simulator's clock: real time by default, or pinned/offset through /__sim/clock. */
export class SimClock {
  #offsetMs = 0;
  #frozenAt: number | undefined;

  /** The simulated current instant. */
  now(): Date {
    return new Date(this.nowMs());
  }

  /** The simulated current instant in epoch milliseconds. */
  nowMs(): number {
    return this.#frozenAt ?? Date.now() + this.#offsetMs;
  }

  /** Pins the clock to an instant (it stays there until advanced or released). */
  set(instant: Date, { frozen = true }: { frozen?: boolean } = {}): void {
    if (frozen) {
      this.#frozenAt = instant.getTime();
      this.#offsetMs = 0;
    } else {
      this.#frozenAt = undefined;
      this.#offsetMs = instant.getTime() - Date.now();
    }
  }

  /** Moves the clock forward (or back, with a negative value). */
  advance(ms: number): void {
    if (this.#frozenAt !== undefined) this.#frozenAt += ms;
    else this.#offsetMs += ms;
  }

  /** Returns to real time. */
  reset(): void {
    this.#frozenAt = undefined;
    this.#offsetMs = 0;
  }

  /** Describes the clock for /__sim/clock. */
  describe(): { now: string; frozen: boolean; offsetMs: number } {
    return {
      now: this.now().toISOString(),
      frozen: this.#frozenAt !== undefined,
      offsetMs: this.#offsetMs,
    };
  }
}
