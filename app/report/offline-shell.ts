'use client';

/**
 * Registers the offline-shell service worker (public/report-sw.js) in production,
 * where the browser allows it (HTTPS or localhost), and hands it the assets this
 * page loaded before it was in control, so the next start works with no network.
 */
export function registerOfflineShell(): void {
  if (process.env.NODE_ENV !== 'production' || typeof navigator === 'undefined' || !('serviceWorker' in navigator) || !window.isSecureContext) return;
  navigator.serviceWorker
    .register('/report-sw.js', { scope: '/report' })
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => {
      const urls = performance
        .getEntriesByType('resource')
        .map((entry) => entry.name)
        .filter((name) => new URL(name).pathname.startsWith('/_next/static/'));
      registration.active?.postMessage({ type: 'cache-assets', urls });
    })
    .catch(() => {
      // No offline start on this browser: everything else works the same.
    });
}
