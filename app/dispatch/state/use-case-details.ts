'use client';

import { useCallback, useEffect, useState } from 'react';
import type { CaseView, PhotoInfo, TimelineEntry } from '../../../server/protocol/dispatch';
import type { AreaCollection, CaseDuplicates, CaseSuggestions } from '../../../server/protocol/rest';
import { ApiRequestError, isAbort } from '../../lib/api';
import { SUGGESTION_ROLES, hasRole } from '../roles';
import { fetchCase, fetchDuplicates, fetchGridOutline, fetchNearby, fetchPhotos, fetchSuggestions, fetchTimeline } from './api';
import { useDispatch, useDispatchStore } from './dispatch-store';

/** Statuses in which dispatch help is worth showing (立案 first when needed, then 派遣). */
const DISPATCHABLE = new Set(['reported', 'registered', 'returned']);

export interface CaseDetails {
  view: CaseView | null;
  timeline: TimelineEntry[];
  photos: PhotoInfo[];
  duplicates: CaseDuplicates['linked'];
  suggestions: CaseSuggestions | null;
  grid: AreaCollection | null;
  status: 'loading' | 'ready' | 'failed' | 'gone';
  /** Reads everything again (after a conflict or a refused command). */
  reload: () => void;
}

/**
 * Everything the case view reads over REST, read again whenever the feed (or a
 * command's answer) brings a newer version of the case, or on `reload()`. The
 * previous answer stays on screen while the next one loads. The case's community
 * (its open cases: "nearby") and grid outline are read once per case; nearby
 * cases then follow the feed in the store.
 */
export function useCaseDetails(id: number): CaseDetails {
  const store = useDispatchStore();
  const version = useDispatch((s) => (s.openCase?.id === id ? s.openCase.version : 0));
  const role = useDispatch((s) => s.me?.role ?? null);
  const [token, setToken] = useState(0);
  const reload = useCallback(() => setToken((t) => t + 1), []);
  const [details, setDetails] = useState<Omit<CaseDetails, 'reload' | 'grid'>>({
    view: null,
    timeline: [],
    photos: [],
    duplicates: [],
    suggestions: null,
    status: 'loading',
  });
  const [gridShape, setGridShape] = useState<{ code: string; shape: AreaCollection } | null>(null);

  useEffect(() => {
    const abort = new AbortController();
    const signal = abort.signal;
    (async () => {
      const view = await fetchCase(id, signal);
      const dispatchable = DISPATCHABLE.has(view.case.status) && hasRole(SUGGESTION_ROLES, role);
      const [timeline, photos, duplicates, suggestions] = await Promise.all([
        fetchTimeline(id, signal),
        fetchPhotos(id, signal).catch(() => ({ photos: [] as PhotoInfo[] })),
        fetchDuplicates(id, signal),
        dispatchable ? fetchSuggestions(id, signal).catch(() => null) : Promise.resolve(null),
      ]);
      if (signal.aborted) return;
      store.noteCase(view.case);
      setDetails({ view, timeline: timeline.events, photos: photos.photos, duplicates: duplicates.linked, suggestions, status: 'ready' });
    })().catch((error: unknown) => {
      if (signal.aborted || isAbort(error)) return;
      const gone = error instanceof ApiRequestError && error.status === 404;
      setDetails((d) => ({ ...d, status: gone ? 'gone' : d.view ? d.status : 'failed' }));
    });
    return () => abort.abort();
  }, [id, version, token, role, store]);

  // Once per case: its grid's outline and the open cases of its community.
  const areaCodes = details.view?.case.id === id ? details.view.areaCodes : null;
  const gridCode = details.view?.case.id === id ? details.view.case.grid : null;
  const community = areaCodes ? communityOf(areaCodes, gridCode) : null;
  useEffect(() => {
    if (!community) return;
    const abort = new AbortController();
    fetchNearby(community, abort.signal)
      .then((snapshot) => store.setNearby(community, [...snapshot.incidents, ...snapshot.appeals].filter((c) => c.id !== id)))
      // Context only: the case view works without its neighbours.
      .catch(() => undefined);
    return () => abort.abort();
  }, [community, id, store]);
  useEffect(() => {
    if (!gridCode) return;
    const abort = new AbortController();
    fetchGridOutline(gridCode, abort.signal)
      .then((shape) => setGridShape({ code: gridCode, shape }))
      // Decoration only: without it the map still shows the case and its surroundings.
      .catch(() => undefined);
    return () => abort.abort();
  }, [gridCode]);
  const grid = gridShape && gridShape.code === gridCode ? gridShape.shape : null;

  return { ...details, grid, reload };
}

/** The area whose open cases count as "nearby": the community (the grid's parent), else the deepest area known. */
function communityOf(areaCodes: readonly string[], grid: string | null): string | null {
  if (areaCodes.length === 0) return null;
  if (grid && areaCodes.length >= 2 && areaCodes[areaCodes.length - 1] === grid) return areaCodes[areaCodes.length - 2]!;
  return areaCodes[areaCodes.length - 1]!;
}
