// Logger factory (winston, JSON lines). Everything logged passes `scrub`: values under keys that name secrets
// or personal data are replaced, and email addresses / bearer tokens inside strings are masked, so a log of a
// full run never carries what the CRM told us about a person (reliability issue: a test scans for them).
import winston from 'winston';

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const secretKey = /pass(word)?|secret|token|authorization|cookie|assertion|private|apikey|api_key|signature/i;
const personalKey = /^(email|phone|mobile|first_?name|last_?name|name|street|address|company|remarks|description|comment|body|payload|raw|record|data)$/i;
const emailPattern = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const bearerPattern = /(Bearer\s+)[A-Za-z0-9._~+/=!-]+/gi;

export function scrub(value: unknown, key = '', depth = 0): unknown {
  if (key !== '' && secretKey.test(key)) return '[secret]';
  if (key !== '' && personalKey.test(key)) return value === null || value === undefined ? value : '[personal]';
  if (typeof value === 'string') return value.replace(emailPattern, '[email]').replace(bearerPattern, '$1[secret]');
  if (value instanceof Error) return { name: value.name, message: scrub(value.message, '', depth + 1) };
  if (value === null || typeof value !== 'object' || depth > 6) return value;
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => scrub(v, '', depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = scrub(v, k, depth + 1);
  return out;
}

class WinstonLogger implements Logger {
  constructor(private readonly w: winston.Logger) {}
  debug(msg: string, fields?: LogFields): void { this.w.debug(scrub(msg) as string, scrub(fields ?? {}) as object); }
  info(msg: string, fields?: LogFields): void { this.w.info(scrub(msg) as string, scrub(fields ?? {}) as object); }
  warn(msg: string, fields?: LogFields): void { this.w.warn(scrub(msg) as string, scrub(fields ?? {}) as object); }
  error(msg: string, fields?: LogFields): void { this.w.error(scrub(msg) as string, scrub(fields ?? {}) as object); }
  child(fields: LogFields): Logger { return new WinstonLogger(this.w.child(scrub(fields) as object)); }
}

export interface LoggerOptions {
  level?: string;
  /** Where JSON lines go; default stderr so stdout stays for command output (--json). */
  stream?: NodeJS.WritableStream;
  silent?: boolean;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const transport = new winston.transports.Stream({ stream: opts.stream ?? process.stderr });
  const w = winston.createLogger({
    level: opts.level ?? 'info',
    silent: opts.silent ?? false,
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [transport],
  });
  return new WinstonLogger(w);
}

/** A logger that drops everything (tests, library use). */
export const nullLogger: Logger = {
  debug() {}, info() {}, warn() {}, error() {},
  child() { return nullLogger; },
};
