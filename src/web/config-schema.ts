// The `web:` section: the partner web client and JSON API (`leadrelay serve`, or the daemon when enabled).
// schema.ts imports it; config/default.yaml lists every key with these defaults.
import { z } from 'zod';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const webSchema = z.strictObject({
  enabled: z.boolean().default(false).describe('Start the web server inside `leadrelay daemon` (`leadrelay serve` runs it alone).'),
  host: z.string().min(1).default('127.0.0.1').describe('Interface to listen on; 0.0.0.0 behind a reverse proxy or in a container.'),
  port: z.number().int().min(0).max(65535).default(8080),
  publicUrl: httpUrl.default('http://localhost:8080')
    .describe('The address people open, used in mails. https:// makes cookies Secure.'),
  secret: z.string().min(32, { error: 'must be at least 32 characters (e.g. `openssl rand -base64 48`)' }).nullable().default(null)
    .describe('Signs action links in mails and CSRF tokens. From the environment; required to serve.'),
  trustProxy: z.boolean().default(false).describe('Trust X-Forwarded-* from a reverse proxy (client address for rate limits, https).'),
  sessionDays: z.number().positive().default(30).describe('A session ends this long after the last visit.'),
  magicLinkMinutes: z.number().int().min(1).max(1440).default(15),
  actionLinkDays: z.number().positive().max(60).default(7).describe('How long one-click buttons in mails stay valid.'),
  passwords: z.boolean().default(true).describe('Allow signing in with a password (argon2) besides the emailed link.'),
  rateLimit: z.strictObject({
    loginPerMinute: z.number().int().min(1).default(5).describe('Sign-in attempts per client address and per email address.'),
    actionsPerMinute: z.number().int().min(1).default(60).describe('Reserve, decline, feedback and other changes per user.'),
    readsPerMinute: z.number().int().min(1).default(600).describe('Everything else per client address.'),
  }).prefault({}),
}).prefault({});

export type WebConfig = z.infer<typeof webSchema>;
