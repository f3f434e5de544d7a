// Webhook delivery as a HubSpot app's subscriptions do it: contact events (creation, propertyChange per subscribed
// property, deletion, merge) are POSTed to the target URL in batches of up to 100, signed with v3
// (base64 HMAC-SHA256 of method + URI + body + timestamp with the app's client secret), and retried on non-2xx or
// network errors (attemptNumber counts up; HubSpot gives up after 10 attempts). Delivery is unordered in real life;
// tests can ask for shuffled and duplicated delivery.
// https://developers.hubspot.com/docs/guides/api/app-management/webhooks
// https://developers.hubspot.com/docs/guides/apps/authentication/validating-requests
import { createHmac } from 'node:crypto';
import type { Account } from './account.ts';
import type { Rec } from './data/store.ts';

export type WebhookSubscriptionType = 'contact.creation' | 'contact.propertyChange' | 'contact.deletion' | 'contact.merge';

export interface WebhookSettings {
  readonly targetUrl: string;
  readonly clientSecret: string;
  readonly appId?: number;
  readonly subscriptions: ReadonlyArray<{ readonly type: WebhookSubscriptionType; readonly propertyName?: string }>;
  /** Events per request (HubSpot: up to 100). */
  readonly maxBatch?: number;
  /** How long events are collected before a request is sent (ms). */
  readonly flushMs?: number;
  /** Attempts per request before giving up (HubSpot: 10). */
  readonly maxAttempts?: number;
  /** Delay before the n-th retry: retryDelayMs · 2^(n−1) (HubSpot spreads retries over 24 hours). */
  readonly retryDelayMs?: number;
  /** Shuffle events within and across requests (HubSpot does not guarantee order). */
  readonly shuffle?: boolean;
  /** Share of events delivered twice (0..1), in separate requests. */
  readonly duplicateShare?: number;
  /** Randomness for shuffle/duplicates (tests pin it). */
  readonly random?: () => number;
  /** Sign with this timestamp offset (ms; negative = stale), to test refusals. */
  readonly clockSkewMs?: number;
}

export interface WebhookEvent {
  eventId: number;
  subscriptionId: number;
  portalId: number;
  appId: number;
  occurredAt: number;
  subscriptionType: WebhookSubscriptionType;
  attemptNumber: number;
  objectId: number;
  changeSource: string;
  changeFlag?: string;
  propertyName?: string;
  propertyValue?: string;
  mergedObjectIds?: number[];
  primaryObjectId?: number;
  newObjectId?: number;
}

export interface DeliveryRecord { readonly at: number; readonly status: number | 'network'; readonly events: number; readonly attempt: number }

export interface WebhookControl {
  /** Start delivering contact events to `targetUrl` (replaces earlier settings). */
  configure(settings: WebhookSettings): void;
  /** Stop delivering; queued and retrying requests are dropped. */
  disable(): void;
  /** Every POST made, with its answer. */
  deliveries(): readonly DeliveryRecord[];
  /** Resolves when nothing is queued, in flight or waiting for a retry. */
  settled(): Promise<void>;
}

export class Webhooks implements WebhookControl {
  private settings: WebhookSettings | null = null;
  private queue: WebhookEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private nextEventId = 1;
  private inFlight = 0;
  private readonly log: DeliveryRecord[] = [];
  private generation = 0;

  constructor(private readonly acct: Account) {
    acct.watch((prev, rec) => this.onCommit(prev, rec));
  }

  configure(settings: WebhookSettings): void {
    this.disable();
    this.settings = settings;
  }

  disable(): void {
    this.settings = null;
    this.queue = [];
    this.generation++;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  deliveries(): readonly DeliveryRecord[] {
    return [...this.log];
  }

  async settled(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight > 0 || this.timer !== null) await new Promise((r) => setTimeout(r, 10));
  }

  private subscriptionId(type: WebhookSubscriptionType, prop?: string): number | undefined {
    const i = this.settings?.subscriptions.findIndex((s) => s.type === type && (prop === undefined || s.propertyName === prop)) ?? -1;
    return i < 0 ? undefined : 1000 + i;
  }

