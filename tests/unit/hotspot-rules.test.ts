import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HOTSPOT_TRENDS } from '../../db/vocab';
import { alertSeverity, matchClusters, shouldRaiseAlert, trendOf, type Candidate, type LiveHotspot } from '../../server/domain/hotspots';

const topicArb = fc.constantFrom<string | null>(null, '噪音扰民', '物业管理');

/** A run's clusters and the live hotspots, with random overlaps between them. */
const worldArb = fc
  .record({
    live: fc.uniqueArray(fc.record({ id: fc.integer({ min: 1, max: 40 }), topic: topicArb }), { selector: (h) => h.id, maxLength: 12 }),
    clusters: fc.array(topicArb, { maxLength: 12 }),
  })
  .chain(({ live, clusters }) =>
    fc
      .array(
        fc.record({
          cluster: fc.integer({ min: 0, max: Math.max(0, clusters.length - 1) }),
          hotspot: fc.integer({ min: 0, max: Math.max(0, live.length - 1) }),
          share: fc.integer({ min: 0, max: 100 }).map((n) => n / 100),
          iou: fc.integer({ min: 0, max: 100 }).map((n) => n / 100),
        }),
        { maxLength: 40 },
      )
      .map((pairs) => {
        const candidates: Candidate[] = clusters.map((topic, cluster) => ({ cluster, topic, overlaps: [] }));
        for (const p of pairs) {
          if (clusters.length === 0 || live.length === 0) break;
          const c = candidates[p.cluster]!;
          const h = live[p.hotspot]!;
          if (c.overlaps.some((o) => o.hotspotId === h.id)) continue;
          c.overlaps.push({ hotspotId: h.id, share: p.share, iou: Math.min(p.iou, p.share) });
        }
        return { live: live as LiveHotspot[], candidates };
      }),
  );

describe('hotspot identity across runs', () => {
  it('matches one to one, same topic only, above the overlap threshold; every cluster is matched or new, every live hotspot matched or ended', () => {
    fc.assert(
      fc.property(worldArb, ({ live, candidates }) => {
        const m = matchClusters(candidates, live, 0.3);
        const targets = [...m.matched.values()];
        expect(new Set(targets).size).toBe(targets.length);
        for (const [cluster, id] of m.matched) {
          const c = candidates[cluster]!;
          const overlap = c.overlaps.find((o) => o.hotspotId === id)!;
          expect(overlap.share).toBeGreaterThanOrEqual(0.3);
          expect(live.find((h) => h.id === id)!.topic).toBe(c.topic);
        }
        expect([...m.matched.keys(), ...m.fresh].sort((a, b) => a - b)).toEqual(candidates.map((c) => c.cluster));
        expect([...targets, ...m.ended].sort((a, b) => a - b)).toEqual(live.map((h) => h.id).sort((a, b) => a - b));
        // Nothing left unmatched that could have been: no fresh cluster and ended hotspot of one topic overlap enough.
        for (const cluster of m.fresh) {
          for (const o of candidates[cluster]!.overlaps) {
            const h = live.find((x) => x.id === o.hotspotId)!;
            if (h.topic === candidates[cluster]!.topic && o.share >= 0.3) expect(m.ended).not.toContain(h.id);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('gives a contested hotspot to the cluster that overlaps it most', () => {
    const live = [{ id: 7, topic: null }];
    const candidates: Candidate[] = [
      { cluster: 0, topic: null, overlaps: [{ hotspotId: 7, share: 0.4, iou: 0.3 }] },
      { cluster: 1, topic: null, overlaps: [{ hotspotId: 7, share: 0.9, iou: 0.6 }] },
      { cluster: 2, topic: '教育', overlaps: [{ hotspotId: 7, share: 1, iou: 1 }] },
    ];
    const m = matchClusters(candidates, live, 0.3);
    expect([...m.matched]).toEqual([[1, 7]]);
    expect(m.fresh).toEqual([0, 2]);
    expect(m.ended).toEqual([]);
    expect(matchClusters(candidates.slice(0, 1), live, 0.5)).toEqual({ matched: new Map(), fresh: [0], ended: [7] });
  });
});

describe('hotspot trend', () => {
  it('emerging when new, ended when unmatched, else by the count against the last run within a band', () => {
    expect(trendOf(null, 12)).toBe('emerging');
    expect(trendOf(40, null)).toBe('ended');
    expect(trendOf(40, 44)).toBe('stable');
    expect(trendOf(40, 45)).toBe('growing');
    expect(trendOf(40, 36)).toBe('stable');
    expect(trendOf(40, 35)).toBe('cooling');
    // Small hotspots: at least two appeals either way are noise.
    expect(trendOf(12, 14)).toBe('stable');
    expect(trendOf(12, 15)).toBe('growing');
    expect(trendOf(12, 10)).toBe('stable');
    expect(trendOf(12, 9)).toBe('cooling');
  });

  it('is monotone in the new count and symmetric about the previous one', () => {
    const rank = { cooling: 0, stable: 1, growing: 2 } as Record<string, number>;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 }), (prev, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(rank[trendOf(prev, lo)]!).toBeLessThanOrEqual(rank[trendOf(prev, hi)]!);
        expect(trendOf(prev, prev)).toBe('stable');
        const d = Math.abs(a - prev);
        const up = trendOf(prev, prev + d);
        const down = trendOf(prev, prev - d);
        expect(up === 'growing').toBe(down === 'cooling');
        expect(HOTSPOT_TRENDS).toContain(trendOf(prev, a));
      }),
    );
  });
});

describe('the 信访聚集风险 alert rule', () => {
  const rule = { minCount: 20 };
  it('raises once: on emerging or growing at or past the threshold, never with an alert already raised', () => {
    expect(shouldRaiseAlert({ trend: 'emerging', count: 20, alertId: null }, rule)).toBe(true);
    expect(shouldRaiseAlert({ trend: 'emerging', count: 19, alertId: null }, rule)).toBe(false);
    expect(shouldRaiseAlert({ trend: 'growing', count: 25, alertId: null }, rule)).toBe(true);
    expect(shouldRaiseAlert({ trend: 'stable', count: 25, alertId: null }, rule)).toBe(false);
    expect(shouldRaiseAlert({ trend: 'cooling', count: 50, alertId: null }, rule)).toBe(false);
    expect(shouldRaiseAlert({ trend: 'ended', count: 50, alertId: null }, rule)).toBe(false);
    fc.assert(
      fc.property(fc.constantFrom(...HOTSPOT_TRENDS), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1 }), (trend, count, alertId) => {
        expect(shouldRaiseAlert({ trend, count, alertId }, rule)).toBe(false);
      }),
    );
  });

  it('over any course of counts, raises at most once, and exactly once if it ever emerges or grows to the threshold', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 80 }), { minLength: 1, maxLength: 30 }), (counts) => {
        let alertId: number | null = null;
        let raised = 0;
        let due = false;
        let previous: number | null = null;
        for (const count of counts) {
          const trend = trendOf(previous, count);
          if ((trend === 'emerging' || trend === 'growing') && count >= rule.minCount) due = true;
          if (shouldRaiseAlert({ trend, count, alertId }, rule)) {
            raised++;
            alertId = raised;
          }
          previous = count;
        }
        expect(raised).toBe(due ? 1 : 0);
      }),
    );
  });

  it('grades severity by size and never picks one that does not escalate', () => {
    expect(alertSeverity(20, rule)).toBe('Moderate');
    expect(alertSeverity(59, rule)).toBe('Moderate');
    expect(alertSeverity(60, rule)).toBe('Severe');
  });
});
