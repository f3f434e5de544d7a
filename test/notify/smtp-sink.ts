// Test mail servers over real sockets:
// - `startSmtpSink`: a real SMTP server (smtp-server) that keeps every message whose final "." arrived (a
//   message cut off before it is discarded, as RFC 5321 4.1.1.4 requires) and lets a test act at each point of
//   the exchange: a connection opening, MAIL FROM, the DATA command, the first bytes of DATA, the message
//   complete but the 250 not yet sent.
// - `startScriptedSmtp`: a few lines of raw SMTP that break the connection at a chosen point (mid-DATA, or
//   after the final "." without answering), which smtp-server cannot be told to do.
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface Delivery {
  readonly messageId: string;
  readonly to: string;
  readonly subject: string;
  readonly kind: string;
  readonly at: number;
}

export interface SinkHooks {
  /** A client connected (before the greeting is sent). */
  onConnect?: () => void;
  /** A MAIL FROM arrived: a message's envelope begins; its reply is sent after this resolves. */
  onMailFrom?: () => Promise<void> | void;
  /** The DATA command arrived (its 354 reply is sent right after this returns). */
  onDataCommand?: () => void;
  /** The first bytes of a message's DATA arrived. */
  onDataStart?: () => void;
  /** The final "." arrived and the message is stored; the 250 is sent after this resolves. */
  onMessage?: (d: Delivery) => Promise<void> | void;
}

export interface SmtpSink {
  readonly port: number;
  readonly deliveries: Delivery[];
  /** Messages whose connection closed before their final "." (discarded). */
  readonly cutOff: () => number;
  hooks: SinkHooks;
  close(): Promise<void>;
}

const header = (v: unknown): string => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));

export async function startSmtpSink(hooks: SinkHooks = {}): Promise<SmtpSink> {
  const deliveries: Delivery[] = [];
  let cutOff = 0;
  const sink: SmtpSink = {
    port: 0, deliveries, cutOff: () => cutOff, hooks,
    close: () => new Promise<void>((res) => server.close(() => res())),
  };
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false, socketTimeout: 10_000, closeTimeout: 100,
    // No reverse DNS per connection: the clients are this machine, and a lookup costs more than the whole exchange.
    disableReverseLookup: true,
    onConnect(_session, cb) {
      sink.hooks.onConnect?.();
      cb();
    },
    onMailFrom(_address, _session, cb) {
      void Promise.resolve(sink.hooks.onMailFrom?.()).then(() => cb());
    },
    onData(stream, _session, cb) {
      sink.hooks.onDataCommand?.();
      const chunks: Buffer[] = [];
      let first = true;
      stream.on('data', (b: Buffer) => {
        if (first) sink.hooks.onDataStart?.();
        first = false;
        chunks.push(b);
      });
      // The client went away before the final ".": the server has no message.
      stream.on('error', () => { cutOff++; });
      stream.on('end', () => {
        void (async () => {
          const m = await simpleParser(Buffer.concat(chunks));
          const to = (Array.isArray(m.to) ? m.to : m.to === undefined ? [] : [m.to]).map((a) => a.text).join(',');
          const d: Delivery = { messageId: m.messageId ?? '', to, subject: m.subject ?? '', kind: header(m.headers.get('x-leadrelay-kind')), at: Date.now() };
          deliveries.push(d);
          await sink.hooks.onMessage?.(d);
          cb(null, `OK: queued as Q${deliveries.length}`);
        })().catch((e: unknown) => cb(e as Error));
      });
    },
  });
  server.on('error', () => { /* a client killed mid-exchange resets its socket: not the server's problem */ });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  const a = server.server.address();
  return Object.assign(sink, { port: typeof a === 'object' && a !== null ? a.port : 0 });
}

export type BreakPoint = 'mid-data' | 'after-dot';

export interface ScriptedSmtp {
  readonly port: number;
  /** Messages whose final "." the server received (it answered nothing: the client cannot know). */
  readonly received: string[];
  close(): Promise<void>;
}

/** An SMTP server that breaks every connection at `at`: after some message bytes, or after the final ".". */
export async function startScriptedSmtp(at: BreakPoint): Promise<ScriptedSmtp> {
  const received: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    let data = false;
    let buf = '';
    sock.write('220 scripted ESMTP\r\n');
    sock.on('data', (b: Buffer) => {
      buf += b.toString('latin1');
      if (data) {
        if (at === 'mid-data' && buf.length > 200) {
          sock.destroy();
        } else if (at === 'after-dot' && buf.includes('\r\n.\r\n')) {
          received.push(buf.slice(0, buf.indexOf('\r\n.\r\n')));
          sock.destroy();
        }
        return;
      }
      let nl: number;
      while ((nl = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, nl).toUpperCase();
        buf = buf.slice(nl + 2);
        if (line.startsWith('EHLO')) sock.write('250-scripted\r\n250 8BITMIME\r\n');
        else if (line.startsWith('HELO') || line.startsWith('MAIL') || line.startsWith('RCPT') || line.startsWith('RSET')) sock.write('250 OK\r\n');
        else if (line.startsWith('DATA')) {
          data = true;
          sock.write('354 go ahead\r\n');
          return;
        } else if (line.startsWith('QUIT')) sock.end('221 bye\r\n');
        else sock.write('502 no\r\n');
      }
    });
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  const a = server.address();
  return {
    port: typeof a === 'object' && a !== null ? a.port : 0, received,
    close: () => new Promise<void>((res) => {
      for (const s of sockets) s.destroy();
      server.close(() => res());
    }),
  };
}
