import type { Database } from '../../db/client';
import { readAppealDensity, readLastDensities } from '../../db/queries/appeal-density';
import { findRootAreas } from '../../db/queries/areas';
import { appendFeed, type NewFeedRow } from '../../db/queries/feed';
import type { AppealDensityData } from '../../db/records';
import { scopeOf } from '../../db/scope';
import { APPEAL_MIN_COUNT } from '../../db/vocab';

export interface AppealDensityOptions {
  /** How often the leader recounts (ms). */
  everyMs: number;
  /** The shared screens' appeal window (hours). */
  windowHours: number;
}

/**
 * The shared screens' heat input (issue 11): the scheduler's leader recounts the
 * appeals of the window per grid every `everyMs` and writes one `appeal.density` feed
 * row per district whose counts (or open appeals) changed since it last wrote (areaCodes = [root,
 * district], so a district's room gets only its own row). Appeals leaving the window
 * change the counts too, so the recount runs on time, not on intake. A new leader
 * starts from the last row of each district still in the feed, so a restart writes
 * only the districts whose counts changed meanwhile.
 */
export class AppealDensityJob {
  private readonly written = new Map<string, string>();
  private lastRunAt = Number.NEGATIVE_INFINITY;
  /** A district with no appeals in the window: what a screen assumes before any row. */
  private readonly empty: string;

  constructor(
    private readonly database: Database,
    private readonly options: AppealDensityOptions,
  ) {
    this.empty = signature({ area: '', windowHours: options.windowHours, k: APPEAL_MIN_COUNT, cells: {}, suppressed: 0, open: 0 });
  }

  /** Runs when due (or at once after an election); the feed rows written. */
  async maybeRun(wall: number, justElected: boolean): Promise<number> {
    if (justElected) {
      this.written.clear();
      for (const last of await readLastDensities(this.database)) this.written.set(last.area, signature(last));
    }
    if (!justElected && wall - this.lastRunAt < this.options.everyMs) return 0;
    this.lastRunAt = wall;
    return this.run();
  }

  /** Recounts now and writes the districts that changed (one transaction). */
  async run(): Promise<number> {
    const rows: NewFeedRow[] = [];
    const next = new Map<string, string>();
    for (const root of await findRootAreas(this.database)) {
      const densities = await readAppealDensity(this.database, scopeOf(root.code), { windowHours: this.options.windowHours, k: APPEAL_MIN_COUNT });
      for (const density of densities) {
        const key = signature(density);
        next.set(density.area, key);
        // A district never written to is known to screens as empty: an empty count is no news.
        if ((this.written.get(density.area) ?? this.empty) === key) continue;
        rows.push({ topic: 'appeal.density', layer: 'hotspots', areaCodes: [root.code, density.area], payload: density });
      }
    }
    if (rows.length > 0) await this.database.transaction((tx) => appendFeed(tx, rows));
    // Remembered only once committed: a failed write is retried on the next run.
    for (const [area, key] of next) this.written.set(area, key);
    return rows.length;
  }
}

function signature(density: AppealDensityData): string {
  // Key order is not kept by jsonb (rows read back from the feed): compare the cells sorted.
  const cells = Object.entries(density.cells).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([density.windowHours, density.k, density.suppressed, density.open ?? null, cells]);
}
