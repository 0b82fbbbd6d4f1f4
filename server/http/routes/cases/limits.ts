/**
 * Body limits. One case is small; a batch is up to 5,000 cases, each of which may
 * carry a 4,000-character description (≤ 12 KB of UTF-8 for Chinese text) — a
 * valid batch must fit, so the cap is derived from the per-case cap rather than
 * guessed. Alerts: 20,000 vertices ≈ 1 MB of JSON. A CAP message: 1 MiB (20,000
 * `lat,lon` pairs are ≈ 0.5 MB; nothing else in a message is large). A transition
 * carries at most a 2,000-character note and nine photo keys.
 */
export const LIMITS = { case: 64 * 1024, batch: 5000 * 16 * 1024, alert: 2 * 1024 * 1024, cap: 1024 * 1024, transition: 16 * 1024 } as const;
