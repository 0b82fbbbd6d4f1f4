/**
 * Shapes of the REST answers the dispatch console reads (types only: nothing here
 * reaches the browser bundle but the names). The records are defined where they are
 * read (db/queries, server/services); this file gathers them for the UI, which may
 * not import the database layer.
 */
import type { CaseEventData } from '../../db/records';
import type { Contact } from '../auth/masking';
import type { CaseLifecycleView } from '../services/case-commands';

export type { QueueRow, QueueTab } from '../../db/queries/queue';
export type { TimelineEntry } from '../../db/queries/case-commands';
export type { PhotoInfo } from '../../db/queries/photos';
export type { ResponderView as ResponderListEntry } from '../../db/queries/positions';
export type { CommandAction } from '../domain/workflow/commands';
export type { Contact, CaseLifecycleView };

import type { QueueRow, QueueTab } from '../../db/queries/queue';

/** GET /api/dispatch/queue */
export interface QueueResponse {
  tab: QueueTab;
  area: string;
  seq: number;
  at: string;
  counts: Record<QueueTab, number> | null;
  cases: QueueRow[];
  next: string | null;
}

/** GET /api/cases/{id} */
export interface CaseView {
  case: CaseEventData;
  externalId: string;
  /** The case's area path, city first (…, street, community, grid). */
  areaCodes: string[];
  description: string | null;
  address: string | null;
  /** Masked (138****1234); null when the case has no reporter contact. */
  contact: Contact | null;
  /**
   * 重复件 (repeat appeals of the same contact within 30 days, db/queries/repeats.ts), for
   * cleared roles only (`contacts.reveal`); null for everyone else. `repeatCount` counts
   * the appeals of the chain (0 when the case is in none); `chain` lists them, oldest first.
   */
  repeats: CaseRepeats | null;
  lifecycle: CaseLifecycleView;
}

export interface CaseRepeats {
  repeatOf: number | null;
  repeatCount: number;
  chain: Array<{ id: number; reportedAt: string; status: string }>;
}

/** `details` of a 409 VERSION_CONFLICT from POST /api/cases/{id}/transitions. */
export interface VersionConflictDetails {
  /** The case as it is now. */
  current: CaseEventData;
  /** Who did what last (the event that made the current version). */
  last: { action: string; actor: string; actorLabel: string | null; at: string; version: number | null } | null;
}

/** POST /api/cases/{id}/transitions → 200 */
export interface TransitionResult {
  case: CaseEventData;
  eventId: number;
  replayed: boolean;
}
