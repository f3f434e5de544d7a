// Partners form a tree: manufacturer → distributor → reseller → users. Attributes beyond the standard ones
// live in `attributes` so matching criteria can use them without code changes (rules issue).
import { z } from 'zod';
import type { crmKinds} from './lead.ts';
import { customValueSchema } from './lead.ts';

export const partnerKinds = ['distributor', 'reseller'] as const;
export type PartnerKind = (typeof partnerKinds)[number];

export const partnerDataSchema = z.object({
  name: z.string().min(1),
  kind: z.enum(partnerKinds).default('reseller'),
  /** CRM id of the parent partner (a distributor), if any. */
  parentExternalId: z.string().nullable().default(null),
  level: z.string().nullable().default(null),
  products: z.array(z.string()).default([]),
  certifications: z.array(z.string()).default([]),
  /** Service area: ISO country codes, regions (state/province), postcode prefixes, a radius around the location. */
  countries: z.array(z.string()).default([]),
  regions: z.array(z.string()).default([]),
  postalPrefixes: z.array(z.string()).default([]),
  radiusKm: z.number().positive().nullable().default(null),
  city: z.string().nullable().default(null),
  postalCode: z.string().nullable().default(null),
  country: z.string().nullable().default(null),
  latitude: z.number().min(-90).max(90).nullable().default(null),
  longitude: z.number().min(-180).max(180).nullable().default(null),
  /** Most open (reserved, not closed) leads at once; null = unlimited. */
  capacity: z.number().int().nonnegative().nullable().default(null),
  active: z.boolean().default(true),
  email: z.string().nullable().default(null),
  attributes: z.record(z.string(), customValueSchema).default({}),
});
export type PartnerData = z.infer<typeof partnerDataSchema>;

export interface Partner {
  readonly id: string;
  readonly crm: (typeof crmKinds)[number] | 'local';
  readonly externalId: string;
  readonly parentId: string | null;
  readonly data: PartnerData;
  readonly contentHash: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Performance figures the store derives from history; matching reads them. */
export interface PartnerStats {
  readonly partnerId: string;
  readonly offered: number;
  readonly reserved: number;
  readonly won: number;
  readonly lost: number;
  readonly declined: number;
  /** Reserved and not yet won/lost/returned. */
  readonly open: number;
  /** Offers made in the recent fairness window (matching lowers the score of busy partners). */
  readonly recentOffers: number;
  /** Median minutes from offer to reservation; null when it never reserved. */
  readonly medianMinutesToReserve: number | null;
  /** Leads whose feedback is overdue now (feedback gate). */
  readonly overdue: number;
  /** Points balance (all time) from the points ledger; absent = 0 (the `points` score reads it). */
  readonly points?: number;
}

export const emptyStats = (partnerId: string): PartnerStats => ({
  partnerId, offered: 0, reserved: 0, won: 0, lost: 0, declined: 0, open: 0, recentOffers: 0,
  medianMinutesToReserve: null, overdue: 0,
});

export const userRoles = ['admin', 'channel_manager', 'distributor_manager', 'partner_manager', 'sales_rep', 'agency_qualifier'] as const;
export type UserRole = (typeof userRoles)[number];

export interface User {
  readonly id: string;
  readonly email: string;
  readonly name: string | null;
  /** 'manufacturer', a partner id, or 'agency:<name>'. */
  readonly orgId: string;
  readonly roles: readonly UserRole[];
  readonly active: boolean;
  readonly externalId: string | null;
}
