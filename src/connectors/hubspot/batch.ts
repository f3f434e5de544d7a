// Shared plumbing of the write path: chunking to the batch limit (100 inputs), sending each chunk through the call
// guard, and mapping the 200/207 answer back onto the records. A result is matched by record id (update) or by its
// objectWriteTraceId (create); an error by the ids or trace ids in its context. A record neither answer names is
// `retry` (never guessed at): re-sending a full snapshot is harmless.
// https://developers.hubspot.com/docs/api-reference/error-handling#multi-status-errors
import type { WriteOutcome } from '../contract.ts';
import { chunks } from './companies.ts';
import type { CallGuard } from './outcomes.ts';
import type { BatchError, HsRecord } from './schemas.ts';
import { batchResponseSchema, recordSchema } from './schemas.ts';

export interface BatchItem {
  readonly index: number;
  /** The id the call addresses the record by (record id, or the unique property's value), and its trace id. */
  readonly key: string;
  readonly input: Record<string, unknown>;
}

export interface SendBatch<I extends BatchItem> {
  readonly items: readonly I[];
  readonly size: number;
  readonly guard: CallGuard;
  readonly outcomes: WriteOutcome[];
  readonly call: (inputs: ReadonlyArray<Record<string, unknown>>) => Promise<unknown>;
  /** How a result names its record: its id, or (creates, upserts by property) something else. */
  readonly resultKey: (r: HsRecord & { objectWriteTraceId?: unknown }) => string | undefined;
  readonly onResult: (item: I, result: HsRecord) => WriteOutcome;
  readonly onError: (item: I, error: BatchError) => WriteOutcome;
  readonly onCallFailure: (error: unknown, transient: boolean) => WriteOutcome;
}

const unanswered: WriteOutcome = { status: 'retry', code: 'NO_RESULT', message: 'HubSpot answered without a result for this record', retryAfterMs: null };

export async function sendBatch<I extends BatchItem>(o: SendBatch<I>): Promise<void> {
  for (const chunk of chunks(o.items, o.size)) {
    const res = await o.guard.send(() => o.call(chunk.map((i) => i.input)));
    if (!res.ok) {
      const outcome = o.onCallFailure(res.error, res.transient);
      for (const it of chunk) o.outcomes[it.index] = outcome;
      continue;
    }
    const parsed = batchResponseSchema.safeParse(res.value ?? {});
    if (!parsed.success) {
      for (const it of chunk) o.outcomes[it.index] = { status: 'retry', code: 'MALFORMED_RESPONSE', message: 'HubSpot returned a batch answer that does not match the API schema', retryAfterMs: null };
      continue;
    }
    const byKey = new Map(chunk.map((it) => [it.key, it]));
    const done = new Set<number>();
    for (const e of parsed.data.errors) {
      const ctx = e.context ?? {};
      for (const k of [...(ctx['ids'] ?? []), ...(ctx['objectWriteTraceId'] ?? [])]) {
        const it = byKey.get(k);
        if (it === undefined || done.has(it.index)) continue;
        o.outcomes[it.index] = o.onError(it, e);
        done.add(it.index);
      }
    }
    for (const raw of parsed.data.results) {
      const r = recordSchema.safeParse(raw);
      if (!r.success) continue;
      const k = o.resultKey(r.data);
      const it = k === undefined ? undefined : byKey.get(k);
      if (it === undefined || done.has(it.index)) continue;
      o.outcomes[it.index] = o.onResult(it, r.data);
      done.add(it.index);
    }
    for (const it of chunk) if (!done.has(it.index)) o.outcomes[it.index] = unanswered;
  }
}
