/** Turns of the event loop during a long import, so that an API instance keeps serving. */

/** Longest stretch of import work between two turns of the event loop, in milliseconds. */
const TURN_MS = 20;

/**
 * Gives the event loop a turn when {@link TURN_MS} have passed since the last one, so that a large
 * import (whose work otherwise continues in microtasks: parsing) does not hold up the other
 * requests an API instance serves.
 */
export class EventLoopTurns {
  #last = performance.now();

  /** Resolves at once, or after a turn of the event loop when the time is up. */
  async take(): Promise<void> {
    if (performance.now() - this.#last < TURN_MS) return;
    await new Promise(setImmediate);
    this.#last = performance.now();
  }
}
