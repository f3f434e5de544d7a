/* global self, caches, fetch, URL */
// leadrelay service worker: caches the app shell (styles, script, icons, the offline page) so the installed app
// opens fast on a weak connection. Pages and API answers are never stored: they hold lead data of the person
// signed in, and a shared phone must not keep them for the next person.
const CACHE = 'leadrelay-shell-v1';
const SHELL = ['/static/app.css', '/static/app.js', '/offline', '/icons/icon.svg', '/icons/icon-192.png', '/icons/icon-512.png'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (SHELL.includes(url.pathname)) {
    event.respondWith(caches.match(req).then((hit) => hit || fetch(req)));
    return;
  }
  if (req.mode === 'navigate') {
    // Network only; when offline, the cached offline page (it holds no data).
    event.respondWith(fetch(req).catch(() => caches.match('/offline')));
  }
});
