// The config file format. Every key has a default, so `configSchema.parse({})` is a working configuration and
// config/default.yaml (every key, commented) parses to exactly the same values (a test pins that).
// Objects are strict: an unknown key is an error with a "did you mean". Nested objects use `.prefault({})`
// (zod 4: `.default()` returns its value unparsed, `.prefault()` parses it, so inner defaults fill in).
import { metricsConfigSchema } from '../observability/config-schema.ts';
import { z } from 'zod';
import { crmKinds } from '../domain/lead.ts';
import { matchingConfigSchema, qualificationConfigSchema } from '../rules/config-schema.ts';
import { cronError } from './cron.ts';
import { hubspotSchema } from './hubspot-schema.ts';
import { calendarSchema, feedbackSchema, offersSchema, pointsSchema } from './marketplace-schema.ts';
import { webSchema } from '../web/config-schema.ts';
import { mailSchema } from '../notify/config-schema.ts';
import { reportsSchema } from '../reports/delivery-config.ts';
import { clusterSchema } from '../scheduler/config-schema.ts';
import { realtimeSchema } from '../sync/realtime-config.ts';

/** A credential or other secret: taken from the environment (`${NAME}`), null until a command needs it. */
const secret = z.string().min(1).nullable().default(null);
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const seconds = z.number().int().nonnegative();

const cron = z.string().superRefine((expr, ctx) => {
  const err = cronError(expr);
  if (err !== null) ctx.addIssue({ code: 'custom', message: `invalid cron expression: ${err}`, params: { hint: 'five fields: minute hour day-of-month month day-of-week, e.g. "*/5 * * * *" (a sixth, leading field is seconds)' } });
});

export const authFlows = ['password', 'refresh_token', 'client_credentials', 'jwt'] as const;
export type AuthFlow = (typeof authFlows)[number];

const salesforceSchema = z.strictObject({
  loginUrl: httpUrl.nullable().default('https://login.salesforce.com').describe('Login host (production, sandbox, My Domain or emulator); null = built-in emulator.'),
  instanceUrl: httpUrl.nullable().default(null).describe('Instance URL; normally learned from the token response.'),
  apiVersion: z.string().regex(/^\d{2,3}\.0$/, { error: 'must look like "60.0" (quoted)' }).default('60.0'),
  auth: z.strictObject({
    flow: z.enum(authFlows).default('password'),
    clientId: secret,
    clientSecret: secret,
    username: secret,
    password: secret.describe('Password + security token, as Salesforce expects for the username-password flow.'),
    refreshToken: secret,
    privateKeyFile: secret.describe('jwt: path to the PEM private key whose certificate is on the Connected App.'),
  }).prefault({}),
  queryBatchSize: z.number().int().min(200).max(2000).default(2000).describe('Records per query page (Sforce-Query-Options batchSize).'),
  writeBatchSize: z.number().int().min(1).max(200).default(200).describe('Records per sObject Collections call.'),
  maxDailyApiShare: z.number().min(0).max(1).default(0.5).describe('Stop spending API calls at this share of the daily allocation.'),
  requestTimeoutSeconds: z.number().int().min(1).max(3600).default(120).describe('Give up on one HTTP call after this long (then retry).'),
  retry: z.strictObject({
    retries: z.number().int().min(0).max(10).default(4),
    minDelayMs: z.number().int().min(0).default(1000),
    maxDelayMs: z.number().int().min(0).default(30_000),
    maxRetryAfterSeconds: z.number().int().min(0).default(120),
  }).prefault({}).describe('Retries of one call on 429, 5xx, resets, row locks; longer Retry-After waits are rescheduled.'),
  quotaProbeMinutes: z.number().int().min(1).max(1440).default(30).describe('After REQUEST_LIMIT_EXCEEDED, pause this long, then probe again (the quota is a rolling 24 hours).'),
}).prefault({});

export const configSchema = z.strictObject({
  crm: z.enum(crmKinds).default('salesforce'),
  salesforce: salesforceSchema,
  hubspot: hubspotSchema,
  mappingsDir: z.string().min(1).default('mappings').describe('Folder holding <crm>/*.yaml mapping files, relative to the base folder.'),
  store: z.strictObject({
    url: z.string().regex(/^(sqlite:.+|:memory:|postgres(ql)?:\/\/.+)$/, { error: "must be 'sqlite:<path>', ':memory:' or 'postgres://user@host:5432/database'" }).default('sqlite:data/leadrelay.db'),
    poolSize: z.number().int().min(1).max(200).default(10).describe('PostgreSQL only: most connections per process; one transaction holds one until it ends.'),
  }).prefault({}),
  sync: z.strictObject({
    overlapSeconds: seconds.default(300).describe('Re-read this far before the saved cursor on every pull.'),
    settleSeconds: seconds.default(2).describe('Do not read changes newer than now minus this.'),
    maxAttempts: z.number().int().min(1).default(8).describe('Write-back attempts before quarantine.'),
    retryBaseSeconds: z.number().int().min(1).default(30).describe('First retry delay; doubles per attempt.'),
  }).prefault({}),
  qualification: qualificationConfigSchema,
  matching: matchingConfigSchema,
  offers: offersSchema,
  feedback: feedbackSchema,
  calendar: calendarSchema,
  points: pointsSchema,
  web: webSchema,
  mail: mailSchema,
  reports: reportsSchema,
  realtime: realtimeSchema,
  schedule: z.strictObject({
    sync: cron.default('*/5 * * * *'),
    tick: cron.default('* * * * *'),
    /** Weekly report mail: Monday 06:00 (daemon's time zone), covering the ISO week that just ended. */
    reports: cron.default('0 6 * * 1'),
    /** Partner KPIs to the CRM: daily, before the working day. */
    kpis: cron.default('30 5 * * *'),
  }).prefault({}),
  log: z.strictObject({
    level: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
  }).prefault({}),
  metrics: metricsConfigSchema,
  cluster: clusterSchema,
}).meta({ title: 'leadrelay configuration' });

export type Config = z.infer<typeof configSchema>;

/** Keys holding secrets: always redacted when printed, wherever their value came from. */
export const secretPaths: readonly string[] = [
  'salesforce.auth.clientSecret', 'salesforce.auth.password', 'salesforce.auth.refreshToken',
  'hubspot.auth.accessToken', 'hubspot.auth.clientSecret', 'hubspot.auth.refreshToken',
  'web.secret', 'mail.smtp.password', 'realtime.hubspot.clientSecret',
];
