// The emulator clock: a base time source plus an offset that tests move forward with advance(). Token expiry, the
// rolling rate-limit windows and the search indexing lag all read it, so a test can cross 30 minutes in no time.
export class Clock {
  private offset = 0;

  constructor(private base: () => Date) {}

  now(): number {
    return this.base().getTime() + this.offset;
  }

  set(base: () => Date): void {
    this.base = base;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`hubspot emulator: advance(ms) needs a non-negative number, got ${ms}`);
    this.offset += ms;
  }
}
