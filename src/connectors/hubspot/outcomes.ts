// Per-record results → WriteOutcome. HubSpot batch calls answer 200, or 207 with the failed records in `errors`
// (each naming its records in `context.ids` or `context.objectWriteTraceId`), so every record is looked at:
//   OBJECT_NOT_FOUND                         — gone (archived or merged away): nothing to write any more
//   LOCKED / RATE_LIMITS / INTERNAL_ERROR .. — retry later
//   VALIDATION_ERROR and anything else       — failed: quarantined with HubSpot's message and the mapping line
// A whole call that fails is classified once for all its records (CallGuard).
// https://developers.hubspot.com/docs/api-reference/error-handling#multi-status-errors
import type { QuarantineReason } from '../../domain/ports.ts';
import { classifyError } from '../../lib/retry.ts';
import { VendorError, scrubVendorMessage } from '../../lib/vendor-error.ts';
import { outboundSource } from '../../mapping/index.ts';
import type { LeadMapping, OpportunityMapping, PartnerMapping } from '../../mapping/index.ts';
import type { WriteOutcome } from '../contract.ts';
import { HubSpotApiError, classifyHubSpot, isConnectionLevel } from './errors.ts';
import type { BatchError } from './schemas.ts';
import { batchErrorSchema } from './schemas.ts';

export type OutboundMapping = LeadMapping | OpportunityMapping | PartnerMapping;

/** Will succeed later. LOCKED: "system lock for ~2 seconds" after rapid updates to one record (HTTP 423). */
const retryCategories = new Map<string, number | null>([
  ['LOCKED', 2000], ['RATE_LIMITS', null], ['INTERNAL_ERROR', null], ['SERVICE_UNAVAILABLE', null], ['TIMEOUT', null],
  ['CONCURRENT_MODIFICATION', null],
]);

export const ok = (crmId: string | null): WriteOutcome => ({ status: 'ok', crmId });

interface Inner { name: string; message: string; error: string | null }

/** "Property values were not valid: [{"isValid":false,"message":"…","error":"INVALID_OPTION","name":"…"}]" */
function innerIssues(message: string): Inner[] {
  const at = message.indexOf('[');
  if (at < 0) return [];
  try {
    const list = JSON.parse(message.slice(at)) as unknown;
    if (!Array.isArray(list)) return [];
    return list.flatMap((x) => {
      if (x === null || typeof x !== 'object') return [];
      const o = x as Record<string, unknown>;
      return typeof o['name'] === 'string' ? [{ name: o['name'], message: typeof o['message'] === 'string' ? o['message'] : '', error: typeof o['error'] === 'string' ? o['error'] : null }] : [];
    });
  } catch {
    return [];
  }
}

/** The properties an error names: its context, its details, or the validation list inside its message. */
export function propertiesNamed(e: BatchError): string[] {
  const ctx = e.context ?? {};
  const names = [...(ctx['propertyName'] ?? []), ...(ctx['properties'] ?? []), ...innerIssues(e.message).map((i) => i.name)];
  for (const d of e.errors ?? []) {
    const p = d.context?.['propertyName'];
    if (typeof p === 'string') names.push(p);
    if (Array.isArray(p)) names.push(...p.filter((x): x is string => typeof x === 'string'));
  }
  return [...new Set(names)];
}

/** HubSpot's message, with the validation list made readable: "leadrelay_partner_status: X was not one of …". */
function readable(e: BatchError): string {
  const inner = innerIssues(e.message);
  const head = e.message.slice(0, Math.max(0, e.message.indexOf('['))).trim();
  return inner.length > 0 ? `${head} ${inner.map((i) => `${i.name}: ${i.message}`).join('; ')}` : e.message;
}

export function failedReason(m: OutboundMapping, e: BatchError): QuarantineReason {
  const fields = propertiesNamed(e);
  const inner = innerIssues(e.message);
  const source = fields.map((f) => outboundSource(m, f)).find((s) => s !== undefined)
    ?? m.outbound.map((r) => r.to).filter((to) => new RegExp(`\\b${to}\\b`).test(e.message)).map((to) => outboundSource(m, to)).find((s) => s !== undefined);
  const code = inner[0]?.error ?? e.category;
  return {
    code, message: scrubVendorMessage(readable(e)) || code,
    ...(source === undefined ? {} : { source }),
    ...(fields.length > 0 ? { fields } : {}),
  };
}

/** One failed record of a batch. */
export function recordOutcome(m: OutboundMapping, e: BatchError, opts: { conflictIsRetry?: boolean } = {}): WriteOutcome {
  if (e.category === 'OBJECT_NOT_FOUND') return { status: 'gone', code: 'OBJECT_NOT_FOUND', message: scrubVendorMessage(e.message) };
  if (retryCategories.has(e.category) || (opts.conflictIsRetry === true && e.category === 'CONFLICT')) {
    return { status: 'retry', code: e.category, message: scrubVendorMessage(e.message), retryAfterMs: retryCategories.get(e.category) ?? null };
  }
  return { status: 'failed', reason: failedReason(m, e) };
}

/**
 * Sends the calls of one write() and decides what a failed call means for its records. Contract: throw only when
 * nothing could be sent at all; once a call succeeded, a later outage marks the remaining records `retry` (and
 * stops sending: the service is down) so the successes are reported.
 */
export class CallGuard {
  private sent = false;
  private outage: VendorError | null = null;

  constructor(private readonly signal: AbortSignal, private readonly oauth: boolean) {}

  async send<T>(fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown; transient: boolean }> {
    if (this.outage !== null) return { ok: false, error: this.outage, transient: true };
    if (this.signal.aborted) {
      if (!this.sent) this.signal.throwIfAborted();
      return { ok: false, error: new VendorError({ vendor: 'hubspot', method: '-', path: '-', status: null, code: 'ABORTED', message: 'The write was cancelled before this call was sent.', retryAfterMs: null }), transient: true };
    }
    try {
      const value = await fn();
      this.sent = true;
      return { ok: true, value };
    } catch (e) {
      if (isConnectionLevel(e)) throw e;
      const transient = (e instanceof HubSpotApiError ? classifyHubSpot(e, this.oauth) : classifyError(e)).kind === 'retry';
      if (transient) {
        if (!this.sent) throw e;
        this.outage = e instanceof VendorError ? e : null;
      }
      return { ok: false, error: e, transient };
    }
  }
}

/** The outcome of every record in a call that failed as a whole (400 on the batch, 403 missing scope, outage). */
export function callFailureOutcome(m: OutboundMapping, error: unknown, transient: boolean): WriteOutcome {
  const v = error instanceof VendorError ? error : null;
  const code = v?.code ?? 'UNKNOWN';
  if (transient) return { status: 'retry', code, message: v?.message ?? 'HubSpot is unavailable', retryAfterMs: v?.retryAfterMs ?? null };
  const body = error instanceof HubSpotApiError ? batchErrorSchema.safeParse(error.body) : null;
  const e: BatchError = body?.success === true ? body.data : { category: code, message: v?.message ?? String(error) };
  return { status: 'failed', reason: failedReason(m, e) };
}
