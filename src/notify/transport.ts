// The SMTP transport (nodemailer) behind a two-method interface, so tests and the demo can pass their own.
// Only this file imports nodemailer.
import nodemailer from 'nodemailer';
import type { MailAttachment } from '../domain/mail.ts';
import type { MailConfig } from './config-schema.ts';

export interface MailMessage {
  readonly from: string;
  readonly replyTo?: string;
  readonly to: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly messageId: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly attachments?: readonly MailAttachment[];
}

export interface MailTransport {
  send(m: MailMessage): Promise<{ messageId: string; response: string }>;
  close(): void;
}

export function smtpTransport(cfg: MailConfig): MailTransport {
  const s = cfg.smtp;
  const common = {
    host: s.host, port: s.port, secure: s.secure, requireTLS: s.requireTLS,
    ...(s.user !== null ? { auth: { user: s.user, pass: s.password ?? '' } } : {}),
    connectionTimeout: s.timeoutSeconds * 1000, greetingTimeout: s.timeoutSeconds * 1000, socketTimeout: s.timeoutSeconds * 1000,
  };
  // One connection per send by default; `pool` keeps a single connection for consecutive sends (one at a time,
  // so a connection that dies mid-exchange still concerns exactly one message: the one in flight).
  const t = s.pool ? nodemailer.createTransport({ ...common, pool: true, maxConnections: 1 }) : nodemailer.createTransport({ ...common, pool: false });
  return {
    async send(m) {
      const info = await t.sendMail({
        from: m.from, ...(m.replyTo === undefined ? {} : { replyTo: m.replyTo }), to: m.to, subject: m.subject,
        html: m.html, text: m.text, messageId: m.messageId, headers: { ...m.headers },
        ...(m.attachments === undefined ? {} : { attachments: m.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })) }),
      });
      return { messageId: String(info.messageId ?? m.messageId), response: String(info.response ?? '') };
    },
    close: () => t.close(),
  };
}

/** What a failed send tells us: refused (the server has nothing: retry or give up) or unknown (maybe delivered). */
export type SendFailure = { readonly kind: 'refused'; readonly permanent: boolean } | { readonly kind: 'unknown' };

/**
 * nodemailer errors carry the SMTP reply (`responseCode`) and the command in flight (`command`). A reply code
 * means the server answered "no" (to the envelope, or to the final "." of DATA): nothing was delivered. A
 * connection that never opened (refused, DNS, TLS, authentication) delivered nothing either. Everything else
 * (a socket closed or timed out: nodemailer reports those as command "CONN" whatever the phase, so also after
 * the final ".") may have been delivered.
 */
export function classifySendError(e: unknown): SendFailure {
  const x = (e ?? {}) as { responseCode?: unknown; command?: unknown; code?: unknown; originalCode?: unknown };
  if (typeof x.responseCode === 'number') return { kind: 'refused', permanent: x.responseCode >= 500 };
  const before = ['EHLO', 'HELO', 'LHLO', 'STARTTLS', 'MAIL FROM', 'RCPT TO'];
  if (typeof x.command === 'string' && (before.includes(x.command) || x.command.startsWith('AUTH'))) return { kind: 'refused', permanent: false };
  if (typeof x.code === 'string' && ['EDNS', 'ETLS', 'EAUTH', 'ECONFIG'].includes(x.code)) return { kind: 'refused', permanent: false };
  const never = ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'];
  if (typeof x.originalCode === 'string' && never.includes(x.originalCode)) return { kind: 'refused', permanent: false };
  return { kind: 'unknown' };
}