  private onCommit(prev: Rec | undefined, rec: Rec): void {
    const s = this.settings;
    if (s === null || rec.type !== 'contacts') return;
    const base = { portalId: this.acct.config.portalId, appId: s.appId ?? 1_160_452, occurredAt: this.acct.now(), attemptNumber: 0, objectId: Number(rec.id), changeSource: 'CRM' };
    const add = (type: WebhookSubscriptionType, extra: Partial<WebhookEvent> = {}, prop?: string): void => {
      const subscriptionId = this.subscriptionId(type, prop);
      if (subscriptionId === undefined) return;
      this.queue.push({ ...base, eventId: this.nextEventId++, subscriptionId, subscriptionType: type, ...extra });
    };
    if (rec.archived && prev !== undefined && !prev.archived) {
      if (rec.mergedInto !== undefined) {
        const primary = Number(rec.mergedInto);
        add('contact.merge', { objectId: primary, primaryObjectId: primary, mergedObjectIds: [Number(rec.id)], newObjectId: primary });
      } else {
        add('contact.deletion', { changeFlag: 'DELETED' });
      }
    } else if (!rec.archived) {
      if (prev === undefined) add('contact.creation', { changeFlag: 'CREATED' });
      for (const sub of s.subscriptions) {
        if (sub.type !== 'contact.propertyChange' || sub.propertyName === undefined) continue;
        const now = rec.props.get(sub.propertyName);
        const before = prev?.props.get(sub.propertyName);
        if (now !== before && !(prev === undefined && (now === undefined || now === ''))) {
          add('contact.propertyChange', { propertyName: sub.propertyName, propertyValue: now ?? '' }, sub.propertyName);
        }
      }
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== null || this.queue.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.settings?.flushMs ?? 20);
  }

  private flush(): void {
    const s = this.settings;
    if (s === null) return;
    const random = s.random ?? Math.random;
    let events = this.queue;
    this.queue = [];
    const dupes = events.filter(() => random() < (s.duplicateShare ?? 0));
    if (s.shuffle === true) events = shuffled(events, random);
    const max = Math.max(1, Math.min(100, s.maxBatch ?? 100));
    const batches: WebhookEvent[][] = [];
    for (let i = 0; i < events.length; i += max) batches.push(events.slice(i, i + max));
    if (dupes.length > 0) batches.push(dupes.map((e) => ({ ...e })));
    for (const b of s.shuffle === true ? shuffled(batches, random) : batches) void this.send(s, b, 1, this.generation);
  }

  private async send(s: WebhookSettings, events: WebhookEvent[], attempt: number, gen: number): Promise<void> {
    if (gen !== this.generation) return;
    this.inFlight++;
    let status: number | 'network';
    try {
      const body = JSON.stringify(events.map((e) => ({ ...e, attemptNumber: attempt - 1 })));
      const timestamp = String(this.acct.now() + (s.clockSkewMs ?? 0));
      const signature = createHmac('sha256', s.clientSecret).update(`POST${s.targetUrl}${body}${timestamp}`, 'utf8').digest('base64');
      try {
        const r = await fetch(s.targetUrl, {
          method: 'POST', body,
          headers: { 'Content-Type': 'application/json', 'X-HubSpot-Signature-v3': signature, 'X-HubSpot-Request-Timestamp': timestamp, 'X-HubSpot-Signature-Version': 'v3' },
          signal: AbortSignal.timeout(5_000),
        });
        status = r.status;
        await r.arrayBuffer();
      } catch {
        status = 'network';
      }
      this.log.push({ at: this.acct.now(), status, events: events.length, attempt });
      const ok = typeof status === 'number' && status >= 200 && status < 300;
      if (!ok && attempt < (s.maxAttempts ?? 10) && gen === this.generation) {
        const delay = (s.retryDelayMs ?? 1_000) * 2 ** (attempt - 1);
        this.inFlight++;
        setTimeout(() => { this.inFlight--; void this.send(s, events, attempt + 1, gen); }, delay);
      }
    } finally {
      this.inFlight--;
    }
  }
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}
