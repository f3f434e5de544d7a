// The installable app: web app manifest, service worker, icons, styles, the one script, the offline page.
// Static, public and cacheable; the service worker is revalidated on every load so updates arrive.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../deps.ts';
import { appIcon, iconSvg } from '../icons.ts';

const dir = join(import.meta.dirname, '..', 'static');
const file = (name: string): string => readFileSync(join(dir, name), 'utf8');

export function registerPwa(app: FastifyInstance, _deps: WebDeps): void {
  const css = file('app.css');
  const js = file('app.js');
  const sw = file('sw.js');
  const offline = file('offline.html');
  const icons = new Map<string, Buffer>([
    ['icon-192.png', appIcon(192)], ['icon-512.png', appIcon(512)], ['maskable-512.png', appIcon(512, true)], ['apple-touch-icon.png', appIcon(180, true)],
  ]);
  const manifest = {
    name: 'leadrelay', short_name: 'Leads', description: 'Offers, leads and feedback for partners.', id: '/', start_url: '/', scope: '/',
    display: 'standalone', orientation: 'portrait', background_color: '#f9fafb', theme_color: '#1d4ed8',
    icons: [
      { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
      { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
      { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
      { src: '/icons/icon.svg', sizes: 'any', type: 'image/svg+xml' },
    ],
    shortcuts: [{ name: 'Offers', url: '/picks' }, { name: 'My leads', url: '/leads' }],
  };
  const day = 'public, max-age=86400';
  const opts = { config: { public: true } };

  app.get('/manifest.webmanifest', opts, async (_req, reply) => reply.type('application/manifest+json').header('cache-control', day).send(JSON.stringify(manifest)));
  app.get('/sw.js', opts, async (_req, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(sw));
  app.get('/static/app.css', opts, async (_req, reply) => reply.type('text/css; charset=utf-8').header('cache-control', day).send(css));
  app.get('/static/app.js', opts, async (_req, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', day).send(js));
  app.get('/offline', opts, async (_req, reply) => reply.type('text/html; charset=utf-8').header('cache-control', day).send(offline));
  app.get('/icons/icon.svg', opts, async (_req, reply) => reply.type('image/svg+xml').header('cache-control', day).send(iconSvg));
  app.get('/icons/:name', opts, async (req, reply) => {
    const icon = icons.get((req.params as { name: string }).name);
    if (icon === undefined) return reply.code(404).send({ error: { code: 'ROUTE.NOT_FOUND', message: 'No such icon.' } });
    return reply.type('image/png').header('cache-control', day).send(icon);
  });
  app.get('/apple-touch-icon.png', opts, async (_req, reply) => reply.type('image/png').header('cache-control', day).send(icons.get('apple-touch-icon.png')));
  app.get('/favicon.ico', opts, async (_req, reply) => reply.type('image/svg+xml').header('cache-control', day).send(iconSvg));
}
