// HubSpot webhook requests: signature v3 and the event payload. Pure functions (no I/O): the web route
// (src/web/routes/hooks.ts) calls them with the raw body exactly as received.
//
// v3 signature: base64(HMAC-SHA256(clientSecret, method + uri + body + timestamp)), sent in X-HubSpot-Signature-v3
// with the millisecond timestamp in X-HubSpot-Request-Timestamp; requests older than 5 minutes are to be refused
// (replay protection). The URI is the full target URL as HubSpot called it, with a handful of percent-escapes
// decoded. https://developers.hubspot.com/docs/guides/apps/authentication/validating-requests
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { InboxEvent } from '../../domain/ports.ts';

export const signatureHeader = 'x-hubspot-signature-v3';
export const timestampHeader = 'x-hubspot-request-timestamp';

/** The escapes HubSpot decodes in the URI before signing (its validating-requests guide lists them). */
const decodedEscapes: Record<string, string> = {
  '%3A': ':', '%2F': '/', '%3F': '?', '%40': '@', '%21': '!', '%24': '$', '%27': "'", '%28': '(', '%29': ')', '%2A': '*', '%2C': ',', '%3B': ';',
};

export function signingUri(uri: string): string {
  return uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => decodedEscapes[m.toUpperCase()] ?? m);
}

export function signV3(secret: string, method: string, uri: string, body: string, timestamp: string): string {
  return createHmac('sha256', secret).update(`${method}${signingUri(uri)}${body}${timestamp}`, 'utf8').digest('base64');
}

export type VerifyResult = { ok: true } | { ok: false; code: 'WEBHOOK.SIGNATURE_MISSING' | 'WEBHOOK.SIGNATURE_INVALID' | 'WEBHOOK.STALE'; message: string };

/** Timing-safe check of the v3 signature, then of the timestamp's age (both are signed together). */
export function verifyV3(opts: {
  secret: string; method: string; uri: string; body: string; signature: string | undefined; timestamp: string | undefined; now: Date; maxAgeMs: number;
}): VerifyResult {
  if (opts.signature === undefined || opts.timestamp === undefined) {
    return { ok: false, code: 'WEBHOOK.SIGNATURE_MISSING', message: 'X-HubSpot-Signature-v3 and X-HubSpot-Request-Timestamp are required.' };
  }
  const expected = Buffer.from(signV3(opts.secret, opts.method, opts.uri, opts.body, opts.timestamp), 'utf8');
  const given = Buffer.from(opts.signature, 'utf8');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, code: 'WEBHOOK.SIGNATURE_INVALID', message: 'The signature does not match: check realtime.hubspot.clientSecret and that realtime.hubspot.publicUrl is the target URL set in the HubSpot app.' };
  }
  const ts = Number(opts.timestamp);
  if (!Number.isFinite(ts) || opts.now.getTime() - ts > opts.maxAgeMs) {
    return { ok: false, code: 'WEBHOOK.STALE', message: 'The request timestamp is too old (or not a time): replays are refused.' };
  }
  return { ok: true };
}

const id = z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String);

/** One webhook event. Values (propertyValue) are deliberately not kept: the contact is re-read instead. */
export const webhookEventSchema = z.object({
  eventId: id,
  subscriptionId: id.optional(),
  portalId: id.optional(),
  occurredAt: z.number(),
  subscriptionType: z.string().min(1),
  attemptNumber: z.number().int().optional(),
  objectId: id,
  propertyName: z.string().optional(),
  changeSource: z.string().optional(),
  mergedObjectIds: z.array(id).optional(),
  primaryObjectId: id.optional(),
}).loose();
export const webhookBodySchema = z.array(webhookEventSchema).max(1000);

/**
 * Inbox rows for the contact events of a request (other objects are ignored). A merge names the survivor and the
 * merged-away ids: each becomes a row, so each is re-read (the merged-away ones then read as gone).
 */
export function inboxEvents(events: z.infer<typeof webhookBodySchema>): InboxEvent[] {
  const out: InboxEvent[] = [];
  for (const e of events) {
    if (!e.subscriptionType.startsWith('contact.')) continue;
    const occurredAt = new Date(e.occurredAt);
    out.push({ eventId: e.eventId, objectId: e.objectId, kind: e.subscriptionType, occurredAt });
    if (e.subscriptionType === 'contact.merge') {
      for (const m of e.mergedObjectIds ?? []) out.push({ eventId: `${e.eventId}:${m}`, objectId: m, kind: e.subscriptionType, occurredAt });
      if (e.primaryObjectId !== undefined && e.primaryObjectId !== e.objectId) out.push({ eventId: `${e.eventId}:${e.primaryObjectId}`, objectId: e.primaryObjectId, kind: e.subscriptionType, occurredAt });
    }
  }
  return out;
}
