// Duplicate detection at qualification: a lead of the same person (email, phone) or company (+ country) as an
// earlier, still open lead within the configured window attaches to that lead instead of being offered again.
// The store indexes only hashes of the identity keys (no extra personal data at rest); the rules decide.
import { createHash } from 'node:crypto';
import type { Lead } from '../domain/lead.ts';
import { terminalStatuses } from '../domain/lead.ts';
import type { Store } from '../domain/ports.ts';
import type { DuplicatesConfig } from '../rules/config-schema.ts';
import { duplicateKeys, findDuplicates } from '../rules/duplicates.ts';
import type { DuplicateKind } from '../rules/duplicates.ts';
import { DAY } from './context.ts';

export function hashedKeys(lead: Lead, cfg: DuplicatesConfig): string[] {
  return duplicateKeys(lead.data, cfg).map((k) => createHash('sha256').update(k.key).digest('base64url'));
}

export interface Original { readonly lead: Lead; readonly kinds: readonly DuplicateKind[] }

/** The earlier open lead this one duplicates, or null. `keys` are this lead's hashed keys. */
export async function findOriginal(tx: Store, lead: Lead, keys: readonly string[], cfg: DuplicatesConfig, now: Date): Promise<Original | null> {
  if (keys.length === 0 || cfg.windowDays <= 0) return null;
  const since = new Date(now.getTime() - cfg.windowDays * DAY);
  const candidates = (await tx.leads.findByKeys(keys, since))
    .filter((l) => l.id !== lead.id && !terminalStatuses.includes(l.status) && l.receivedAt.getTime() <= lead.receivedAt.getTime());
  const byId = new Map(candidates.map((l) => [l.id, l]));
  const [first] = findDuplicates(lead.data, candidates.map((l) => ({ id: l.id, data: l.data, receivedAt: l.receivedAt })), cfg, now);
  const original = first === undefined ? undefined : byId.get(first.leadId);
  return original === undefined || first === undefined ? null : { lead: original, kinds: first.kinds };
}
