// Behaviour every CRM connector must show, whatever the CRM (CONVENTIONS rule 1: the same contract test runs for
// every connector). A connector's test file supplies a harness over its emulator and calls `connectorContract`.
// The harness speaks canonical terms (MQL leads, partner status), so this file never names a CRM field.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CrmConnector, Page, PulledLead, WriteOutcome } from '../../src/connectors/contract.ts';
import type { LeadWriteBack, WriteBack } from '../../src/domain/write-back.ts';
import { QuotaExhaustedError } from '../../src/lib/retry.ts';

export interface ContractHarness {
  /** The connector under test (shared clock with the emulator, instant recording sleep). */
  readonly connector: CrmConnector;
  /** A second connector with no memory: what a restarted process gets. */
  newConnector(): CrmConnector;
  /** Records per pull page the connector is configured for. */
  readonly pageSize: number;
  /** The configured re-read overlap; the suite moves the clock past it. */
  readonly overlapSeconds: number;
  /** MQL leads that map cleanly; returns their CRM ids. */
  seedMqlLeads(n: number): Promise<string[]>;
  /** Leads that are not marketing-qualified. */
  seedOtherLeads(n: number): Promise<string[]>;
  /** An MQL lead with a value the mapping rejects. */
  seedUnmappableLead(): Promise<string>;
  deleteLead(id: string, mergedInto?: string): Promise<void>;
  /** The canonical partner status the CRM shows on the lead (reverse-mapped), or null. */
  readPartnerStatus(id: string): Promise<string | null>;
  /** Moves the shared clock of the CRM emulator and the connector. */
  advance(seconds: number): void;
  /** Backoff waits the connector asked for, in ms. */
  readonly sleeps: readonly number[];
  readonly faults: {
    /** The next write call answers "throttled, retry after N seconds". */
    throttleNextWrite(retryAfterSeconds: number): void;
    /** The next `times` write calls fail as an outage (5xx). */
    outageOnWrites(times: number): void;
    /** The next write of this record fails with a transient per-record error (row lock). */
    lockOnNextWrite(id: string): void;
    /** Writes to this record fail validation (a permanent per-record error). */
    rejectWritesTo(id: string): void;
    /** Every access token becomes invalid (the connector must re-authenticate). */
    expireSession(): void;
    /** The daily API allocation is spent. */
    exhaustQuota(): void;
  };
  close(): Promise<void>;
}

export type MakeHarness = () => Promise<ContractHarness>;

const signal = new AbortController().signal;

export function snapshot(over: Partial<LeadWriteBack> = {}): LeadWriteBack {
  return {
    status: 'offered', partnerStatus: 'offered', partnerExternalId: null, partnerName: null, reservedAt: null, lastFeedback: null,
    lastFeedbackAt: null, feedbackComment: null, temperature: 'warm', qualificationReasons: null, feedbackDueAt: null, feedbackState: null, ...over,
  };
}

const write = (id: string, over: Partial<LeadWriteBack> = {}): WriteBack => ({ target: 'lead', leadId: `lr-${id}`, externalId: id, fields: snapshot(over) });

async function drain(gen: AsyncGenerator<Page<PulledLead>>): Promise<Array<Page<PulledLead>>> {
  const pages: Array<Page<PulledLead>> = [];
  for await (const p of gen) pages.push(p);
  return pages;
}

const leads = (pages: ReadonlyArray<Page<PulledLead>>): string[] => pages.flatMap((p) => p.items.filter((i) => i.kind === 'lead').map((i) => i.externalId));

