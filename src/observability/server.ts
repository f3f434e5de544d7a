// /metrics, /healthz and /readyz for the daemon (the web server mounts the same handlers). Liveness says the
// process answers; readiness says it can do its work: the database answers and it is not draining.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Store } from '../domain/ports.ts';
import type { Metrics } from './metrics.ts';

export interface ProbeDeps {
  readonly metrics: Metrics;
  readonly store: Store;
  readonly now: () => Date;
  readonly crm: string;
  /** False once SIGTERM started the drain. */
  readonly accepting: () => boolean;
  /** This daemon's instance id (cluster leases): /readyz then lists which jobs it leads. */
  readonly instance?: string;
}

export interface ProbeResponse { status: number; contentType: string; body: string }

export async function probe(path: string, d: ProbeDeps): Promise<ProbeResponse | null> {
  if (path === '/healthz') return { status: 200, contentType: 'application/json', body: JSON.stringify({ status: 'ok' }) };
  if (path === '/readyz') {
    if (!d.accepting()) return { status: 503, contentType: 'application/json', body: JSON.stringify({ status: 'draining' }) };
    try {
      await d.store.kv.get('readyz');
      if (d.instance === undefined) return { status: 200, contentType: 'application/json', body: JSON.stringify({ status: 'ready' }) };
      // Several daemons: which jobs this one is running now under an unexpired lease (the rest wait their tick).
      const now = d.now().getTime();
      const leading = (await d.store.leases.list()).filter((l) => l.holder === d.instance && l.expiresAt.getTime() > now).map((l) => l.job);
      return { status: 200, contentType: 'application/json', body: JSON.stringify({ status: 'ready', instance: d.instance, leading }) };
    } catch {
      return { status: 503, contentType: 'application/json', body: JSON.stringify({ status: 'database unavailable' }) };
    }
  }
  if (path === '/metrics') {
    await d.metrics.refresh(d.store, d.now(), d.crm);
    return { status: 200, contentType: d.metrics.registry.contentType, body: await d.metrics.registry.metrics() };
  }
  return null;
}

export interface ProbeServer { readonly url: string; close(): Promise<void> }

export async function startProbeServer(d: ProbeDeps, host: string, port: number): Promise<ProbeServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    probe(path, d).then((r) => {
      const out = r ?? { status: 404, contentType: 'application/json', body: JSON.stringify({ error: { code: 'NOT_FOUND', message: 'Try /metrics, /healthz or /readyz.' } }) };
      res.writeHead(out.status, { 'content-type': out.contentType }).end(out.body);
    }, () => {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'INTERNAL', message: 'metrics failed' } }));
    });
  });
  await new Promise<void>((res) => server.listen(port, host, res));
  const a = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${a.port}`,
    close: () => new Promise((res) => { server.close(() => res()); }),
  };
}
