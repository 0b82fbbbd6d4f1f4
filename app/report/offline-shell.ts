'use client';

/**
 * Registers the offline-shell service worker (public/report-sw.js) in production,
 * where the browser allows it (HTTPS or localhost), and hands it the assets this
 * page loaded before it was in control, so the next start works with no network.
 * When the worker says everything is kept, <html data-offline-ready="true">.
 */
export function registerOfflineShell(preload: Array<() => Promise<unknown>>): void {
  if (process.env.NODE_ENV !== 'production' || typeof navigator === 'undefined' || !('serviceWorker' in navigator) || !window.isSecureContext) return;
  // Lazy chunks first, so they are among the assets handed over.
  Promise.allSettled(preload.map((load) => load()))
    .then(() => navigator.serviceWorker.register('/report-sw.js', { scope: '/report' }))
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => {
      const urls = performance
        .getEntriesByType('resource')
        .map((entry) => entry.name)
        .filter((name) => new URL(name).pathname.startsWith('/_next/static/'));
      const channel = new MessageChannel();
      channel.port1.onmessage = (event: MessageEvent<{ kept: number; of: number; page: boolean }>) => {
        const { kept, of, page } = event.data;
        if (page && kept === of) document.documentElement.dataset.offlineReady = 'true';
        channel.port1.close();
      };
      registration.active?.postMessage({ type: 'cache-assets', urls }, [channel.port2]);
    })
    .catch(() => {
      // No offline start on this browser: everything else works the same.
    });
}
