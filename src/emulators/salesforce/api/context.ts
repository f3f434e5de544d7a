// What every authenticated API handler receives.
import type { Dml } from '../data/dml.ts';
import type { Faults } from '../faults.ts';
import type { ErrorItem } from '../http/errors.ts';
import type { Req } from '../http/http.ts';
import type { Org } from '../org.ts';
import type { QueryEngine } from '../soql/execute.ts';
import type { FaultKind } from '../types.ts';
import { recordErrorIndexes } from '../faults.ts';
import type { Session } from './sessions.ts';

export interface Services {
  org: Org;
  dml: Dml;
  queries: QueryEngine;
  faults: Faults;
}

export interface ApiCtx extends Services {
  req: Req;
  session: Session;
  version: string;
  kind: FaultKind;
}

/**
 * Per-record failures injected by a recordError fault rule for this request: index → error. Consulted once per
 * request, so a rule with `times: 1` fails one batch.
 */
export function injectedRecordErrors(ctx: ApiCtx, records: ReadonlyArray<Record<string, unknown>>): Map<number, ErrorItem> {
  const fired = ctx.faults.match({ kind: ctx.kind, method: ctx.req.method, path: ctx.req.path }, 'records');
  const out = new Map<number, ErrorItem>();
  if (!fired || !('recordError' in fired.rule)) return out;
  const spec = fired.rule.recordError;
  for (const i of recordErrorIndexes(spec, records)) {
    out.set(i, { statusCode: spec.statusCode, message: spec.message, fields: spec.fields ?? [] });
  }
  return out;
}
