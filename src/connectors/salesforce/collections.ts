// Shared plumbing of the write path: chunking to the collections limit, sending each chunk through the call
// guard, and mapping the per-record results back onto the batch in order.
import type { WriteBack } from '../../domain/write-back.ts';
import type { Logger } from '../../lib/logger.ts';
import type { LoadedMappings } from '../../mapping/index.ts';
import type { WriteOutcome } from '../contract.ts';
import type { SalesforceClient } from './client.ts';
import type { CallGuard } from './outcomes.ts';
import type { RecordError } from './schemas.ts';
import { saveResultsSchema } from './schemas.ts';

/** Leads known to be converted (from pulls and our own conversions) → converted opportunity id. */
export type ConvertedLeads = Map<string, string | null>;

export interface WriteDeps {
  readonly client: SalesforceClient;
  readonly mappings: LoadedMappings;
  readonly logger: Logger;
  readonly writeBatchSize: number;
  readonly converted: ConvertedLeads;
}

export interface Item<W extends WriteBack = WriteBack> {
  readonly index: number;
  readonly wb: W;
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Sends each chunk as one collections call and maps results back to the items (in order). A result list that
 * does not line up with the request is treated as a failed call (retry), never guessed at.
 */
export async function sendChunks<I extends { index: number }>(opts: {
  items: readonly I[]; size: number; guard: CallGuard; outcomes: WriteOutcome[];
  call: (chunk: readonly I[]) => Promise<unknown>;
  onResult: (item: I, result: { id: string | null; success: boolean; errors: readonly RecordError[] }) => WriteOutcome;
  onCallFailure: (error: unknown, transient: boolean) => WriteOutcome;
}): Promise<void> {
  for (const chunk of chunks(opts.items, opts.size)) {
    const res = await opts.guard.send(() => opts.call(chunk));
    if (!res.ok) {
      const outcome = opts.onCallFailure(res.error, res.transient);
      for (const it of chunk) opts.outcomes[it.index] = outcome;
      continue;
    }
    const parsed = saveResultsSchema.safeParse(res.value);
    if (!parsed.success || parsed.data.length !== chunk.length) {
      for (const it of chunk) opts.outcomes[it.index] = { status: 'retry', code: 'MALFORMED_RESPONSE', message: 'Salesforce returned results that do not match the request', retryAfterMs: null };
      continue;
    }
    chunk.forEach((it, i) => {
      const r = parsed.data[i];
      if (r !== undefined) opts.outcomes[it.index] = opts.onResult(it, { id: r.id ?? null, success: r.success, errors: r.errors });
    });
  }
}
