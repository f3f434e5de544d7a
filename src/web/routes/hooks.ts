// POST /hooks/hubspot: HubSpot webhook deliveries. Verified (signature v3 over the exact raw body and the full URI,
// timestamp at most realtime.hubspot.maxAgeSeconds old), stored in the inbox (deduplicated by eventId), answered
// 204 at once; the records are re-read and offered asynchronously (src/sync/realtime-inbox.ts). HubSpot retries a
// non-2xx up to 10 times, so a refusal here is final only for requests that can never pass (bad signature, stale).
// https://developers.hubspot.com/docs/guides/api/app-management/webhooks
import type { FastifyInstance } from 'fastify';
import { inboxEvents, signatureHeader, timestampHeader, verifyV3, webhookBodySchema } from '../../connectors/hubspot/webhooks.ts';
import type { WebDeps } from '../deps.ts';

export interface HubSpotHooks {
  /** The app's client secret (never logged). */
  readonly secret: string;
  /** The target URL as configured in the HubSpot app; null = rebuilt from the request (Host, proto, path). */
  readonly publicUrl: string | null;
  readonly maxAgeMs: number;
  /** Told after new events are stored (wakes the inbox drainer). */
  readonly onAccepted: (count: number) => void;
}

const header = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

export function registerHooks(app: FastifyInstance, deps: WebDeps, hooks: HubSpotHooks): void {
  // An encapsulated scope: only here is the body kept as the raw string the signature covers.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => { done(null, body); });
    scope.post('/hooks/hubspot', { config: { rateLimit: false } }, async (req, reply) => {
      const body = typeof req.body === 'string' ? req.body : '';
      const uri = hooks.publicUrl ?? `${req.protocol}://${req.host}${req.url}`;
      const v = verifyV3({
        secret: hooks.secret, method: req.method, uri, body, signature: header(req.headers[signatureHeader]),
        timestamp: header(req.headers[timestampHeader]), now: deps.ctx.clock.now(), maxAgeMs: hooks.maxAgeMs,
      });
      if (!v.ok) {
        deps.logger.warn('hubspot webhook refused', { code: v.code, ip: req.ip });
        return reply.code(401).send({ error: { code: v.code, message: v.message } });
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        return reply.code(400).send({ error: { code: 'REQUEST.INVALID', message: 'The body is not JSON.' } });
      }
      const events = webhookBodySchema.safeParse(parsed);
      if (!events.success) return reply.code(400).send({ error: { code: 'REQUEST.INVALID', message: 'The body is not an array of HubSpot webhook events.' } });
      // Durable before the 2xx: once HubSpot hears success it never sends these again.
      const fresh = await deps.ctx.store.inbox.accept('hubspot', inboxEvents(events.data), deps.ctx.clock.now());
      if (fresh.length > 0) hooks.onAccepted(fresh.length);
      return reply.code(204).send();
    });
  });
}
