import type { Severity } from '../../../server/protocol/vocab';
import type { AlertEventData } from '../../../server/protocol/wire';

const SEVERITY_RANK: Record<Severity, number> = { Extreme: 0, Severe: 1, Moderate: 2, Minor: 3, Unknown: 4 };

/** Unacknowledged first (some affected district has not signed), then the most severe, then the newest. */
export function tickerOrder(alerts: Iterable<AlertEventData>): AlertEventData[] {
  return [...alerts].sort(
    (a, b) =>
      Number(b.ack.pending.length > 0) - Number(a.ack.pending.length > 0) ||
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      b.id - a.id,
  );
}
