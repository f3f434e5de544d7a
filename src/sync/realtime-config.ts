// Config section `realtime:` (near-real-time ingestion). Off by default: it needs CRM-side setup (Change Data
// Capture for Lead in Salesforce; a HubSpot app's webhook subscriptions pointing at `/hooks/hubspot`).
import { z } from 'zod';
import { cronError } from '../config/cron.ts';

const cron = z.string().superRefine((expr, ctx) => {
  const err = cronError(expr);
  if (err !== null) ctx.addIssue({ code: 'custom', message: `invalid cron expression: ${err}`, params: { hint: 'five fields: minute hour day-of-month month day-of-week, e.g. "*/30 * * * *"' } });
});

export const realtimeSchema = z.strictObject({
  enabled: z.boolean().default(false).describe('Ingest CRM changes as they happen (Salesforce CDC, HubSpot webhooks); polling continues at safetyNetSync.'),
  safetyNetSync: cron.default('*/30 * * * *').describe('While realtime is enabled, the daemon polls on this schedule instead of schedule.sync.'),
  windowMs: z.number().int().min(0).max(60_000).default(150).describe('Changes arriving within this many ms are read and offered together.'),
  salesforce: z.strictObject({
    // Change Data Capture channels only: Platform Events (/event/...) carry no ChangeEventHeader to re-read by.
    channel: z.string().regex(/^\/data\/\w+$/, { error: "must be a Change Data Capture channel such as '/data/LeadChangeEvent' (or a custom /data/<Name>__chn channel holding Lead)" }).default('/data/LeadChangeEvent')
      .describe('Change Data Capture channel: the Lead change event channel, or a custom channel holding it.'),
  }).prefault({}),
  hubspot: z.strictObject({
    clientSecret: z.string().min(1).nullable().default(null).describe("The HubSpot app's client secret, which signs webhooks (v3); null = hubspot.auth.clientSecret. From the environment."),
    publicUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).nullable().default(null)
      .describe('The webhook target URL exactly as configured in the HubSpot app (it is part of the signature); null = as the request arrived.'),
    maxAgeSeconds: z.number().int().min(1).max(3600).default(300).describe('Refuse webhook requests whose signed timestamp is older than this (HubSpot: 5 minutes).'),
  }).prefault({}),
}).prefault({});

export type RealtimeConfig = z.infer<typeof realtimeSchema>;