export function connectorContract(name: string, makeHarness: MakeHarness): void {
  describe(`${name}: CrmConnector contract`, () => {
    let h: ContractHarness;
    beforeEach(async () => {
      h = await makeHarness();
    });
    afterEach(async () => {
      await h.close();
    });

    it('pulls every MQL exactly once, page by page, cursors ascending, the last one closing the run', async () => {
      const mql = await h.seedMqlLeads(h.pageSize * 2 + 17);
      await h.seedOtherLeads(20);
      h.advance(5);
      const pages = await drain(h.connector.pullLeads({ from: null, signal }));
      const ids = leads(pages);
      expect(ids).toHaveLength(mql.length);
      expect(new Set(ids)).toEqual(new Set(mql));
      expect(pages.length).toBe(3);
      const stamps = pages.map((p) => Date.parse(p.cursor.stamp));
      expect([...stamps].sort((a, b) => a - b)).toEqual(stamps);
      expect(pages.at(-1)?.cursor.lastId).toBeNull();
    });

    it('resumes from a checkpoint after a crash without losing a record', async () => {
      const mql = await h.seedMqlLeads(h.pageSize + 30);
      h.advance(5);
      const first = (await h.connector.pullLeads({ from: null, signal }).next()).value as Page<PulledLead>;
      const rest = await drain(h.newConnector().pullLeads({ from: first.cursor, signal }));
      expect(new Set([...leads([first]), ...leads(rest)])).toEqual(new Set(mql));
    });

    it('returns nothing new when nothing changed (past the overlap window)', async () => {
      await h.seedMqlLeads(10);
      h.advance(5);
      const final = (await drain(h.connector.pullLeads({ from: null, signal }))).at(-1)?.cursor ?? null;
      h.advance(h.overlapSeconds + 60);
      expect(leads(await drain(h.connector.pullLeads({ from: final, signal })))).toEqual([]);
    });

    it('reports deletions and merges so offers can be withdrawn', async () => {
      const [gone, merged, survivor] = await h.seedMqlLeads(3) as [string, string, string];
      h.advance(5);
      const final = (await drain(h.connector.pullLeads({ from: null, signal }))).at(-1)?.cursor ?? null;
      h.advance(5);
      await h.deleteLead(gone);
      await h.deleteLead(merged, survivor);
      h.advance(5);
      const items = (await drain(h.connector.pullLeads({ from: final, signal }))).flatMap((p) => p.items);
      expect(items.find((i) => i.externalId === gone)).toMatchObject({ kind: 'deleted', mergedInto: null });
      expect(items.find((i) => i.externalId === merged)).toMatchObject({ kind: 'deleted', mergedInto: survivor });
    });

    it('quarantines a record that breaks the mapping, with its reason, and keeps the rest', async () => {
      const good = await h.seedMqlLeads(5);
      const bad = await h.seedUnmappableLead();
      h.advance(5);
      const items = (await drain(h.connector.pullLeads({ from: null, signal }))).flatMap((p) => p.items);
      expect(items.filter((i) => i.kind === 'lead').map((i) => i.externalId).sort()).toEqual([...good].sort());
      const q = items.find((i) => i.externalId === bad);
      expect(q?.kind).toBe('quarantined');
      if (q?.kind === 'quarantined') expect(q.reason.code).toMatch(/^MAPPING\./);
    });

    it('writes snapshots back and answers one outcome per input, in order', async () => {
      const ids = await h.seedMqlLeads(3);
      const out = await h.connector.write(ids.map((id, i) => write(id, i === 1 ? { status: 'reserved', partnerStatus: 'reserved' } : {})), signal);
      expect(out.map((o) => o.status)).toEqual(['ok', 'ok', 'ok']);
      expect(await h.readPartnerStatus(ids[1] ?? '')).toBe('reserved');
      expect(await h.readPartnerStatus(ids[0] ?? '')).toBe('offered');
      // Replaying the same snapshots is harmless.
      expect((await h.connector.write(ids.map((id) => write(id)), signal)).map((o) => o.status)).toEqual(['ok', 'ok', 'ok']);
    });

    it('verifies which snapshots the CRM already shows (after an interrupted flush)', async () => {
      const [same, changed, never, deleted] = await h.seedMqlLeads(4) as [string, string, string, string];
      await h.connector.write([write(same, { status: 'reserved', partnerStatus: 'reserved' }), write(changed), write(deleted)], signal);
      await h.deleteLead(deleted);
      const checks = await h.newConnector().verify([
        write(same, { status: 'reserved', partnerStatus: 'reserved' }), write(changed, { status: 'reserved', partnerStatus: 'reserved' }), write(never), write(deleted),
      ], signal);
      expect(checks).toEqual([true, false, false, false]);
      expect(h.connector.writeBatchSize).toBeGreaterThan(0);
    });

    it('classifies partial failures per record: lock → retry, validation → failed with a reason, deleted → gone', async () => {
      const [locked, rejected, deleted, fine] = await h.seedMqlLeads(4) as [string, string, string, string];
      await h.deleteLead(deleted);
      h.faults.lockOnNextWrite(locked);
      h.faults.rejectWritesTo(rejected);
      const out: WriteOutcome[] = await h.connector.write([write(locked), write(rejected), write(deleted), write(fine)], signal);
      expect(out.map((o) => o.status)).toEqual(['retry', 'failed', 'gone', 'ok']);
      const failed = out[1];
      if (failed?.status === 'failed') {
        expect(failed.reason.code).not.toBe('');
        expect(failed.reason.source).toMatch(/:\d+$/);
      }
      expect(await h.readPartnerStatus(fine)).toBe('offered');
    });

    it('waits as long as the CRM says when throttled, then succeeds', async () => {
      const [id] = await h.seedMqlLeads(1) as [string];
      h.faults.throttleNextWrite(7);
      const out = await h.connector.write([write(id)], signal);
      expect(out[0]?.status).toBe('ok');
      expect(h.sleeps).toContain(7000);
    });

    it('throws when nothing could be sent through an outage, and a later write still lands', async () => {
      const [id] = await h.seedMqlLeads(1) as [string];
      h.faults.outageOnWrites(20);
      await expect(h.connector.write([write(id)], signal)).rejects.toThrow();
      expect(await h.readPartnerStatus(id)).toBeNull();
    });

    it('re-authenticates when the session expires in the middle of a pull', async () => {
      const mql = await h.seedMqlLeads(h.pageSize + 10);
      h.advance(5);
      const gen = h.connector.pullLeads({ from: null, signal });
      const first = (await gen.next()).value as Page<PulledLead>;
      h.faults.expireSession();
      const rest: Array<Page<PulledLead>> = [];
      for await (const p of gen) rest.push(p);
      expect(new Set([...leads([first]), ...leads(rest)])).toEqual(new Set(mql));
    });

    it('stops on an exhausted quota with a resume time, and does not hammer the CRM', async () => {
      const [id] = await h.seedMqlLeads(1) as [string];
      await h.connector.connect(signal);
      h.faults.exhaustQuota();
      const err = await h.connector.write([write(id)], signal).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(QuotaExhaustedError);
      const calls = h.connector.usage().total;
      await expect(h.connector.write([write(id)], signal)).rejects.toBeInstanceOf(QuotaExhaustedError);
      expect(h.connector.usage().total).toBe(calls);
      expect(h.connector.usage().pausedUntil).toBe((err as QuotaExhaustedError).resumeAt.toISOString());
    });
  });
}
