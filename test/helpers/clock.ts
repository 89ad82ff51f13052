import type { Clock } from '../../src/services/clock.ts';

/** A clock tests can move; it starts at real time so signatures checked against real time still pass. */
export class TestClock implements Clock {
  private offsetMs = 0;
  private fixed: number | null = null;

  now(): Date {
    return new Date(this.fixed ?? Date.now() + this.offsetMs);
  }

  set(date: Date): void {
    this.fixed = date.getTime();
  }

  advance(ms: number): void {
    if (this.fixed !== null) this.fixed += ms;
    else this.offsetMs += ms;
  }
}
