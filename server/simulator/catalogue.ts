import categories from '../../db/data/categories.json' with { type: 'json' };
import { ALERT_TYPES, APPEAL_TOPICS, APPEAL_TYPES, INCIDENT_CATEGORIES } from '../domain/categories';
import type { CaseChannel, Severity } from '../protocol/vocab';

/**
 * How often each catalogue entry occurs in simulated traffic. Codes come from
 * db/data/categories.json; the weights are plausible shares for a Chinese city
 * (street-level nuisances dominate, emergencies are rare). A code added to the
 * catalogue later still appears, with a modest default weight.
 */
const INCIDENT_WEIGHTS: Record<string, number> = {
  '0101': 3, '0102': 20, '0103': 5, '0104': 14, '0201': 12, '0301': 6, '0401': 16, '0402': 5,
  '0501': 2, '0502': 0.6, '0503': 2, '0504': 1.5, '0601': 4, '0602': 2, '0701': 2, '0702': 5,
};
const DEFAULT_WEIGHT = 2;

export interface IncidentCategory {
  code: string;
  name: string;
  weight: number;
  /** Probability that a sensor (not a grid worker) reports it. */
  sensorShare: number;
  /** 05xx 突发事件: emergencies, reported with higher severity. */
  emergency: boolean;
}

/** Categories a sensor network (flood gauges, smart covers, lamps, smoke) can detect. */
const SENSED = new Set(['0501', '0503', '0504', '0701', '0702']);

export const INCIDENTS: IncidentCategory[] = [...INCIDENT_CATEGORIES.values()].map((c) => ({
  code: c.code,
  name: c.name,
  weight: INCIDENT_WEIGHTS[c.code] ?? DEFAULT_WEIGHT,
  sensorShare: SENSED.has(c.code) ? 0.45 : 0.04,
  emergency: c.code.startsWith('05'),
}));

export const INCIDENT_SEVERITY: Record<'routine' | 'emergency', Partial<Record<Severity, number>>> = {
  routine: { Minor: 0.58, Moderate: 0.35, Severe: 0.06, Extreme: 0.01 },
  emergency: { Minor: 0.08, Moderate: 0.42, Severe: 0.38, Extreme: 0.12 },
};
export const APPEAL_SEVERITY: Partial<Record<Severity, number>> = { Minor: 0.62, Moderate: 0.33, Severe: 0.05 };

/** 12345 carries most appeals; the rest arrive online, on the leader board, or as petitions. */
const CHANNEL_WEIGHTS: Record<string, number> = {
  hotline_12345: 70, wechat: 15, leader_board: 7, letters_visits: 5, open311: 3,
};
export const APPEAL_CHANNELS: Array<{ code: CaseChannel; name: string; weight: number }> = categories.appealChannels.map((c) => ({
  code: c.code as CaseChannel,
  name: c.name,
  weight: CHANNEL_WEIGHTS[c.code] ?? 1,
}));

const TYPE_WEIGHTS: Record<string, number> = { ZX: 30, TS: 40, JY: 10, QZ: 20 };
export const APPEAL_TYPE_LIST = [...APPEAL_TYPES.values()].map((t) => ({
  code: t.code,
  name: t.name,
  weight: TYPE_WEIGHTS[t.code] ?? DEFAULT_WEIGHT,
}));

/** Everyday topics dominate the background; 拆迁安置 and 劳动社保 are rarer but sharper. */
const TOPIC_WEIGHTS: Record<string, number> = {
  物业管理: 14, 噪音扰民: 12, 环境污染: 8, 交通出行: 10, 劳动社保: 6, 住房建设: 6,
  拆迁安置: 3, 医疗卫生: 6, 教育: 6, 市场监管: 8, 供水供电: 9, 城市管理: 12,
};
export const APPEAL_TOPIC_LIST = [...APPEAL_TOPICS].map((t) => ({ topic: t, weight: TOPIC_WEIGHTS[t] ?? DEFAULT_WEIGHT }));

type Urgency = 'Immediate' | 'Expected' | 'Future';
type Certainty = 'Observed' | 'Likely' | 'Possible';

/** CAP profile per alert type: plausible severity mix, urgency, certainty, lifetime. */
export interface AlertProfile {
  code: string;
  name: string;
  weight: number;
  severity: Partial<Record<Severity, number>>;
  urgency: Partial<Record<Urgency, number>>;
  certainty: Partial<Record<Certainty, number>>;
  /** Footprint radius range (km); weather covers wider areas than a fire. */
  radiusKm: [number, number];
}

const PROFILES: Record<string, Omit<AlertProfile, 'code' | 'name'>> = {
  MET_RAINSTORM: { weight: 4, severity: { Moderate: 0.6, Severe: 0.35, Extreme: 0.05 }, urgency: { Expected: 0.7, Immediate: 0.3 }, certainty: { Likely: 0.7, Observed: 0.3 }, radiusKm: [1.5, 3] },
  MET_FREEZE: { weight: 1, severity: { Moderate: 0.7, Severe: 0.3 }, urgency: { Expected: 0.8, Future: 0.2 }, certainty: { Likely: 1 }, radiusKm: [2, 3] },
  GEO_LANDSLIDE: { weight: 1, severity: { Severe: 0.7, Extreme: 0.3 }, urgency: { Expected: 0.6, Immediate: 0.4 }, certainty: { Possible: 0.6, Likely: 0.4 }, radiusKm: [0.5, 1.5] },
  FIRE: { weight: 2, severity: { Severe: 0.75, Extreme: 0.25 }, urgency: { Immediate: 1 }, certainty: { Observed: 1 }, radiusKm: [0.5, 1] },
  SAFETY_PRODUCTION: { weight: 1, severity: { Severe: 0.8, Extreme: 0.2 }, urgency: { Immediate: 1 }, certainty: { Observed: 1 }, radiusKm: [0.5, 1.2] },
  CROWD: { weight: 2, severity: { Moderate: 0.7, Severe: 0.3 }, urgency: { Immediate: 0.7, Expected: 0.3 }, certainty: { Observed: 0.8, Likely: 0.2 }, radiusKm: [0.5, 1] },
  STABILITY: { weight: 1.5, severity: { Moderate: 0.6, Severe: 0.4 }, urgency: { Expected: 0.7, Immediate: 0.3 }, certainty: { Likely: 0.5, Possible: 0.5 }, radiusKm: [0.5, 1.5] },
  DRUG: { weight: 0.5, severity: { Minor: 0.4, Moderate: 0.6 }, urgency: { Expected: 1 }, certainty: { Possible: 0.7, Likely: 0.3 }, radiusKm: [0.5, 1] },
};
const FALLBACK_PROFILE: Omit<AlertProfile, 'code' | 'name'> = {
  weight: 1, severity: { Moderate: 1 }, urgency: { Expected: 1 }, certainty: { Likely: 1 }, radiusKm: [0.5, 2],
};

// CAP_* types are the catch-all of CAP categories for received messages, not something the city simulates.
export const ALERT_PROFILES: AlertProfile[] = [...ALERT_TYPES.values()].filter((t) => !t.code.startsWith('CAP_')).map((t) => ({
  code: t.code,
  name: t.name,
  ...(PROFILES[t.code] ?? FALLBACK_PROFILE),
}));
