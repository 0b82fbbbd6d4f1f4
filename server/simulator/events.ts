import type { AlertInput, CaseInput } from '../protocol/api';
import {
  ALERT_PROFILES,
  APPEAL_CHANNELS,
  APPEAL_SEVERITY,
  APPEAL_TOPIC_LIST,
  APPEAL_TYPE_LIST,
  INCIDENT_SEVERITY,
  INCIDENTS,
} from './catalogue';
import { SIMULATOR_SOURCE } from './alert-duty';
import { offsetM, round7, type CityModel, type Grid, type Position } from './city';
import { hotspotCentre, sampleNear, type Hotspot } from './hotspots';
import { WeightedPicker, weightedKey, type Rng } from './random';

/** Everything one generation step needs; pickers are built once per city. */
export interface EventContext {
  city: CityModel;
  rng: Rng;
  runId: string;
  grids: WeightedPicker<Grid>;
  /** Null when the city has no hot spots (then every appeal is background). */
  hotspotPicker: WeightedPicker<Hotspot> | null;
  /** Next sequence number for external ids (unique within the run). */
  nextId(): number;
  /** Incidents drawn in the last RECENT_MS (at most RECENT_MAX), for second reports of the same thing. */
  recentIncidents: CaseInput[];
}

const incidentPicker = new WeightedPicker(INCIDENTS, (c) => c.weight);
const channelPicker = new WeightedPicker(APPEAL_CHANNELS, (c) => c.weight);
const typePicker = new WeightedPicker(APPEAL_TYPE_LIST, (t) => t.weight);
const topicPicker = new WeightedPicker(APPEAL_TOPIC_LIST, (t) => t.weight);
const alertPicker = new WeightedPicker(ALERT_PROFILES, (p) => p.weight);

/**
 * Share of incidents that are a second report of a recent one: same category, a few
 * metres away (another passer-by, a second sensor). Intake links such a case as a
 * possible duplicate; the simulated desk merges most of them.
 */
export const RE_REPORT_SHARE = 0.02;
const RECENT_MS = 30 * 60_000;
const RECENT_MAX = 500;

/** Share of appeals drawn from hot spots; the rest is a diffuse, population-weighted background. */
export const HOTSPOT_SHARE = 0.7;
/** Share of a hot spot's appeals about its own topic. */
const HOTSPOT_TOPIC_SHARE = 0.6;

function simAttributes(ctx: EventContext, extra: Record<string, string | number> = {}): CaseInput['attributes'] {
  return { simulated: true, run: ctx.runId, ...extra };
}

/** A new incident, or now and then (RE_REPORT_SHARE) a second report of a recent one. */
export function makeIncident(ctx: EventContext, now: Date): CaseInput {
  const recent = ctx.recentIncidents;
  while (recent.length > 0 && (recent.length > RECENT_MAX || Date.parse(recent[0]!.reportedAt!) < now.getTime() - RECENT_MS)) recent.shift();
  const again = recent.length > 0 && ctx.rng.chance(RE_REPORT_SHARE) ? reReport(ctx, now) : null;
  const input = again ?? freshIncident(ctx, now);
  recent.push(input);
  return input;
}

function reReport(ctx: EventContext, now: Date): CaseInput | null {
  const original = ctx.rng.pick(ctx.recentIncidents);
  const [lng, lat] = original.location.coordinates;
  const angle = ctx.rng.range(0, 2 * Math.PI);
  const distance = ctx.rng.range(5, 30);
  const moved = offsetM([lng, lat], distance * Math.cos(angle), distance * Math.sin(angle));
  const point: Position = [round7(moved[0]), round7(moved[1])];
  if (!ctx.city.locate(point)) return null;
  return {
    ...original,
    channel: 'grid_worker',
    externalId: `sim-${ctx.runId}-${ctx.nextId()}`,
    description: '群众反映，网格员再次上报',
    location: { type: 'Point', coordinates: point },
    reportedAt: now.toISOString(),
    attributes: simAttributes(ctx, { reReportOf: original.externalId }),
  };
}

function freshIncident(ctx: EventContext, now: Date): CaseInput {
  const grid = ctx.grids.pick(ctx.rng);
  const [lng, lat] = ctx.city.samplePoint(grid, ctx.rng);
  const category = incidentPicker.pick(ctx.rng);
  const sensor = ctx.rng.chance(category.sensorShare);
  const severity = weightedKey(ctx.rng, INCIDENT_SEVERITY[category.emergency ? 'emergency' : 'routine']);
  return {
    kind: 'incident',
    channel: sensor ? 'sensor' : 'grid_worker',
    externalId: `sim-${ctx.runId}-${ctx.nextId()}`,
    category: category.code,
    severity,
    title: `${category.name} · ${grid.name}`,
    description: sensor ? '物联感知设备自动上报' : '网格员巡查发现并上报',
    location: { type: 'Point', coordinates: [lng, lat] },
    reportedAt: now.toISOString(),
    attributes: simAttributes(ctx),
  };
}

