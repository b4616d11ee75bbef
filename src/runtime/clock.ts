/**
 * Time as a dependency. Decisions take `now` as an argument; orchestration
 * reads it from a Clock so that tests and the simulated main job control it.
 */
export interface Clock {
  now(): Date;
}

/** Waits for a number of milliseconds; the simulated clock advances instead. */
export type Sleep = (ms: number) => Promise<void>;

export const systemClock: Clock = { now: () => new Date() };

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A clock that moves only when told: `sleep` advances it at once, so soak and
 * bake times of hours run in milliseconds in tests and in the offline example.
 */
export class ManualClock implements Clock {
  private t: number;
  constructor(start: Date | string | number) {
    this.t = new Date(start).getTime();
    if (Number.isNaN(this.t)) throw new RangeError(`invalid start time: ${String(start)}`);
  }
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`cannot move a clock back or by ${ms} ms`);
    this.t += ms;
  }
  readonly sleep: Sleep = async (ms) => {
    this.advance(ms);
  };
}
