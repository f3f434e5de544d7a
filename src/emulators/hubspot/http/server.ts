// The node:http front: reads bodies, hands requests to the dispatcher (or the control surface), writes answers,
// and destroys the socket for `reset` faults. Keep-alive stays on, as node-fetch in @hubspot/api-client reuses
// connections when given an agent.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Dispatcher } from './dispatch.ts';
import { json } from './http.ts';
import type { Req, Res } from './http.ts';

export interface ServerHooks {
  dispatcher: Dispatcher;
  control: (req: Req) => Res;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function write(res: ServerResponse, out: Res): void {
  const headers: Record<string, string | number> = { ...out.headers, 'Content-Length': Buffer.byteLength(out.body) };
  res.writeHead(out.status, headers);
  res.end(out.body);
}

async function handle(hooks: ServerHooks, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator.invalid');
  const r: Req = { method: (req.method ?? 'GET').toUpperCase(), path: url.pathname, query: url.searchParams, headers: req.headers, body: await readBody(req) };
  if (r.path.startsWith('/__emulator/')) {
    write(res, hooks.control(r));
    return;
  }
  const out = await hooks.dispatcher.handle(r, `http://${req.headers.host ?? 'localhost'}`);
  if (out === 'reset') {
    req.socket.destroy();
    return;
  }
  write(res, out);
}

export async function listen(hooks: ServerHooks, port: number, host: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    handle(hooks, req, res).catch((e: unknown) => {
      if (!res.headersSent) {
        write(res, json(500, { status: 'error', message: e instanceof Error ? e.message : String(e), category: 'INTERNAL_ERROR' }));
      } else {
        res.destroy();
      }
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { server, url: `http://${shownHost}:${addr.port}` };
}

export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
