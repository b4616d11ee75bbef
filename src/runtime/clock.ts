/**
 * Time as a dependency. Decisions take `now` as an argument; orchestration
 * reads it from a Clock so that tests and the simulated main job control it.
 */
export interface Clock {
  now(): Date;
}

/**
 * Waits for a number of milliseconds; the simulated clock advances instead.
 * With a signal, the wait ends early when it aborts (and its timer is
 * cleared, so that an abandoned wait does not keep the process alive).
 */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const systemClock: Clock = { now: () => new Date() };

export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

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
