import type { Database } from '../../db/client';
import { unacknowledgedAlertsOf } from '../../db/queries/alert-acks';
import { scopeOf } from '../../db/scope';
import { SEVERITIES, type Severity } from '../protocol/vocab';
import { AppError } from '../errors';
import { acknowledgeAlertAs, systemAckBy, type AckBy } from '../services/alert-acks';
import { createRng, hashSeed } from './random';

/**
 * The simulated duty officers (值班员) of every district: the simulator's own alerts
 * would otherwise all escalate, since nobody acknowledges them. Each affected
 * district's desk acknowledges most of them (DUTY_ACK_SHARE) after a plausible delay,
 * quicker the more severe the alert, through the real acknowledgement service — so
 * each acknowledgement has its audit row and `alert.updated`, and the card names the
 * simulated officer. The rest are left to escalate, and some acknowledgements come
 * after the first escalation step (an Extreme alert's 5 minutes).
 *
 * Whether and when follows from (seed, alert id, area) alone, so a restarted
 * simulator plans the same acknowledgements; the instants count from when the alert
 * was stored (as escalation does). Only alerts of SIMULATOR_SOURCE are touched: a
 * real feed's alert, or one drawn at the desk, waits for a person.
 */
export const SIMULATOR_SOURCE = 'simulator';
/** Who the card names: the audit log's actor is `system:simulator:duty`. */
export const SIMULATED_DUTY_NAME = '值班员（模拟）';
/** Share of (alert, district) pairs acknowledged at all; the rest escalate to the end. */
export const DUTY_ACK_SHARE = 0.85;

const MIN = 60_000;
/** Median and log-spread of the delay to acknowledge, by severity (escalation steps: 5, 15, 60 min, never). */
export const DUTY_ACK_DELAY: Record<Severity, { median: number; sigma: number }> = {
  Extreme: { median: 2.5 * MIN, sigma: 0.6 },
  Severe: { median: 6 * MIN, sigma: 0.7 },
  Moderate: { median: 15 * MIN, sigma: 0.7 },
  Minor: { median: 20 * MIN, sigma: 0.8 },
  Unknown: { median: 20 * MIN, sigma: 0.8 },
};
/** Nobody answers in under this (reading the alert takes a moment). */
const MIN_DELAY_MS = 20_000;
/** The database is read at most this often (simulated time): acknowledgements are minutes apart. */
const POLL_MS = 5_000;
const MAX_ALERTS_READ = 200;
const DEFAULT_MAX_PER_TICK = 20;

/** When the duty desk of `area` acknowledges this alert, or null when it leaves it to escalate. Pure. */
export function dutyAckAt(seed: number, alertId: number, area: string, severity: Severity, storedAt: number): number | null {
  const rng = createRng(hashSeed(seed, 'duty-ack', alertId, area));
  if (!rng.chance(DUTY_ACK_SHARE)) return null;
  const { median, sigma } = DUTY_ACK_DELAY[severity];
  return Math.round(storedAt + Math.max(MIN_DELAY_MS, median * Math.exp(sigma * rng.normal())));
}

export interface AlertDutyStats {
  acknowledged: number;
  /** Refused by the service (the alert ended meanwhile, or a person acknowledged first and it settled). */
  refused: number;
}

export class AlertDuty {
  readonly stats: AlertDutyStats = { acknowledged: 0, refused: 0 };
  private readonly desks = new Map<string, AckBy>();
  /** (alert, area) pairs the service refused: not tried again. */
  private readonly refused = new Set<string>();
  private lastReadAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly database: Database,
    /** After an acknowledgement that wrote a feed row: wake the publisher. */
    private readonly onCommit: () => void,
    private readonly options: { seed: number; maxPerTick?: number },
  ) {}

  /** Acknowledges what is due at simulated `now`; returns how many acknowledgements were written. */
  async tick(now: number): Promise<number> {
    if (now - this.lastReadAt < POLL_MS) return 0;
    this.lastReadAt = now;
    const max = this.options.maxPerTick ?? DEFAULT_MAX_PER_TICK;
    const alerts = await unacknowledgedAlertsOf(this.database, SIMULATOR_SOURCE, MAX_ALERTS_READ);
    const due: Array<{ id: number; area: string; at: number }> = [];
    for (const alert of alerts) {
      const severity = (SEVERITIES as readonly string[]).includes(alert.severity) ? (alert.severity as Severity) : 'Unknown';
      for (const area of alert.pending) {
        if (this.refused.has(`${alert.id}:${area}`)) continue;
        const at = dutyAckAt(this.options.seed, alert.id, area, severity, alert.storedAtMs);
        if (at !== null && at <= now) due.push({ id: alert.id, area, at });
      }
    }
    due.sort((a, b) => a.at - b.at || a.id - b.id);
    let written = 0;
    for (const { id, area } of due.slice(0, max)) {
      try {
        const result = await acknowledgeAlertAs(this.database, this.desk(area), id, { area }, this.onCommit);
        if (result.created) written++;
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        this.refused.add(`${id}:${area}`);
        this.stats.refused++;
      }
    }
    this.stats.acknowledged += written;
    return written;
  }

  /** The simulated duty desk of one district (or of the city, where it has no districts). */
  private desk(area: string): AckBy {
    let by = this.desks.get(area);
    if (!by) {
      by = systemAckBy('simulator:duty', SIMULATED_DUTY_NAME, scopeOf(area));
      this.desks.set(area, by);
    }
    return by;
  }
}
