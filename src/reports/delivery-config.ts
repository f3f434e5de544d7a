// The `reports:` section: what the weekly report mail covers and the KPI write-back window. The schedules live
// under `schedule.reports` / `schedule.kpis` beside the daemon's other cron jobs. schema.ts imports this;
// config/default.yaml lists every key with these defaults.
import { z } from 'zod';

export const reportsSchema = z.strictObject({
  delivery: z.strictObject({
    enabled: z.boolean().default(true).describe('Queue the report mail on `schedule.reports` (sent once `mail.enabled`).'),
    // Only roles with a report slice: a sales rep sees single leads, not a partner's numbers.
    roles: z.array(z.enum(['admin', 'channel_manager', 'distributor_manager', 'partner_manager'])).min(1)
      .default(['admin', 'channel_manager', 'distributor_manager', 'partner_manager'])
      .describe('Users with one of these roles receive the report, each with exactly their slice.'),
    trendWeeks: z.number().int().min(2).max(26).default(8).describe('Weeks shown in the trend chart.'),
  }).prefault({}),
  kpis: z.strictObject({
    enabled: z.boolean().default(true).describe('Write per-partner KPIs to the partner record in the CRM on `schedule.kpis`.'),
    windowDays: z.number().int().min(7).max(730).default(90).describe('The rolling window the CRM KPIs cover (days up to now).'),
  }).prefault({}),
}).prefault({});

export type ReportsConfig = z.infer<typeof reportsSchema>;
