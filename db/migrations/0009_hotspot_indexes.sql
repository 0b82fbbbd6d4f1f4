-- Hotspot detection (db/queries/hotspots.ts) reads every appeal of a sliding window
-- (72 h by default: tens of thousands of rows at city scale) for its position, topic
-- and grid. This partial covering index lets it read them from the index alone
-- (an index-only scan of the window, in time order), not from the heap.
CREATE INDEX IF NOT EXISTS "cases_appeal_window_idx" ON "cases" USING btree ("reported_at") INCLUDE ("topic", "grid_id", "geom") WHERE "kind" = 'appeal';
