// Real `leadrelay` processes for the cluster tests: `serve` and `daemon` started from bin/leadrelay as child
// processes on one store, with their stderr (JSON log lines) kept for the assertions.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { repoRoot } from '../support/harness.ts';

export interface LogLine { readonly message: string; readonly [field: string]: unknown }

export interface Instance {
  readonly name: string;
  readonly child: ChildProcess;
  /** Parsed JSON log lines so far. */
  readonly logs: LogLine[];
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** SIGTERM and wait (a drained stop); SIGKILL if it takes longer than 20 s. */
  stop(): Promise<number | null>;
  kill(): Promise<number | null>;
}

export function start(name: string, configFile: string, cwd: string, env: Record<string, string>, args: readonly string[]): Instance {
  const child = spawn(process.execPath, [join(repoRoot, 'bin/leadrelay'), '--config', configFile, ...args], {
    cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let partial = '';
  const logs: LogLine[] = [];
  child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
  child.stderr.on('data', (b: Buffer) => {
    const text = b.toString();
    err += text;
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) {
      try {
        logs.push(JSON.parse(l) as LogLine);
      } catch {
        /* not a log line (a stack trace, a warning) */
      }
    }
  });
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  return {
    name, child, logs, exited, stdout: () => out, stderr: () => err,
    async stop() {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
    async kill() {
      child.kill('SIGKILL');
      return exited;
    },
  };
}

/** Poll `check` every 50 ms until it returns a value other than undefined; fail with `what` after timeoutMs. */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `leadrelay serve` on a free port; resolves with its base URL once it listens. */
export async function startServe(name: string, configFile: string, cwd: string, env: Record<string, string>): Promise<Instance & { url: string }> {
  const p = start(name, configFile, cwd, env, ['serve', '--port', '0']);
  const url = await waitFor(`${name} to listen`, () => {
    if (p.child.exitCode !== null) throw new Error(`${name} exited ${p.child.exitCode}: ${p.stderr().slice(0, 2000)}`);
    return /web client on (http:\/\/\S+)/.exec(p.stdout())?.[1];
  }, 60_000);
  return Object.assign(p, { url });
}

/** A config file for processes sharing `storeUrl` (absolute sqlite: path or another engine's URL). */
export function writeClusterConfig(dir: string, o: { storeUrl: string; crmUrl: string; logLevel?: string; extra?: readonly string[] }): string {
  const file = join(dir, 'leadrelay.yaml');
  writeFileSync(file, [
    'crm: salesforce',
    `mappingsDir: ${JSON.stringify(join(repoRoot, 'mappings'))}`,
    'store:',
    `  url: ${JSON.stringify(o.storeUrl)}`,
    'salesforce:',
    `  loginUrl: ${o.crmUrl}`,
    `  instanceUrl: ${o.crmUrl}`,
    '  auth:',
    '    flow: password',
    '    clientId: ${SF_CLIENT_ID}',
    '    clientSecret: ${SF_CLIENT_SECRET}',
    '    username: ${SF_USERNAME}',
    '    password: ${SF_PASSWORD}',
    'log:',
    `  level: ${o.logLevel ?? 'warn'}`,
    'metrics:',
    '  port: 0',
    ...(o.extra ?? []),
  ].join('\n'));
  return file;
}

export interface SmtpSink {
  readonly port: number;
  /** Message-ID header of every mail received, in order (a duplicate send shows as a repeated id). */
  readonly messageIds: string[];
  close(): Promise<void>;
}

/** A local SMTP server that accepts everything and records each mail's Message-ID. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messageIds: string[] = [];
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
    onData(stream, _session, cb) {
      let raw = '';
      stream.on('data', (b: Buffer) => { raw += b.toString('utf8'); });
      stream.on('end', () => {
        messageIds.push(/^message-id:\s*(\S+)/im.exec(raw)?.[1] ?? '(none)');
        cb();
      });
    },
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  const address = server.server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    messageIds,
    close: () => new Promise<void>((res) => server.close(() => res())),
  };
}
