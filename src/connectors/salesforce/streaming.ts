// Change Data Capture for Lead through jsforce's Streaming API client (CometD long-polling), durable by replay id.
//
// - Events are never trusted for field values: each names record ids, which the pipeline re-reads by Id (read-leads
//   below) through the same SOQL select and mapping as the pull. A change event carries only the changed fields,
//   so applying it would need the previous state and the exact commit order; a fresh read has neither problem.
// - Gap events (GAP_CREATE/UPDATE/DELETE/UNDELETE) carry ids but no fields: re-read, like any other. An overflow
//   (GAP_OVERFLOW, no ids) or a replay id outside the retention window means we cannot know what changed: the
//   pipeline runs a polling catch-up instead.
// - Resubscription (faye re-handshakes on `403::Unknown client`, or we start a new client after an auth failure)
//   asks for events after the last *ingested* replay id. jsforce's StreamingExtension.Replay advances on receipt,
//   so an event received but not yet ingested would be skipped; our extension below advances on acknowledgement.
//   A redelivered event is harmless: the re-read is idempotent.
// - faye reports a failed re-subscribe to nobody (kdcllc/CometD.NetCore.Salesforce#20): the extension watches
//   /meta/subscribe replies itself.
// https://developer.salesforce.com/docs/atlas.en-us.change_data_capture.meta/change_data_capture/cdc_other_events_gap.htm
// https://developer.salesforce.com/docs/atlas.en-us.change_data_capture.meta/change_data_capture/cdc_subscribe_cometd.htm
import { z } from 'zod';
import type { Logger } from '../../lib/logger.ts';
import type { LoadedMappings } from '../../mapping/index.ts';
import type { ChangeBatch, ChangeStream, PulledLead, SubscribeOptions } from '../contract.ts';
import type { SalesforceClient, StreamingClientLike, StreamingExtensionLike } from './client.ts';
import { toPulledLead } from './pull.ts';
import { leadSystemFields, selectList, soqlString } from './soql.ts';

const headerSchema = z.object({
  entityName: z.string(),
  recordIds: z.array(z.string()),
  changeType: z.string(),
  commitTimestamp: z.number().optional(),
  transactionKey: z.string().optional(),
  sequenceNumber: z.number().optional(),
  changedFields: z.array(z.string()).optional(),
});
const eventSchema = z.object({
  payload: z.object({ ChangeEventHeader: headerSchema }).loose(),
  event: z.object({ replayId: z.number() }),
});

/** The replay id CometD reports as invalid once it left the retention window (72 h for change events). */
const invalidReplay = /replayId/i;

export interface StreamDeps {
  readonly client: SalesforceClient;
  readonly logger: Logger;
}