/** A point near a hot spot that lies inside the city, or null after a few misses (spot at the edge). */
function hotspotPoint(ctx: EventContext, spot: Hotspot, now: Date): Position | null {
  const centre = hotspotCentre(spot, now);
  for (let attempt = 0; attempt < 4; attempt++) {
    const p = sampleNear(centre, spot.sigmaM, ctx.rng);
    const rounded: Position = [round7(p[0]), round7(p[1])];
    if (ctx.city.locate(rounded)) return rounded;
  }
  return null;
}

export function makeAppeal(ctx: EventContext, now: Date): CaseInput {
  let spot: Hotspot | null = null;
  let point: Position | null = null;
  if (ctx.hotspotPicker && ctx.rng.chance(HOTSPOT_SHARE)) {
    spot = ctx.hotspotPicker.pick(ctx.rng);
    point = hotspotPoint(ctx, spot, now);
    if (!point) spot = null;
  }
  point ??= ctx.city.samplePoint(ctx.grids.pick(ctx.rng), ctx.rng);
  const topic = spot && ctx.rng.chance(HOTSPOT_TOPIC_SHARE) ? spot.topic : topicPicker.pick(ctx.rng).topic;
  const type = typePicker.pick(ctx.rng);
  return {
    kind: 'appeal',
    channel: channelPicker.pick(ctx.rng).code,
    externalId: `sim-${ctx.runId}-${ctx.nextId()}`,
    category: type.code,
    topic,
    severity: weightedKey(ctx.rng, APPEAL_SEVERITY),
    title: `${type.name} · ${topic}`,
    location: { type: 'Point', coordinates: point },
    reportedAt: now.toISOString(),
    // The generating hot spot is ground truth for checking hot-spot detection later.
    attributes: simAttributes(ctx, spot ? { hotspot: spot.id } : {}),
  };
}

const ALERT_VERTICES = 36;
const MIN_RADIUS_KM = 0.5;
const MAX_RADIUS_KM = 3;

/** A closed, counter-clockwise ring around `centre`; `wobble` > 0 makes an irregular polygon. */
function ringAround(centre: Position, radiusM: number, wobble: number, rng: Rng): Position[] {
  const [p1, p2] = [rng.range(0, 2 * Math.PI), rng.range(0, 2 * Math.PI)];
  const ring: Position[] = [];
  for (let i = 0; i < ALERT_VERTICES; i++) {
    const theta = (2 * Math.PI * i) / ALERT_VERTICES;
    // Two low harmonics keep the outline smooth and star-shaped (hence simple and valid).
    const r = radiusM * (1 + wobble * (0.6 * Math.sin(2 * theta + p1) + 0.4 * Math.sin(3 * theta + p2)));
    const [lng, lat] = offsetM(centre, r * Math.cos(theta), r * Math.sin(theta));
    ring.push([Math.round(lng * 1e6) / 1e6, Math.round(lat * 1e6) / 1e6]);
  }
  ring.push([ring[0]![0], ring[0]![1]]);
  return ring;
}

export function makeAlert(ctx: EventContext, now: Date): AlertInput {
  const profile = alertPicker.pick(ctx.rng);
  const place = ctx.grids.pick(ctx.rng);
  const centre = ctx.city.samplePoint(place, ctx.rng);
  const [lo, hi] = profile.radiusKm;
  const radiusKm = Math.min(MAX_RADIUS_KM, Math.max(MIN_RADIUS_KM, ctx.rng.range(lo, hi)));
  // Weather and geology outlines are irregular; incident footprints are circles.
  const wobble = profile.code.startsWith('MET_') || profile.code.startsWith('GEO_') ? 0.25 : 0;
  const hours = ctx.rng.range(1, 6);
  return {
    source: SIMULATOR_SOURCE,
    externalId: `sim-${ctx.runId}-a${ctx.nextId()}`,
    eventType: profile.code,
    headline: `${profile.name} · ${place.name}周边`,
    description: `模拟预警：${place.name}周边约${radiusKm.toFixed(1)}公里范围`,
    severity: weightedKey(ctx.rng, profile.severity),
    urgency: weightedKey(ctx.rng, profile.urgency),
    certainty: weightedKey(ctx.rng, profile.certainty),
    onset: now.toISOString(),
    expires: new Date(now.getTime() + Math.round(hours * 3_600_000)).toISOString(),
    geometry: { type: 'Polygon', coordinates: [ringAround(centre, radiusKm * 1000, wobble, ctx.rng)] },
  };
}
