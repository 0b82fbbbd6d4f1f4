/* global self, caches, fetch, URL, Response */
/*
 * Service worker of the grid worker's app (/report): only the offline shell. The
 * page opens from the home screen with no network (a basement, a dead zone) and
 * shows the tasks and the outbox kept in IndexedDB; reports made then are queued
 * there by the page itself. This worker never touches /api or Socket.IO: data is
 * the page's business, and nothing personal is cached here.
 *
 * - the page (/report): network first, the last good copy when the network fails;
 * - Next's hashed assets (/_next/static/…): cache first (they never change);
 * - the manifest and icons: cache, refreshed in the background.
 */
const SHELL = 'hcm-report-shell-v1';
const STATIC = 'hcm-report-static-v1';
const STATIC_MAX = 200;
const PAGE = '/report';

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      await cachePage(await fetch(PAGE, { credentials: 'same-origin', redirect: 'manual' }).catch(() => null));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const keep = new Set([SHELL, STATIC]);
      for (const key of await caches.keys()) if (key.startsWith('hcm-report-') && !keep.has(key)) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

/**
 * The page lists the assets it loaded before this worker controlled it: keep them
 * too, and the page itself, then answer on the message's port how many are kept.
 */
self.addEventListener('message', (event) => {
  const data = event.data;
  if (!data || data.type !== 'cache-assets' || !Array.isArray(data.urls)) return;
  const urls = data.urls.filter((url) => typeof url === 'string' && isStatic(new URL(url, self.location.origin)));
  const reply = event.ports && event.ports[0];
  event.waitUntil(
    (async () => {
      const cache = await caches.open(STATIC);
      let kept = 0;
      for (const url of urls) {
        if (!(await cache.match(url))) {
          const response = await fetch(url).catch(() => null);
          if (!response || !response.ok) continue;
          await cache.put(url, response);
        }
        kept++;
      }
      await trim(cache);
      if (!(await caches.match(PAGE, { cacheName: SHELL }))) {
        await cachePage(await fetch(PAGE, { credentials: 'same-origin', redirect: 'manual' }).catch(() => null));
      }
      const page = Boolean(await caches.match(PAGE, { cacheName: SHELL }));
      if (reply) reply.postMessage({ kept, of: urls.length, page });
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate' && (url.pathname === PAGE || url.pathname === `${PAGE}/`)) {
    event.respondWith(pageFirst(request));
  } else if (isStatic(url)) {
    event.respondWith(cacheFirst(request));
  } else if (/^\/report(?:-icon-[\w-]+\.png|\.webmanifest)$/.test(url.pathname)) {
    event.respondWith(staleWhileRevalidate(request));
  }
});

function isStatic(url) {
  return url.pathname.startsWith('/_next/static/');
}

/** Only a real page is kept: not the login redirect, not an error. */
async function cachePage(response) {
  if (!response || !response.ok || response.redirected || response.type === 'opaqueredirect') return;
  const cache = await caches.open(SHELL);
  await cache.put(PAGE, response);
}

async function pageFirst(request) {
  try {
    const response = await fetch(request);
    await cachePage(response.clone());
    return response;
  } catch (error) {
    const cached = await caches.match(PAGE, { cacheName: SHELL });
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(STATIC);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    await cache.put(request, response.clone());
    await trim(cache);
  }
  return response;
}

async function staleWhileRevalidate(request) {
  const cache = await caches.open(STATIC);
  const cached = await cache.match(request);
  const fresh = fetch(request)
    .then(async (response) => {
      if (response.ok) await cache.put(request, response.clone());
      return response;
    })
    .catch(() => null);
  return cached ?? (await fresh) ?? Response.error();
}

/** Old builds' assets go first once the cache is full (keys come back in insertion order). */
async function trim(cache) {
  const keys = await cache.keys();
  for (const key of keys.slice(0, Math.max(0, keys.length - STATIC_MAX))) await cache.delete(key);
}
