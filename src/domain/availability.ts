// A partner marking itself away (holiday, trade fair): no offers while away, and its feedback clocks stop.
// Pure helpers on epoch milliseconds; the store keeps the periods, the services apply them.

export interface AwayPeriod {
  readonly id: number;
  readonly partnerId: string;
  readonly from: Date;
  readonly to: Date;
  readonly reason: string | null;
  readonly createdAt: Date;
  readonly createdBy: string;
}

export function isAwayAt(periods: readonly Pick<AwayPeriod, 'from' | 'to'>[], ms: number): boolean {
  return periods.some((p) => p.from.getTime() <= ms && ms < p.to.getTime());
}

/**
 * The deadline a partner is held to, given its away periods: a deadline falling inside an away period moves to
 * the end of that period plus the time that was left when the period began ("the clock stops while away"), so
 * nobody comes back to a lead that is already overdue. Repeated for back-to-back periods.
 */
export function effectiveDeadlineMs(dueMs: number, periods: readonly Pick<AwayPeriod, 'from' | 'to'>[]): number {
  let due = dueMs;
  for (let guard = 0; guard <= periods.length; guard++) {
    const hit = periods.find((p) => p.from.getTime() <= due && due < p.to.getTime());
    if (hit === undefined) return due;
    due = hit.to.getTime() + (due - hit.from.getTime());
  }
  return due;
}
