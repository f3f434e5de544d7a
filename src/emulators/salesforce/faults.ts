// Fault injection: rules matched per request (kind / method / path), firing a bounded number of times or with a
// seeded probability. They reproduce what production throws at a connector: outages (503 + HTML), rate limits
// (429 with or without Retry-After), dropped sockets, slow answers, per-record failures (UNABLE_TO_LOCK_ROW) and
// the worst one, a write that lands while its response is lost (afterApply).
import type { FaultAction, FaultControl, FaultInfo, FaultKind, FaultRule, RecordErrorSpec } from './types.ts';
import { FaultBook, isRecordError as isRecordErrorRule, recordErrorIndexes, statusFaultCounts } from '../shared/faults.ts';

export { recordErrorIndexes };

export interface FiredFault {
  id: string;
  rule: FaultRule;
}

export function isRecordError(r: FaultAction): r is { recordError: RecordErrorSpec } {
  return isRecordErrorRule(r);
}
export function isAfterApply(r: FaultAction): r is Extract<FaultAction, { afterApply: unknown }> {
  return 'afterApply' in r;
}

/** Whether a fired fault's call counts against the API limit (outages and throttles never reach the API). */
export function faultCounts(rule: FaultRule): boolean {
  return statusFaultCounts(rule);
}

/** The shared rule engine with this emulator's rule and kind types. */
export class Faults extends FaultBook<FaultKind, FaultRule> implements FaultControl {
  override list(): FaultInfo[] {
    return super.list();
  }
}
