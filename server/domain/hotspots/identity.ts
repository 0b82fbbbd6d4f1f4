/**
 * A hotspot keeps its identity across detection runs: each cluster found now is
 * matched to the live hotspot of the same topic (null = across topics) it overlaps
 * most, one to one. Pure: the detection query measures the overlaps
 * (db/queries/hotspots.ts), this decides.
 */
export interface Overlap {
  /** The live hotspot overlapped. */
  hotspotId: number;
  /** Intersection over union of the two outlines (0…1). */
  iou: number;
  /** Intersection over the smaller outline (0…1): high when one holds most of the other. */
  share: number;
}

export interface Candidate {
  /** Index of the cluster in this run's list. */
  cluster: number;
  topic: string | null;
  overlaps: Overlap[];
}

export interface LiveHotspot {
  id: number;
  topic: string | null;
}

export interface Matching {
  /** cluster index → live hotspot id. */
  matched: Map<number, number>;
  /** Clusters that matched nothing: new hotspots. */
  fresh: number[];
  /** Live hotspots no cluster matched: they end. */
  ended: number[];
}

/**
 * An overlap counts when the smaller outline lies at least this share inside the
 * other: a cluster that drifts by less than its radius keeps well above it (two
 * equal discs a radius apart share ≈ 39 %), a neighbour that merely touches does not.
 */
export const DEFAULT_MIN_SHARE = 0.3;

/** The strongest pairs first: by share, then IoU, then the older hotspot, then the cluster order (deterministic). */
export function matchClusters(candidates: readonly Candidate[], live: readonly LiveHotspot[], minShare = DEFAULT_MIN_SHARE): Matching {
  const topicOf = new Map(live.map((h) => [h.id, h.topic]));
  const pairs = candidates.flatMap((c) =>
    c.overlaps
      .filter((o) => topicOf.has(o.hotspotId) && topicOf.get(o.hotspotId) === c.topic && o.share >= minShare)
      .map((o) => ({ cluster: c.cluster, ...o })),
  );
  pairs.sort((a, b) => b.share - a.share || b.iou - a.iou || a.hotspotId - b.hotspotId || a.cluster - b.cluster);
  const matched = new Map<number, number>();
  const taken = new Set<number>();
  for (const p of pairs) {
    if (matched.has(p.cluster) || taken.has(p.hotspotId)) continue;
    matched.set(p.cluster, p.hotspotId);
    taken.add(p.hotspotId);
  }
  return {
    matched,
    fresh: candidates.map((c) => c.cluster).filter((i) => !matched.has(i)),
    ended: live.map((h) => h.id).filter((id) => !taken.has(id)),
  };
}
