/** Time source. Production uses the system clock; tests pass a controllable one instead of sleeping. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export class ManualClock implements Clock {
  #t: number;
  constructor(start: Date | string = '2026-01-15T12:00:00Z') {
    this.#t = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#t);
  }
  advance(ms: number): void {
    this.#t += ms;
  }
  set(t: Date | string): void {
    this.#t = new Date(t).getTime();
  }
}
