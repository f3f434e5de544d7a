// Builders for rules tests: complete canonical leads and partners from a few overrides, parsed through the
// domain schemas so defaults match what the mapping produces.
import type { LeadData } from '../../src/domain/lead.ts';
import { leadDataSchema } from '../../src/domain/lead.ts';
import type { Partner, PartnerData, PartnerStats } from '../../src/domain/partner.ts';
import { emptyStats, partnerDataSchema } from '../../src/domain/partner.ts';
import type { MatchingConfig, QualificationConfig } from '../../src/rules/config-schema.ts';
import { matchingConfigSchema, qualificationConfigSchema } from '../../src/rules/config-schema.ts';

export const NOW = new Date('2025-03-10T12:00:00Z');
export const EPOCH = new Date('2025-01-01T00:00:00Z');

export function lead(over: Partial<LeadData> = {}): LeadData {
  return leadDataSchema.parse({
    company: 'Acme Heating GmbH', country: 'DE', postalCode: '80331', city: 'München', email: 'anna@acme.example.org',
    productInterest: ['heatpump'], source: 'Demo Request', ...over,
  });
}

export function partner(id: string, over: Partial<PartnerData> = {}): Partner {
  return {
    id, crm: 'local', externalId: `ext-${id}`, parentId: null, contentHash: id, createdAt: EPOCH, updatedAt: EPOCH,
    data: partnerDataSchema.parse({ name: `Partner ${id}`, country: 'DE', countries: ['DE'], products: ['heatpump'], level: 'gold', ...over }),
  };
}

export function stats(id: string, over: Partial<PartnerStats> = {}): PartnerStats {
  return { ...emptyStats(id), ...over };
}

export function statsMap(list: readonly PartnerStats[]): Map<string, PartnerStats> {
  return new Map(list.map((s) => [s.partnerId, s]));
}

export function matching(over: Record<string, unknown> = {}): MatchingConfig {
  return matchingConfigSchema.parse(over);
}

export function qualification(over: Record<string, unknown> = {}): QualificationConfig {
  return qualificationConfigSchema.parse(over);
}

/** A seeded PRNG (mulberry32): tests and benchmarks are reproducible. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