/** The batch one change event asks for (exported for tests of the decision, no I/O). */
export function batchOf(raw: unknown): ChangeBatch | { malformed: string } {
  const e = eventSchema.safeParse(raw);
  if (!e.success) return { malformed: e.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  const h = e.data.payload.ChangeEventHeader;
  const checkpoint = String(e.data.event.replayId);
  if (h.changeType === 'GAP_OVERFLOW') return { ids: [], catchUp: true, checkpoint, reason: 'overflow' };
  // Salesforce puts the wildcard 000000000000000AAA in recordIds when it cannot name the records.
  if (h.recordIds.length === 0 || h.recordIds.some((id) => /^0{15}AAA$/.test(id))) return { ids: [], catchUp: true, checkpoint, reason: h.changeType.toLowerCase() };
  return { ids: h.recordIds, catchUp: false, checkpoint, reason: h.changeType.startsWith('GAP_') ? 'gap' : 'change' };
}

export async function subscribeLeadChanges(d: StreamDeps, opts: SubscribeOptions): Promise<ChangeStream> {
  const { channel, signal } = opts;
  let acked: number = opts.from === null ? -1 : Number(opts.from);
  if (!Number.isInteger(acked)) acked = -1;
  let current: StreamingClientLike | null = null;
  let closed = false;
  // Events are handed on at once (the pipeline merges those arriving together into one read); `acked` advances
  // in event order, and only when the pipeline says the event's batch is stored.
  let chain: Promise<void> = Promise.resolve();
  const deliver = (batch: ChangeBatch): void => {
    const stored = opts.onChange(batch);
    chain = chain.then(() => stored).then(() => {
      if (batch.checkpoint !== null) acked = Math.max(acked, Number(batch.checkpoint));
    }, (e: unknown) => {
      d.logger.error('change batch failed; the safety-net poll will pick the records up', { reason: batch.reason, error: e instanceof Error ? e.message : String(e) });
    });
  };

  const replay: StreamingExtensionLike = {
    outgoing(m, cb) {
      if (m.channel === '/meta/subscribe' && m.subscription === channel) m.ext = { ...(m.ext as object | undefined), replay: { [channel]: acked } };
      cb(m);
    },
    incoming(m, cb) {
      if (m.channel === '/meta/subscribe' && m.successful === false && typeof m.error === 'string' && invalidReplay.test(m.error)) {
        // Out of the retention window: catch up by polling, then follow new events only.
        d.logger.warn('salesforce replay id no longer retained; catching up by polling', { replayId: acked });
        acked = -1;
        deliver({ ids: [], catchUp: true, checkpoint: null, reason: 'invalid-replay' });
        setImmediate(() => { void restart(false); });
      }
      cb(m);
    },
  };
  // jsforce's AuthFailure extension shape: `advice.reconnect: none` on connect/handshake means the session is gone.
  const authFailure: StreamingExtensionLike = {
    incoming(m, cb) {
      const advice = m.advice as { reconnect?: string } | undefined;
      if ((m.channel === '/meta/connect' || m.channel === '/meta/handshake') && advice?.reconnect === 'none') {
        setImmediate(() => { void restart(true); });
      }
      cb(m);
    },
  };

  const onMessage = (raw: unknown): void => {
    const b = batchOf(raw);
    if ('malformed' in b) {
      d.logger.warn('salesforce change event does not match the CDC schema; catching up by polling', { problem: b.malformed });
      deliver({ ids: [], catchUp: true, checkpoint: null, reason: 'malformed' });
      return;
    }
    deliver(b);
  };

  let restarting: Promise<void> | null = null;
  const start = async (): Promise<void> => {
    const { client: c } = await d.client.streamingClient([authFailure, replay], signal);
    current = c;
    const sub = c.subscribe(channel, onMessage);
    await new Promise<void>((resolve, reject) => {
      sub.then(resolve, (e) => {
        // An invalid replay id is handled by the extension (catch-up + resubscribe); anything else is fatal here.
        if (invalidReplay.test(e.message ?? '')) resolve();
        else reject(new Error(`salesforce streaming subscribe to ${channel} failed: ${e.code ?? ''} ${e.message ?? 'unknown error'}. Check that Change Data Capture is enabled for Lead (Setup → Change Data Capture) and that the integration user has "View All Data" or the object permissions.`));
      });
    });
  };
  const restart = (reauth: boolean): Promise<void> => {
    if (closed) return Promise.resolve();
    restarting ??= (async () => {
      try {
        current?.disconnect();
        current = null;
        // No event stored yet: `-1` now would skip whatever changed since the first subscription. Poll instead.
        if (acked === -1) deliver({ ids: [], catchUp: true, checkpoint: null, reason: 'resubscribed-without-position' });
        if (reauth) await d.client.reauthenticate(signal);
        await start();
        d.logger.info('salesforce change stream resubscribed', { channel, after: acked });
      } catch (e) {
        d.logger.error('salesforce change stream could not resubscribe; polling continues as the safety net', { error: e instanceof Error ? e.message : String(e) });
      } finally {
        restarting = null;
      }
    })();
    return restarting;
  };

  await start();
  d.logger.info('salesforce change stream subscribed', { channel, after: acked });
  signal.addEventListener('abort', () => { closed = true; current?.disconnect(); }, { once: true });
  return {
    async close() {
      closed = true;
      current?.disconnect();
      current = null;
      await chain;
    },
  };
}

/**
 * The current state of specific Leads, mapped exactly like the pull: one queryAll per 200 ids (deleted and merged
 * rows included), restricted to the pull's scope (MQL, tracked, or deleted). Ids out of scope are simply absent.
 */
export async function readLeads(d: { client: SalesforceClient; mappings: LoadedMappings; onConverted: (id: string, opp: string | null) => void }, ids: readonly string[], signal: AbortSignal): Promise<PulledLead[]> {
  const m = d.mappings.lead;
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  d.client.beginStage('read-leads');
  const out: PulledLead[] = [];
  const select = selectList(leadSystemFields, m.selectFields()).join(', ');
  const scope = [`(${m.mql.text})`, ...(m.track ? [`(${m.track.text})`] : []), 'IsDeleted = true'].join(' OR ');
  for (let i = 0; i < unique.length; i += 200) {
    const chunk = unique.slice(i, i + 200);
    const soql = `SELECT ${select} FROM Lead WHERE Id IN (${chunk.map(soqlString).join(', ')}) AND (${scope}) ORDER BY SystemModstamp, Id`;
    for await (const page of d.client.queryPages('read-leads', soql, { all: true, signal })) {
      for (const r of page.records) out.push(toPulledLead(d, r));
    }
  }
  return out;
}
