// Realtime ingestion in the daemon: the ingestor, the connector's own change stream when it has one (Salesforce
// CDC), otherwise the webhook inbox drained on wake-ups from /hooks/hubspot and every few seconds. The sync cycle
// shares the `serial` lane with realtime batches so the two never qualify and offer at the same time.
import type { ChangeStream, CrmConnector } from '../connectors/contract.ts';
import type { App } from '../runtime/app.ts';
import type { HubSpotHooks } from '../web/routes/hooks.ts';
import { InboxDrainer } from './realtime-inbox.ts';
import type { Serial } from './realtime.ts';
import { RealtimeIngestor, startChangeStream } from './realtime.ts';

export interface RealtimeRuntime {
  readonly ingestor: RealtimeIngestor;
  /** For the web server: the webhook receiver's settings (null when the CRM pushes through a stream instead). */
  readonly hooks: HubSpotHooks | null;
  close(): Promise<void>;
}

/**
 * The webhook receiver's settings when realtime ingestion is on and the CRM pushes through webhooks (its connector
 * has no change stream of its own); null otherwise. `leadrelay serve` uses it too: events it stores are drained by
 * the daemon's inbox timer.
 */
export function webhookHooks(app: App, connector: CrmConnector, onAccepted: (count: number) => void): HubSpotHooks | null {
  const rt = app.config.realtime;
  if (!rt.enabled || connector.subscribeLeadChanges !== undefined) return null;
  const secret = rt.hubspot.clientSecret ?? app.config.hubspot.auth.clientSecret;
  if (secret === null) throw new Error('realtime.enabled needs the HubSpot app client secret that signs webhooks: set realtime.hubspot.clientSecret (e.g. ${HUBSPOT_CLIENT_SECRET}).');
  return { secret, publicUrl: rt.hubspot.publicUrl, maxAgeMs: rt.hubspot.maxAgeSeconds * 1000, onAccepted };
}

export async function startRealtime(app: App, connector: CrmConnector, d: { serial: Serial; catchUp: (signal: AbortSignal) => Promise<void>; signal: AbortSignal }): Promise<RealtimeRuntime> {
  const rt = app.config.realtime;
  const ingestor = new RealtimeIngestor({
    ctx: app.ctx, connector, leadObject: app.mappings.lead.object, windowMs: rt.windowMs, catchUp: d.catchUp, serial: d.serial, signal: d.signal,
  });
  let stream: ChangeStream | null = null;
  let drainer: InboxDrainer | null = null;
  let hooks: HubSpotHooks | null = null;
  if (connector.subscribeLeadChanges !== undefined) {
    stream = await startChangeStream(ingestor, { ctx: app.ctx, connector, channel: rt.salesforce.channel, signal: d.signal });
  } else {
    const inbox = new InboxDrainer({ store: app.store, crm: connector.crm, ingestor, now: () => app.ctx.clock.now(), onError: (e) => app.logger.error('webhook inbox drain failed', { error: e instanceof Error ? e.message : String(e) }) });
    drainer = inbox;
    inbox.every(5_000);
    inbox.wake();
    hooks = webhookHooks(app, connector, () => inbox.wake());
  }
  app.logger.info('realtime ingestion started', { crm: connector.crm, stream: stream !== null, webhooks: hooks !== null });
  return {
    ingestor, hooks,
    async close() {
      await stream?.close();
      await drainer?.stop();
      await ingestor.idle();
    },
  };
}
