import { describe, expect, it } from 'vitest';
import { circlePolygon, CIRCLE_VERTICES, polygonBBox, ringPolygon } from '../../app/alerts/draw-geometry';
import { expiryInputValue, parseShanghaiInput } from '../../app/alerts/ui/expiry';
import { ackGroup, deskAccess, myPendingAreas, sortForDesk } from '../../app/lib/alert-ack';
import type { Me } from '../../app/lib/session';
import type { AlertEventData } from '../../server/protocol/wire';

/** The alert desk's pure rules: what a drawn shape becomes, who may act, the list order, Beijing-time expiry. */
const EARTH_RADIUS_M = 6_371_008.8;

function haversine([lng1, lat1]: [number, number], [lng2, lat2]: [number, number]): number {
  const rad = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lng2 - lng1) * rad) / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(a));
}

/** Twice the signed area (shoelace): positive for a counter-clockwise ring. */
function signedArea(ring: Array<[number, number]>): number {
  let sum = 0;
  for (let i = 0; i < ring.length - 1; i++) sum += ring[i]![0] * ring[i + 1]![1] - ring[i + 1]![0] * ring[i]![1];
  return sum;
}

function me(role: Me['role'], code: string, level: 'city' | 'district' | 'street', kind: Me['kind'] = 'user'): Me {
  return { kind, name: 'x', role, login: 'x', area: { code, name: code, nameEn: null, level, path: [code] } };
}

function alert(id: number, severity: AlertEventData['severity'], pending: string[], acknowledged: string[] = [], status = 'active'): AlertEventData {
  return {
    id,
    source: 'api',
    eventType: 'MET_RAINSTORM',
    headline: `a${id}`,
    severity,
    urgency: 'Expected',
    certainty: 'Likely',
    status: pending.length === 0 && status === 'active' ? 'acknowledged' : status,
    onset: null,
    expires: null,
    affectedGrids: 1,
    impact: { openCases: 0, onDutyResponders: 0, population: 0 },
    ack: { pending, acknowledged, level: 0, records: acknowledged.map((area) => ({ area, by: '值班员', at: '2026-06-01T00:00:00.000Z' })) },
    geometry: { type: 'MultiPolygon', coordinates: [] },
  };
}

describe('drawn shapes', () => {
  it('a circle becomes a closed counter-clockwise ring whose every vertex lies at the radius', () => {
    const centre: [number, number] = [106.7775, 26.545];
    const polygon = circlePolygon(centre[0], centre[1], 1500);
    const ring = polygon.coordinates[0]!;
    expect(ring).toHaveLength(CIRCLE_VERTICES + 1);
    expect(ring.at(-1)).toEqual(ring[0]);
    expect(signedArea(ring)).toBeGreaterThan(0);
    for (const vertex of ring) expect(Math.abs(haversine(centre, vertex) - 1500)).toBeLessThan(0.05);
    // North first (bearing 0), then westward: counter-clockwise on the map.
    expect(ring[0]![0]).toBeCloseTo(centre[0], 7);
    expect(ring[1]![0]).toBeLessThan(centre[0]);
  });

  it('a drawn ring is closed, keeps its order, drops repeated clicks, and needs three corners', () => {
    expect(ringPolygon([[1, 1], [2, 1], [2, 2]])!.coordinates[0]).toEqual([[1, 1], [2, 1], [2, 2], [1, 1]]);
    expect(ringPolygon([[1, 1], [2, 1], [2, 1], [2, 2], [1, 1]])!.coordinates[0]).toEqual([[1, 1], [2, 1], [2, 2], [1, 1]]);
    expect(ringPolygon([[1, 1], [2, 1], [2, 1]])).toBeNull();
    expect(polygonBBox({ type: 'Polygon', coordinates: [[[3, 1], [4, 1], [4, 5], [3, 1]]] })).toEqual([3, 1, 4, 5]);
  });
});

describe('who acts on the desk', () => {
  it('admins and duty officers act, leaders and dispatchers read, others and wall displays may not use it', () => {
    expect(deskAccess(me('admin', '520100', 'city'))).toBe('act');
    expect(deskAccess(me('duty_officer', '520102', 'district'))).toBe('act');
    expect(deskAccess(me('leader', '520100', 'city'))).toBe('read');
    expect(deskAccess(me('dispatcher', '520102', 'district'))).toBe('read');
    expect(deskAccess(me('grid_worker', '520102001', 'street'))).toBe('none');
    expect(deskAccess(me('display', '520100', 'city', 'display'))).toBe('none');
    expect(deskAccess(null)).toBe('none');
  });

  it('a district desk acknowledges for its own district, a city desk for every pending one, readers for none', () => {
    const across = alert(1, 'Severe', ['520102', '520103']);
    expect(myPendingAreas(across, me('duty_officer', '520102', 'district'))).toEqual(['520102']);
    expect(myPendingAreas(across, me('duty_officer', '520104', 'district'))).toEqual([]);
    expect(myPendingAreas(across, me('admin', '520100', 'city'))).toEqual(['520102', '520103']);
    expect(myPendingAreas(across, me('leader', '520100', 'city'))).toEqual([]);
    expect(myPendingAreas(across, me('duty_officer', '520102001', 'street'))).toEqual([]);
    expect(myPendingAreas(alert(2, 'Severe', ['520102'], [], 'cancelled'), me('duty_officer', '520102', 'district'))).toEqual([]);
  });

  it('orders the list: waiting for me, then for others, then acknowledged; most severe, then newest', () => {
    const officer = me('duty_officer', '520102', 'district');
    const list = [
      alert(1, 'Minor', ['520102']),
      alert(2, 'Extreme', [], ['520102']),
      alert(3, 'Extreme', ['520103']),
      alert(4, 'Extreme', ['520102']),
      alert(5, 'Minor', ['520102']),
      alert(6, 'Severe', ['520102', '520103'], []),
    ];
    const sorted = sortForDesk(list, officer);
    expect(sorted.map((x) => [x.alert.id, x.group])).toEqual([
      [4, 'mine'],
      [6, 'mine'],
      [5, 'mine'],
      [1, 'mine'],
      [3, 'pending'],
      [2, 'done'],
    ]);
    expect(ackGroup(alert(7, 'Severe', ['520102']), null)).toBe('pending');
  });
});

describe('expiry in Beijing time', () => {
  it('formats and parses datetime-local values as UTC+8 whatever the browser zone', () => {
    const ms = Date.parse('2026-06-01T10:30:00Z');
    expect(expiryInputValue(ms)).toBe('2026-06-01T18:30');
    expect(parseShanghaiInput('2026-06-01T18:30')).toBe(ms);
    expect(parseShanghaiInput('2026-06-01T18:30:15')).toBe(ms + 15_000);
    expect(parseShanghaiInput('')).toBeNull();
    expect(parseShanghaiInput('2026-13-01T18:30')).toBeNull();
  });
});
