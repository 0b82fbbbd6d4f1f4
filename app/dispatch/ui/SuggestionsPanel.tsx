'use client';

import type { CaseSuggestions, ResponderView } from '../../../server/protocol/rest';
import type { CaseStatus } from '../../../server/protocol/vocab';
import { useDT } from '../strings';

/**
 * Who could take the case: 属地 (based in its grid, else community, else street),
 * the suggested department's on-duty responders, and the nearest on-duty ones by
 * distance; each with status and open workload, and one button that assigns
 * (立案并派遣 when the case is still 待立案).
 */
export default function SuggestionsPanel({
  suggestions,
  status,
  canAssign,
  registerFirst,
  busy,
  top,
  onAssign,
}: {
  suggestions: CaseSuggestions | null;
  status: CaseStatus;
  canAssign: boolean;
  registerFirst: boolean;
  busy: string | null;
  top: ResponderView | null;
  onAssign: (responder: ResponderView) => void;
}) {
  const dt = useDT();
  const dispatchable = status === 'reported' || status === 'registered' || status === 'returned';
  const groups: Array<[key: 'territorial' | 'byDepartment' | 'nearest', list: ResponderView[]]> = suggestions
    ? [
        ['territorial', suggestions.territorial],
        ['byDepartment', suggestions.byDepartment],
        ['nearest', suggestions.nearest],
      ]
    : [];
  return (
    <section className="case-box suggestions" aria-labelledby="suggestions-title" data-testid="suggestions">
      <div className="box-head">
        <h3 id="suggestions-title" className="box-title">
          {dt.d('suggestions')}
        </h3>
        {suggestions?.department ? <span className="muted">{dt.d('suggestDept', { name: dt.department(suggestions.department.code) })}</span> : null}
      </div>
      {!dispatchable || !suggestions ? (
        <p className="muted">{dispatchable ? dt.d('caseLoading') : dt.d('suggestionsUnavailable')}</p>
      ) : (
        <div className="suggestion-groups">
          {groups.map(([key, list]) => (
            <div key={key} className="suggestion-group" data-group={key}>
              <h4>{dt.d(key)}</h4>
              {list.length === 0 ? (
                <p className="muted">{dt.d('noSuggestions')}</p>
              ) : (
                <ul>
                  {list.map((r) => (
                    <li key={r.id} className="suggestion" data-testid={`suggestion-${key}-${r.id}`} data-responder-id={r.id}>
                      <span className={`rstatus rstatus-${r.status}`} title={dt.maybe(`rstatus_${r.status}`, r.status)} aria-hidden="true" />
                      <span className="suggestion-name">
                        {r.name}
                        <span className="suggestion-meta">
                          {dt.maybe(`rrole_${r.role}`, r.role)}
                          {r.department ? ` · ${dt.department(r.department)}` : ''} · {dt.maybe(`rstatus_${r.status}`, r.status)}
                        </span>
                      </span>
                      <span className="suggestion-num" title={dt.d('distance', { d: dt.distance(r.distanceM) })}>
                        {dt.distance(r.distanceM)}
                      </span>
                      <span className="suggestion-num">{dt.d('openCases', { n: r.openCases })}</span>
                      {canAssign ? (
                        <button
                          type="button"
                          className={`btn btn-small ${top?.id === r.id ? 'btn-primary' : ''}`}
                          data-testid={`assign-${key}-${r.id}`}
                          disabled={busy !== null}
                          aria-busy={busy === `assign-${r.id}`}
                          aria-label={`${registerFirst ? dt.d('registerAndAssign') : dt.d('assign')} ${r.name}`}
                          onClick={() => onAssign(r)}
                        >
                          {busy === `assign-${r.id}` ? dt.d('working') : registerFirst ? dt.d('registerAndAssign') : dt.d('assign')}
                          {top?.id === r.id ? <kbd aria-hidden="true">A</kbd> : null}
                        </button>
                      ) : null}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          ))}
        </div>
      )}
    </section>
  );
}
