// Per-record results → WriteOutcome. Salesforce answers sObject Collections with one result per record, in order
// (HTTP 200 even when every record failed), so every result is inspected; a whole call that fails is classified
// once for all its records. Codes: https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_concepts_core_data_objects.htm#i1421192
import type { QuarantineReason } from '../../domain/ports.ts';
import { ApiShareExceededError, QuotaExhaustedError, bareCode, classifyError } from '../../lib/retry.ts';
import { VendorError, scrubVendorMessage } from '../../lib/vendor-error.ts';
import { outboundSource } from '../../mapping/index.ts';
import type { LeadMapping, OpportunityMapping, PartnerMapping } from '../../mapping/index.ts';
import type { WriteOutcome } from '../contract.ts';
import type { RecordError } from './schemas.ts';

type OutboundMapping = LeadMapping | OpportunityMapping | PartnerMapping;

/** Will succeed later: row lock contention, transient server errors, a concurrent insert of the same external id. */
const retryCodes = new Set(['UNABLE_TO_LOCK_ROW', 'SERVER_UNAVAILABLE', 'UNKNOWN_EXCEPTION', 'DUPLICATE_VALUE', 'REQUEST_RUNNING_TOO_LONG']);
/** The record is gone: nothing to write any more. */
const goneCodes = new Set(['CANNOT_UPDATE_CONVERTED_LEAD', 'ENTITY_IS_DELETED', 'CONVERTED_LEAD_NOT_EDITABLE']);

export const ok = (crmId: string | null): WriteOutcome => ({ status: 'ok', crmId });

/** The mapping line behind a rejected field: errors[].fields first, else a mapped field named in the message. */
function sourceOf(m: OutboundMapping, fields: readonly string[], message: string): string | undefined {
  for (const f of fields) {
    const s = outboundSource(m, f);
    if (s !== undefined) return s;
  }
  const named = m.outbound.map((r) => r.to).concat(m.entity === 'lead' && m.status !== null ? [m.status.to] : [])
    .find((to) => new RegExp(`\\b${to}\\b`, 'i').test(message));
  return named === undefined ? undefined : outboundSource(m, named);
}

export function failedReason(m: OutboundMapping, code: string, message: string, fields: readonly string[]): QuarantineReason {
  const source = sourceOf(m, fields, message);
  return {
    code,
    message: scrubVendorMessage(message) || code,
    ...(source === undefined ? {} : { source }),
    ...(fields.length > 0 ? { fields: [...fields] } : {}),
  };
}

/** One failed record. `convertedOpportunityId` is what we know about the lead's conversion (gone outcomes). */
export function recordOutcome(m: OutboundMapping, errors: readonly RecordError[], convertedOpportunityId?: string | null): WriteOutcome {
  const first = errors[0] ?? { code: 'UNKNOWN', message: 'Salesforce reported a failure without an error', fields: [] };
  const retry = errors.find((e) => retryCodes.has(bareCode(e.code)));
  if (retry) return { status: 'retry', code: bareCode(retry.code), message: scrubVendorMessage(retry.message), retryAfterMs: null };
  const code = bareCode(first.code);
  // INVALID_CROSS_REFERENCE_KEY names a field when a lookup value is bad (our mapping); without one, the record
  // itself does not exist (deleted and purged, or an id from another org).
  if (goneCodes.has(code) || (code === 'INVALID_CROSS_REFERENCE_KEY' && first.fields.length === 0)) {
    return {
      status: 'gone', code, message: scrubVendorMessage(first.message),
      ...(convertedOpportunityId === undefined ? {} : { convertedOpportunityId }),
    };
  }
  return { status: 'failed', reason: failedReason(m, code, first.message, first.fields) };
}

/** Errors that stop the whole write: nothing else can succeed either (auth, quota, budget, cancellation). */
export function isConnectionLevel(e: unknown): boolean {
  if (e instanceof QuotaExhaustedError || e instanceof ApiShareExceededError) return true;
  if (e instanceof Error && (e.name === 'AuthConfigError' || e.name === 'AbortError')) return true;
  if (!(e instanceof VendorError)) return false;
  if (e.status === 401 || /^invalid_|^unsupported_/.test(e.code) || e.path.includes('/oauth2/')) return true;
  return ['INVALID_SESSION_ID', 'API_DISABLED_FOR_ORG', 'API_CURRENTLY_DISABLED', 'INVALID_AUTH_HEADER'].includes(bareCode(e.code));
}

/**
 * Sends the calls of one write() and decides what a failed call means for its records. Contract: throw only when
 * nothing could be sent at all; once a call succeeded, a later outage marks the remaining records `retry` (and
 * stops sending: the service is down) so the successes are reported.
 */
export class CallGuard {
  private sent = false;
  private outage: VendorError | null = null;

  constructor(private readonly signal: AbortSignal) {}

  async send<T>(fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown; transient: boolean }> {
    if (this.outage !== null) return { ok: false, error: this.outage, transient: true };
    // Cancelled (SIGTERM drain) after something was sent: report those, leave the rest pending.
    if (this.signal.aborted) {
      if (!this.sent) this.signal.throwIfAborted();
      return { ok: false, error: new VendorError({ vendor: 'salesforce', method: '-', path: '-', status: null, code: 'ABORTED', message: 'The write was cancelled before this call was sent.', retryAfterMs: null }), transient: true };
    }
    try {
      const value = await fn();
      this.sent = true;
      return { ok: true, value };
    } catch (e) {
      if (isConnectionLevel(e)) throw e;
      const transient = classifyError(e).kind === 'retry';
      if (transient) {
        if (!this.sent) throw e;
        this.outage = e instanceof VendorError ? e : null;
      }
      return { ok: false, error: e, transient };
    }
  }
}

/** The outcome of every record in a call that failed as a whole. */
export function callFailureOutcome(m: OutboundMapping, error: unknown, transient: boolean): WriteOutcome {
  const v = error instanceof VendorError ? error : null;
  const code = v ? bareCode(v.code) : 'UNKNOWN';
  if (transient) return { status: 'retry', code, message: v?.message ?? 'Salesforce is unavailable', retryAfterMs: v?.retryAfterMs ?? null };
  // A whole-call validation error (INVALID_FIELD on an unknown column, JSON_PARSER_ERROR ...): quarantine with
  // the mapping line when the message names a mapped field.
  return { status: 'failed', reason: failedReason(m, code, v?.message ?? String(error), []) };
}
