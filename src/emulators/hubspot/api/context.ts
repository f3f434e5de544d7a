// What every API handler receives: the account, the request, its call kind, the search engine and the fault rules
// (write handlers consult recordError rules once per request).
import type { Account } from '../account.ts';
import type { Faults } from '../faults.ts';
import { HubSpotError } from '../http/errors.ts';
import { isObject, parseJsonBody } from '../http/http.ts';
import type { Req } from '../http/http.ts';
import { objectType } from '../schema/object-types.ts';
import type { SearchEngine } from '../search/engine.ts';
import type { FaultKind, ObjectType } from '../types.ts';

export interface Ctx {
  acct: Account;
  req: Req;
  kind: FaultKind;
  search: SearchEngine;
  faults: Faults;
  /** Base URL of this server as the client addressed it (for paging links). */
  base: string;
}

/** Unknown object types answer 400 like HubSpot's "Unable to infer object type". */
export function typeOrThrow(name: string | undefined): ObjectType {
  const t = name === undefined ? undefined : objectType(name);
  if (!t) throw new HubSpotError(400, 'VALIDATION_ERROR', `Unable to infer object type from: ${name ?? ''}`);
  return t;
}

export function bodyObject(ctx: Ctx): Record<string, unknown> {
  const b = parseJsonBody(ctx.req);
  if (!isObject(b)) throw new HubSpotError(400, 'VALIDATION_ERROR', 'Invalid input JSON: expected an object body.');
  return b;
}

/** `inputs` of a batch body, at most 100 (HubSpot's batch size limit). */
export function batchInputs(ctx: Ctx, max = 100): Array<Record<string, unknown>> {
  const b = bodyObject(ctx);
  if (!Array.isArray(b.inputs)) throw new HubSpotError(400, 'VALIDATION_ERROR', 'Invalid input JSON: inputs is required.');
  if (b.inputs.length > max) {
    throw new HubSpotError(400, 'VALIDATION_ERROR', `Batch input exceeded the limit of ${max} inputs: got ${b.inputs.length}.`, { context: { limit: [String(max)] } });
  }
  return b.inputs.map((i: unknown) => (isObject(i) ? i : {}));
}

export function propertiesOf(input: Record<string, unknown>): Record<string, unknown> {
  return isObject(input.properties) ? input.properties : {};
}
