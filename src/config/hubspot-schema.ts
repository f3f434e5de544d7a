// The `hubspot:` section of the config: where the account is (api.hubapi.com, EU hosting, the emulator), how
// leadrelay authenticates (private app token or OAuth with a rotating refresh token), page and batch sizes, and
// the rate-limit policy. schema.ts owns the top level and imports this; config/default.yaml lists every key.
// https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details
import { z } from 'zod';
import { isValidTimeZone } from '../domain/calendar.ts';

const secret = z.string().min(1).nullable().default(null);
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const hubspotAuthFlows = ['private_app', 'oauth'] as const;
export type HubSpotAuthFlow = (typeof hubspotAuthFlows)[number];

export const hubspotSchema = z.strictObject({
  baseUrl: httpUrl.default('https://api.hubapi.com')
    .describe('API host: https://api.hubapi.com, https://api-eu1.hubapi.com (EU data hosting) or an emulator URL.'),
  auth: z.strictObject({
    flow: z.enum(hubspotAuthFlows).default('private_app'),
    accessToken: secret.describe('private_app: the private app access token (pat-...).'),
    clientId: secret.describe('oauth: the public app client id.'),
    clientSecret: secret.describe('oauth: the public app client secret.'),
    refreshToken: secret.describe('oauth: the refresh token from the app install; rotated tokens are persisted in the store.'),
  }).prefault({}),
  searchPageSize: z.number().int().min(10).max(200).default(200).describe('Records per CRM search call (at most 200).'),
  writeBatchSize: z.number().int().min(1).max(100).default(100).describe('Records per batch update/create call (at most 100).'),
  indexLagSeconds: seconds().default(15).describe('Search lags behind writes: never read changes newer than now minus this.'),
  archiveSweepMinutes: seconds().default(60).describe('How often a pull lists archived contacts (0 = every pull).'),
  rateLimit: z.strictObject({
    burstPer10s: z.number().int().min(10).default(100)
      .describe('Requests per rolling 10 s for the account: 100 (Free/Starter, OAuth apps), 150/190 (Professional/Enterprise).'),
    burstShare: z.number().min(0.1).max(1).default(0.8).describe("Share of the burst leadrelay may use; the rest is other apps' headroom."),
    searchPerSecond: z.number().int().min(1).max(5).default(4).describe('CRM search requests per second (HubSpot allows 5 per account).'),
  }).prefault({}),
  maxDailyApiShare: z.number().min(0).max(1).default(0.5).describe('Stop spending API calls at this share of the daily limit.'),
  timeZone: z.string().refine(isValidTimeZone, { error: 'unknown IANA time zone; use e.g. Europe/Berlin or UTC' }).default('UTC')
    .describe("The account's time zone setting: the daily limit resets at its midnight."),
}).prefault({});

function seconds() {
  return z.number().int().nonnegative();
}
