// The `mail:` section: SMTP transport, sender, outbox job and notification defaults. schema.ts imports it;
// config/default.yaml lists every key with these defaults.
import { z } from 'zod';
import { isValidTimeZone } from '../domain/calendar.ts';

const secret = z.string().min(1).nullable().default(null);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a local time like "08:00" (quoted)' });

export const mailSchema = z.strictObject({
  enabled: z.boolean().default(false).describe('Send mails (the outbox is filled either way; nothing is lost while off).'),
  from: z.string().min(3).default('leadrelay <leadrelay@localhost>').describe('Sender address, e.g. "ACME Leads <leads@acme.com>".'),
  replyTo: z.string().nullable().default(null),
  smtp: z.strictObject({
    host: z.string().min(1).default('localhost'),
    port: z.number().int().min(1).max(65535).default(587),
    secure: z.boolean().default(false).describe('TLS from the first byte (port 465); false = STARTTLS when offered.'),
    requireTLS: z.boolean().default(false).describe('Refuse to send without STARTTLS.'),
    user: secret,
    password: secret,
    timeoutSeconds: z.number().int().min(1).default(30),
    pool: z.boolean().default(false).describe('Keep one SMTP connection open across a batch instead of one per mail (fewer handshakes at volume).'),
  }).prefault({}),
  batchSize: z.number().int().min(1).max(1000).default(50).describe('Mails sent per run of the sender.'),
  maxAttempts: z.number().int().min(1).default(6).describe('Attempts per mail (backoff between them), then failed or uncertain.'),
  leaseSeconds: z.number().int().min(1).default(180)
    .describe('A mail claimed this long ago whose outcome was never recorded (the sender died) is resent with the same Message-ID.'),
  everySeconds: z.number().int().min(1).default(15).describe('How often the sender and the digest look for work.'),
  keepBodiesDays: z.number().int().min(0).default(30).describe('Sent mails keep their bodies this long (they may hold contact data).'),
  defaults: z.strictObject({
    timezone: z.string().refine(isValidTimeZone, { error: 'unknown IANA time zone, e.g. Europe/Berlin' }).default('UTC'),
    offers: z.enum(['instant', 'digest', 'off']).default('instant'),
    digestTimes: z.array(hhmm).min(1).default(['08:00', '13:00']),
  }).prefault({}).describe('Notification preferences of users who have not set their own.'),
}).refine((m) => m.leaseSeconds > m.smtp.timeoutSeconds * 3, {
  // A live sender may still be inside its exchange (connect, greeting and socket timeouts) until then.
  error: 'must be more than 3 × mail.smtp.timeoutSeconds, or a slow send still running would be resent', path: ['leaseSeconds'],
}).prefault({});

export type MailConfig = z.infer<typeof mailSchema>;
