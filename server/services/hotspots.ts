import type { Database, Runner } from '../../db/client';
import { appendFeed, type NewFeedRow } from '../../db/queries/feed';
import {
  appendHotspotHistory,
  DEFAULT_DETECTION,
  detectClusters,
  endHotspots,
  findSharedHotspotAlert,
  hotspotOutline,
  insertHotspot,
  lockLiveHotspots,
  prepareDetection,
  readHotspots,
  setHotspotAlert,
  updateHotspot,
  type DetectedCluster,
  type DetectionParams,
} from '../../db/queries/hotspots';
import { findAlertByExternalId } from '../../db/queries/alerts';
import { limitStatementTime } from '../../db/queries/session';
import type { HotspotTrend } from '../../db/vocab';
import type { AuditBy } from '../auth/audit';
import { escalationStep } from '../domain/alerts/escalation';
import {
  alertSeverity,
  DEFAULT_ALERT_RULE,
  DEFAULT_MIN_SHARE,
  DEFAULT_TREND_BAND,
  HOTSPOT_ALERT_SOURCE,
  HOTSPOT_ALERT_TYPE,
  matchClusters,
  shouldRaiseAlert,
  trendOf,
  type AlertRule,
  type TrendBand,
} from '../domain/hotspots';
import { storeAlert, type AlertIntake } from './alert-intake';
import type { IntakeBy } from './ingest';

/**
 * One hotspot detection run (the scheduler's leader job) in one transaction:
 * cluster the window's appeals, match the clusters to the live hotspots, insert /
 * update / end them, append their history, raise the 信访聚集风险 alert of a hotspot
 * that emerged or grew past the threshold through the ordinary alert path
 * (storeAlert: impact, acknowledgement, escalation) and record it on the hotspot so
 * it is raised once, and write one `hotspot.updated` feed row per hotspot that
 * changed — last, after the alerts' own feed rows.
 */
export interface HotspotOptions {
  detection: Omit<DetectionParams, 'at'>;
  alert: AlertRule;
  band: TrendBand;
  /** matchClusters' overlap threshold. */
  minShare: number;
  /** How long the alert stays live before it expires (ms). */
  alertTtlMs: number;
  statementTimeoutMs: number;
}

export const DEFAULT_HOTSPOT_OPTIONS: HotspotOptions = {
  detection: DEFAULT_DETECTION,
  alert: DEFAULT_ALERT_RULE,
  band: DEFAULT_TREND_BAND,
  minShare: DEFAULT_MIN_SHARE,
  alertTtlMs: 24 * 3_600_000,
  statementTimeoutMs: 30_000,
};

/**
 * The environment's few knobs (server/config.ts) → the run's options: across topics
 * DBSCAN asks twice the core density (all topics together are that much denser), and
 * a cluster needs one and a half times it to become a hotspot.
 */
export function hotspotOptions(
  c: { windowHours: number; epsM: number; minPoints: number; alertCount: number },
  statementTimeoutMs: number,
): Partial<HotspotOptions> {
  return {
    detection: {
      ...DEFAULT_DETECTION,
      windowMs: c.windowHours * 3_600_000,
      epsM: c.epsM,
      minPoints: c.minPoints,
      minPointsAll: 2 * c.minPoints,
      minCount: Math.ceil(1.5 * c.minPoints),
    },
    alert: { minCount: c.alertCount },
    // Detection reads a whole window: give it at least 30 s whatever a request may take.
    statementTimeoutMs: Math.max(statementTimeoutMs, DEFAULT_HOTSPOT_OPTIONS.statementTimeoutMs),
  };
}

export interface HotspotRun {
  clusters: number;
  created: number;
  updated: number;
  ended: number;
  /** Alerts raised this run. */
  alerts: number;
  /** Feed rows written (hotspot.updated and alert.created): the publisher needs waking. */
  fed: number;
}

const RULE: IntakeBy = { actor: null, audit: { actor: HOTSPOT_ALERT_SOURCE, actorLabel: '信访热点规则', ip: null } satisfies AuditBy };

interface Seen {
  id: number;
  trend: HotspotTrend;
  cluster: DetectedCluster;
  alertId: number | null;
}

