// Flush the outbox to the CRM, one CRM batch at a time (Salesforce 200, HubSpot 100), each acknowledged in
// its own transaction right after the call. Items are full-state snapshots coalesced per CRM record, so the
// flush is crash-safe by construction; and because the revision being sent is recorded before the call, a
// flush restarted after a kill -9 first asks the CRM whether those "maybe applied" snapshots already landed
// (one read per batch, only after a crash) and sends only the ones that did not: nothing is written twice.
// An item is marked done only if no newer snapshot was coalesced into it meanwhile (revision check).
import type { CrmConnector, WriteOutcome } from '../connectors/contract.ts';
import { withdrawLead } from '../domain/lifecycle.ts';
import type { OutboxItem, Store } from '../domain/ports.ts';
import type { ServiceContext } from './context.ts';
import { addCounts } from './context.ts';

export interface FlushSummary {
  sent: number;
  /** Snapshots found already applied in the CRM after an interrupted flush (not sent again). */
  verified: number;
  ok: number;
  retried: number;
  quarantined: number;
  gone: number;
  batches: number;
  /** Set when the CRM could not be reached at all; everything stays pending. */
  stopped: string | null;
}

export async function flushWriteBacks(ctx: ServiceContext, connector: CrmConnector, signal: AbortSignal): Promise<FlushSummary> {
  const sum: FlushSummary = { sent: 0, verified: 0, ok: 0, retried: 0, quarantined: 0, gone: 0, batches: 0, stopped: null };
  const seen = new Set<number>();
  for (;;) {
    signal.throwIfAborted();
    const now = ctx.clock.now();
    // Items retried in this flush are due later; `seen` keeps one flush from looping on the same item.
    let due = (await ctx.store.outbox.due(now, connector.writeBatchSize)).filter((i) => !seen.has(i.id));
    if (due.length === 0) return sum;
    for (const i of due) seen.add(i.id);
    let outcomes: WriteOutcome[];
    try {
      due = await skipAlreadyApplied(ctx, connector, due, sum, signal);
      if (due.length === 0) continue;
      await ctx.store.outbox.markSent(due.map((i) => ({ id: i.id, revision: i.revision })));
      outcomes = await connector.write(due.map((i) => i.writeBack), signal);
    } catch (e) {
      if (signal.aborted) throw e;
      sum.stopped = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      ctx.logger.warn('write-back flush stopped; items stay pending', { error: sum.stopped, pending: due.length });
      return sum;
    }
    if (outcomes.length !== due.length) throw new Error(`connector returned ${outcomes.length} outcomes for ${due.length} write-backs`);
    sum.sent += due.length;
    sum.batches++;
    await settle(ctx, due, outcomes, sum);
  }
}

/** After a crash: snapshots sent but never acknowledged are checked against the CRM before being sent again. */
async function skipAlreadyApplied(
  ctx: ServiceContext, connector: CrmConnector, due: OutboxItem[], sum: FlushSummary, signal: AbortSignal,
): Promise<OutboxItem[]> {
  const uncertain = due.filter((i) => i.sentRevision === i.revision);
  if (uncertain.length === 0) return due;
  const applied = await connector.verify(uncertain.map((i) => i.writeBack), signal);
  const done = uncertain.filter((_, k) => applied[k] === true);
  if (done.length === 0) return due;
  await ctx.store.outbox.complete(done.map((i) => ({ id: i.id, revision: i.revision })), ctx.clock.now());
  sum.verified += done.length;
  const skip = new Set(done.map((i) => i.id));
  return due.filter((i) => !skip.has(i.id));
}

async function settle(ctx: ServiceContext, items: readonly OutboxItem[], outcomes: readonly WriteOutcome[], sum: FlushSummary): Promise<void> {
  const now = ctx.clock.now();
  const { maxAttempts, retryBaseSeconds } = ctx.settings.outbox;
  // fn may run more than once (Store.transaction): it returns its counts and quarantines; they are applied
  // (counted, logged) once, after the commit.
  const r = await ctx.store.transaction(async (tx) => {
    const counts = { ok: 0, retried: 0, quarantined: 0, gone: 0 };
    const failed: Array<{ item: OutboxItem; reason: Extract<WriteOutcome, { status: 'failed' }>['reason'] }> = [];
    const done: Array<{ id: number; revision: number }> = [];
    for (let k = 0; k < items.length; k++) {
      const item = items[k]!;
      const o = outcomes[k]!;
      if (o.status === 'ok') {
        done.push({ id: item.id, revision: item.revision });
        counts.ok++;
      } else if (o.status === 'retry') {
        if (item.attempts + 1 >= maxAttempts) {
          await tx.outbox.quarantine(item.id, item.revision, { code: o.code, message: `gave up after ${maxAttempts} attempts: ${o.message}` }, now);
          counts.quarantined++;
        } else {
          const backoff = o.retryAfterMs ?? retryBaseSeconds * 1000 * 2 ** item.attempts;
          await tx.outbox.retryLater(item.id, item.revision, new Date(now.getTime() + backoff), `${o.code}: ${o.message}`);
          counts.retried++;
        }
      } else if (o.status === 'failed') {
        await tx.outbox.quarantine(item.id, item.revision, o.reason, now);
        counts.quarantined++;
        failed.push({ item, reason: o.reason });
      } else {
        done.push({ id: item.id, revision: item.revision });
        counts.gone++;
        await onGone(tx, item, o, now);
      }
    }
    await tx.outbox.complete(done, now);
    return { counts, failed };
  });
  addCounts(sum, r.counts);
  for (const { item, reason } of r.failed) {
    ctx.logger.warn('write-back quarantined', { key: item.key, code: reason.code, source: reason.source ?? null });
  }
}

/** The CRM record is deleted or converted: the lead learns it; nothing is retried. */
async function onGone(tx: Store, item: OutboxItem, o: Extract<WriteOutcome, { status: 'gone' }>, now: Date): Promise<void> {
  const wb = item.writeBack;
  if (wb.target === 'partner') return;
  const lead = await tx.leads.get(wb.leadId);
  if (lead === null) return;
  if (o.convertedOpportunityId !== undefined) {
    await tx.leads.save({ ...lead, crmConverted: true, crmOpportunityId: o.convertedOpportunityId, version: lead.version + 1, updatedAt: now });
    await tx.events.append([{ leadId: lead.id, at: now, type: 'converted', actor: 'crm', partnerId: lead.partnerId, data: { code: o.code } }]);
    return;
  }
  const r = withdrawLead(lead, now);
  if (r.ok && r.value !== lead) {
    await tx.leads.save({ ...r.value, version: lead.version + 1 });
    await tx.offers.closeForLead(lead.id, 'withdrawn', now);
    await tx.events.append([{ leadId: lead.id, at: now, type: 'withdrawn', actor: 'crm', partnerId: lead.partnerId, data: { code: o.code } }]);
  }
}
