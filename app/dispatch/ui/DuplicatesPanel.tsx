'use client';

import type { CaseDuplicates } from '../../../server/protocol/rest';
import type { CaseEventData } from '../../../server/protocol/wire';
import { useT } from '../../lib/i18n';
import { hasRole, SUGGESTION_ROLES } from '../roles';
import { useDispatch, useDispatchStore } from '../state/dispatch-store';
import { useDT } from '../strings';

const MERGEABLE = new Set(['reported', 'registered', 'returned', 'dispatched']);

/**
 * Possible duplicates linked at intake (either way) with a merge action each, then
 * the other open cases of the same community, live from the feed; a click opens one.
 */
export default function DuplicatesPanel({
  caseId,
  duplicates,
  canMerge,
  busy,
  onMergeInto,
  onMergeHere,
}: {
  caseId: number;
  duplicates: CaseDuplicates['linked'];
  canMerge: boolean;
  busy: string | null;
  onMergeInto: (target: number) => void;
  onMergeHere: (duplicate: CaseEventData) => void;
}) {
  const tr = useT();
  const dt = useDT();
  const store = useDispatchStore();
  const desk = useDispatch((s) => hasRole(SUGGESTION_ROLES, s.me?.role));
  const nearbyMap = useDispatch((s) => s.nearby);
  const linked = new Set(duplicates.map((d) => d.id));
  const nearby = [...nearbyMap.values()].filter((c) => c.id !== caseId && !linked.has(c.id)).sort((a, b) => b.id - a.id);

  return (
    <section className="case-box duplicates" aria-labelledby="duplicates-title" data-testid="duplicates">
      <h3 id="duplicates-title" className="box-title">
        {dt.d('duplicates')} {duplicates.length > 0 ? <span className="box-count is-warn">{duplicates.length}</span> : null}
      </h3>
      {duplicates.length === 0 ? (
        <p className="muted">{dt.d('noDuplicates')}</p>
      ) : (
        <ul className="mini-list">
          {duplicates.map((d) => (
            <li key={d.id} data-testid={`duplicate-${d.id}`}>
              <button type="button" className="link-button" onClick={() => store.open(d.id)}>
                #{d.id} {tr.category(d.category)}
              </button>
              <span className="muted">
                {dt.d(`relation_${d.relation}`)} · {dt.status(d.status)} · {tr.dateTime(d.reportedAt)}
              </span>
              {d.relation === 'original' && canMerge ? (
                <button type="button" className="btn btn-small" data-testid={`merge-into-${d.id}`} disabled={busy !== null} onClick={() => onMergeInto(d.id)}>
                  {dt.d('mergeInto')}
                </button>
              ) : null}
              {d.relation === 'duplicate' && desk && MERGEABLE.has(d.status) ? (
                <button type="button" className="btn btn-small" data-testid={`merge-here-${d.id}`} disabled={busy !== null} onClick={() => onMergeHere(d)}>
                  {dt.d('mergeHere')}
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <h3 className="box-title box-title-sub">
        {dt.d('nearby')} <span className="box-count">{nearby.length}</span>
      </h3>
      {nearby.length === 0 ? (
        <p className="muted">{dt.d('noNearby')}</p>
      ) : (
        <ul className="mini-list" data-testid="nearby">
          {nearby.slice(0, 30).map((c) => (
            <li key={c.id}>
              <button type="button" className="link-button" onClick={() => store.open(c.id)}>
                #{c.id} {tr.category(c.category)}
              </button>
              <span className="muted">
                {dt.status(c.status)} · {tr.dateTime(c.reportedAt)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