export async function runHotspots(database: Database, at: Date, options: Partial<HotspotOptions> = {}): Promise<HotspotRun> {
  const o: HotspotOptions = { ...DEFAULT_HOTSPOT_OPTIONS, ...options };
  return database.transaction(async (tx) => {
    await limitStatementTime(tx, o.statementTimeoutMs);
    await prepareDetection(tx);
    const live = await lockLiveHotspots(tx);
    const clusters = await detectClusters(tx, { ...o.detection, at });
    const matching = matchClusters(
      clusters.map((c, i) => ({ cluster: i, topic: c.topic, overlaps: c.overlaps })),
      live,
      o.minShare,
    );
    const liveById = new Map(live.map((h) => [h.id, h]));
    const changed = new Set<number>();
    const seen: Seen[] = [];
    for (const [i, cluster] of clusters.entries()) {
      const id = matching.matched.get(i);
      if (id === undefined) {
        const trend = trendOf(null, cluster.count, o.band);
        const created = await insertHotspot(tx, at, { trend, cluster });
        changed.add(created);
        seen.push({ id: created, trend, cluster, alertId: null });
      } else {
        const before = liveById.get(id)!;
        const trend = trendOf(before.count, cluster.count, o.band);
        if (await updateHotspot(tx, id, at, { trend, cluster })) changed.add(id);
        seen.push({ id, trend, cluster, alertId: before.alertId });
      }
    }
    await endHotspots(tx, matching.ended, at);
    for (const id of matching.ended) changed.add(id);
    await appendHotspotHistory(tx, at, seen.map((s) => ({ id: s.id, count: s.cluster.count })));

    let alerts = 0;
    let fed = 0;
    // Topic hotspots first: the across-topics one drawn over them then shares their alert (one alert per place).
    const due = seen
      .filter((h) => shouldRaiseAlert({ trend: h.trend, count: h.cluster.count, alertId: h.alertId }, o.alert))
      .sort((a, b) => Number(a.cluster.topic === null) - Number(b.cluster.topic === null));
    for (const s of due) {
      const shared = await findSharedHotspotAlert(tx, s.id, at);
      if (shared !== null) {
        await setHotspotAlert(tx, s.id, shared);
        changed.add(s.id);
        continue;
      }
      const raised = await raiseAlert(tx, s, at, o);
      if (raised.created) alerts++;
      fed += raised.fed;
      await setHotspotAlert(tx, s.id, raised.alertId);
      changed.add(s.id);
    }
    const rows: NewFeedRow[] = (await readHotspots(tx, [...changed])).map((h) => ({
      topic: 'hotspot.updated',
      layer: 'hotspots',
      areaCodes: h.areaCodes,
      payload: h.data,
    }));
    await appendFeed(tx, rows);
    return {
      clusters: clusters.length,
      created: seen.length - matching.matched.size,
      updated: matching.matched.size,
      ended: matching.ended.length,
      alerts,
      fed: fed + rows.length,
    };
  });
}

/** The hotspot's 信访聚集风险 alert through storeAlert; its (source, external id) makes a repeat find the first. */
async function raiseAlert(tx: Runner, s: Seen, at: Date, o: HotspotOptions): Promise<{ alertId: number; created: boolean; fed: number }> {
  const externalId = `hotspot-${s.id}`;
  const severity = alertSeverity(s.cluster.count, o.alert);
  const topicLabel = s.cluster.topic ?? '多类诉求';
  const where = s.cluster.areas.slice(0, 3).map((a) => a.name).join('、');
  const hours = Math.round(o.detection.windowMs / 3_600_000);
  const intake: AlertIntake = {
    row: {
      source: HOTSPOT_ALERT_SOURCE,
      externalId,
      eventType: HOTSPOT_ALERT_TYPE,
      headline: `信访聚集风险：${topicLabel} ${s.cluster.count} 件`,
      description: `${hours} 小时内${where ? `${where}一带` : ''}聚集诉求 ${s.cluster.count} 件（${topicLabel}）`,
      severity,
      urgency: 'Expected',
      certainty: 'Likely',
      onset: at.toISOString(),
      expires: new Date(at.getTime() + o.alertTtlMs).toISOString(),
      messageStatus: 'Actual',
      msgType: 'Alert',
      translations: [
        {
          language: 'en',
          event: 'Petition cluster risk',
          headline: `Petition cluster: ${s.cluster.topic ?? 'mixed topics'}, ${s.cluster.count} appeals`,
          description: `${s.cluster.count} appeals within ${hours} h${where ? ` around ${where}` : ''}`,
          instruction: null,
        },
      ],
      cap: null,
      createdBy: HOTSPOT_ALERT_SOURCE,
      escalationStepMs: escalationStep(severity),
    },
    shape: { geometry: await hotspotOutline(tx, s.id), circles: [], geocodes: [] },
    polygonPaths: null,
    references: [],
  };
  const result = await storeAlert(tx, intake, RULE);
  if (result.stored) return { alertId: Number(result.stored.id), created: true, fed: result.fed };
  const existing = await findAlertByExternalId(tx, HOTSPOT_ALERT_SOURCE, externalId);
  return { alertId: Number(existing!.id), created: false, fed: 0 };
}
