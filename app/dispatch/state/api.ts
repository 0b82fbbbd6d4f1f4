import type {
  CaseView,
  CommandAction,
  Contact,
  PhotoInfo,
  QueueResponse,
  QueueTab,
  ResponderListEntry,
  TimelineEntry,
  TransitionResult,
} from '../../../server/protocol/dispatch';
import type { AreaCollection, CaseDuplicates, CaseSuggestions, Snapshot } from '../../../server/protocol/rest';
import { getJson, postJson } from '../../lib/api';
import type { QueueFilters } from './queue';

/** The dispatch console's REST calls (same origin; errors are ApiRequestError from app/lib/api.ts). */

export const QUEUE_PAGE = 60;
export const QUEUE_MAX_PAGE = 200;

export function fetchQueue(
  tab: QueueTab,
  filters: QueueFilters,
  options: { limit?: number; cursor?: string | null; counts?: boolean },
  signal?: AbortSignal,
): Promise<QueueResponse> {
  const params = new URLSearchParams({ tab, limit: String(Math.min(QUEUE_MAX_PAGE, options.limit ?? QUEUE_PAGE)) });
  if (filters.category) params.set('category', filters.category);
  if (filters.severity) params.set('severity', filters.severity);
  if (filters.channel) params.set('channel', filters.channel);
  if (filters.area) params.set('area', filters.area);
  if (options.cursor) params.set('cursor', options.cursor);
  if (options.counts === false) params.set('counts', 'false');
  return getJson<QueueResponse>(`/api/dispatch/queue?${params}`, signal);
}

export function fetchResponders(signal?: AbortSignal): Promise<{ area: string; responders: ResponderListEntry[]; truncated: boolean }> {
  return getJson(`/api/responders?limit=5000`, signal);
}

export function fetchCase(id: number, signal?: AbortSignal): Promise<CaseView> {
  return getJson<CaseView>(`/api/cases/${id}`, signal);
}

export function fetchTimeline(id: number, signal?: AbortSignal): Promise<{ events: TimelineEntry[] }> {
  return getJson(`/api/cases/${id}/events`, signal);
}

export function fetchSuggestions(id: number, signal?: AbortSignal): Promise<CaseSuggestions> {
  return getJson<CaseSuggestions>(`/api/cases/${id}/suggestions?k=5`, signal);
}

export function fetchDuplicates(id: number, signal?: AbortSignal): Promise<CaseDuplicates> {
  return getJson<CaseDuplicates>(`/api/cases/${id}/duplicates`, signal);
}

export function fetchPhotos(id: number, signal?: AbortSignal): Promise<{ photos: PhotoInfo[] }> {
  return getJson(`/api/cases/${id}/photos`, signal);
}

/** Open cases of an area (the case's community): the snapshot's incidents and recent appeals. */
export function fetchNearby(area: string, signal?: AbortSignal): Promise<Snapshot> {
  const params = new URLSearchParams({ area, layers: 'incidents,appeals', limit: '300', appealHours: '168' });
  return getJson<Snapshot>(`/api/snapshot?${params}`, signal);
}

export function fetchGridOutline(grid: string, signal?: AbortSignal): Promise<AreaCollection> {
  return getJson<AreaCollection>(`/api/areas?level=grid&within=${encodeURIComponent(grid)}`, signal);
}

export function revealContact(id: number, reason: string): Promise<{ contact: Contact }> {
  return postJson(`/api/cases/${id}/contact/reveal`, { reason });
}

/** One command with a fresh idempotency key; the payload is the command's own fields (reason, note, assigneeId…). */
export function sendTransition(
  id: number,
  action: CommandAction,
  expectedVersion: number,
  payload: Record<string, unknown> = {},
): Promise<TransitionResult> {
  return postJson<TransitionResult>(`/api/cases/${id}/transitions`, { action, expectedVersion, commandId: newCommandId(), ...payload });
}

/** randomUUID exists only in secure contexts (https, localhost); an intranet http page gets 16 random bytes instead. */
function newCommandId(): string {
  if (typeof crypto.randomUUID === 'function') return `desk-${crypto.randomUUID()}`;
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `desk-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
