// Duplicate detection helper: the same person (email, phone) or company (name without legal form + country)
// within `duplicates.windowDays` attaches to the existing lead instead of creating a second offer. The store
// indexes `duplicateKeys` (one lookup per key); `findDuplicates` decides over the candidates it returns.
import type { DuplicatesConfig } from './config-schema.ts';
import { DAY_MS, norm, own } from './values.ts';

export type DuplicateKind = 'email' | 'phone' | 'company';

export interface DuplicateKey {
  readonly kind: DuplicateKind;
  /** `email:…`, `phone:…`, `company:…|cc`: comparable across leads, safe to index (hash it if stored long-term). */
  readonly key: string;
}

// Legal forms dropped from company names so "ACME GmbH" and "Acme" meet. Extend here, not in callers.
const legalForms = new Set([
  'gmbh', 'mbh', 'ag', 'kg', 'ohg', 'gbr', 'ug', 'ek', 'eg', 'ev', 'se', 'co', 'cokg', 'inc', 'incorporated', 'ltd',
  'limited', 'llc', 'llp', 'plc', 'corp', 'corporation', 'company', 'sa', 'sas', 'sarl', 'srl', 'spa', 'bv', 'nv',
  'ab', 'as', 'oy', 'aps', 'kft', 'sro', 'sp', 'zoo', 'the', 'und', 'and',
]);

export function normalizeCompany(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\./g, '')
    .replace(/&/g, ' ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .split(' ')
    .filter((w) => w !== '' && !legalForms.has(w))
    .join(' ');
}

export function duplicateKeys(lead: unknown, cfg: DuplicatesConfig): DuplicateKey[] {
  const keys: DuplicateKey[] = [];
  const text = (field: string): string | null => {
    const v = own(lead, field);
    return typeof v === 'string' && v.trim() !== '' && v.length <= 500 ? v : null;
  };
  for (const kind of cfg.keys) {
    if (kind === 'email') {
      const e = text('email');
      if (e !== null && /^[^@\s]+@[^@\s]+$/.test(e.trim())) keys.push({ kind, key: `email:${norm(e)}` });
    } else if (kind === 'phone') {
      // The last N digits: "+49 89 1234567" and "089 1234567" meet despite country-prefix styles.
      const digits = (text('phone') ?? '').replace(/\D/g, '');
      if (digits.length >= cfg.phoneDigits) keys.push({ kind, key: `phone:${digits.slice(-cfg.phoneDigits)}` });
    } else {
      const c = text('company');
      const name = c === null ? '' : normalizeCompany(c);
      if (name.length >= 2) keys.push({ kind, key: `company:${name}|${norm(text('country') ?? '')}` });
    }
  }
  return keys;
}

export interface PriorLead {
  readonly id: string;
  readonly data: unknown;
  readonly receivedAt: Date;
}

export interface DuplicateMatch {
  readonly leadId: string;
  readonly kinds: DuplicateKind[];
  readonly receivedAt: Date;
}

/**
 * Earlier leads (received within the window before `now`) sharing any key with `lead`, most recent first. The
 * caller attaches the new lead to the first one and tells the CRM.
 */
export function findDuplicates(lead: unknown, prior: readonly PriorLead[], cfg: DuplicatesConfig, now: Date): DuplicateMatch[] {
  const mine = new Map(duplicateKeys(lead, cfg).map((k) => [k.key, k.kind]));
  if (mine.size === 0) return [];
  const since = now.getTime() - cfg.windowDays * DAY_MS;
  const out: DuplicateMatch[] = [];
  for (const p of prior) {
    if (p.receivedAt.getTime() < since) continue;
    const kinds = duplicateKeys(p.data, cfg).map((k) => mine.get(k.key)).filter((k): k is DuplicateKind => k !== undefined);
    if (kinds.length > 0) out.push({ leadId: p.id, kinds: [...new Set(kinds)], receivedAt: p.receivedAt });
  }
  return out.sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime() || (a.leadId < b.leadId ? -1 : a.leadId > b.leadId ? 1 : 0));
}
