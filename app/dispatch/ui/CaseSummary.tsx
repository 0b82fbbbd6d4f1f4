'use client';

import type { CaseView } from '../../../server/protocol/dispatch';
import type { CaseEventData } from '../../../server/protocol/wire';
import { placeOf, useAreaNames } from '../../lib/area-names';
import { useT } from '../../lib/i18n';
import { useDispatch } from '../state/dispatch-store';
import { useDT } from '../strings';
import SlaClock from './SlaClock';

/** What the case is, where, since when, with whom, and its clock. `data` is the newest version seen; `view` adds the REST-only fields. */
export default function CaseSummary({ data, view, onClose }: { data: CaseEventData; view: CaseView; onClose: () => void }) {
  const tr = useT();
  const dt = useDT();
  const names = useAreaNames();
  const assignee = useDispatch((s) => (data.assigneeId !== null ? (s.responders.get(data.assigneeId) ?? null) : null));
  const place = placeOf(data.grid, names, (n) => tr.areaName(n.name, n.nameEn));
  const lifecycle = view.lifecycle;

  return (
    <div className="case-summary">
      <div className="case-summary-head">
        <h2 className="case-title">
          <span className="case-id">#{data.id}</span> {tr.category(data.category)}
          {data.topic ? <span className="case-topic"> · {data.topic}</span> : null}
        </h2>
        <span className={`sev-badge sev-${data.severity}`}>{tr.severity(data.severity)}</span>
        <span className={`status-chip status-${data.status}`} data-testid="case-status">
          {dt.status(data.status)}
        </span>
        <button type="button" className="btn btn-quiet case-close" onClick={onClose} aria-label={dt.d('closeCase')} title={`${dt.d('closeCase')} (Esc)`}>
          ×
        </button>
      </div>
      <div className="case-summary-body">
        <div className="case-clock-box">
          <SlaClock sla={data.sla} status={data.status} warnAt={view.case.version === data.version ? lifecycle.slaWarnAt : null} />
          {data.sla?.dueAt ? (
            <span className="case-due">
              {dt.d('deadline')} {tr.dateTime(data.sla.dueAt)}
            </span>
          ) : null}
        </div>
        <div className="case-text">
          {data.title ? <p className="case-headline">{data.title}</p> : null}
          <p className="case-description">{view.description ?? dt.d('noDescription')}</p>
        </div>
      </div>
      <dl className="case-meta">
        <div>
          <dt>{dt.d('reportedAt')}</dt>
          <dd>{tr.dateTime(data.reportedAt)}</dd>
        </div>
        <div>
          <dt>{dt.d('channel')}</dt>
          <dd>{dt.channel(data.channel)}</dd>
        </div>
        <div>
          <dt>{dt.d('grid')}</dt>
          <dd title={data.grid ?? undefined}>{place ?? data.grid ?? tr.t('unknownPlace')}</dd>
        </div>
        <div>
          <dt>{dt.d('address')}</dt>
          <dd>{view.address ?? '—'}</dd>
        </div>
        <div>
          <dt>{dt.d('assignee')}</dt>
          <dd data-testid="case-assignee">{data.assigneeId === null ? '—' : (assignee?.name ?? `#${data.assigneeId}`)}</dd>
        </div>
        <div>
          <dt>{dt.d('department')}</dt>
          <dd>{dt.department(data.department)}</dd>
        </div>
      </dl>
      <Flags data={data} view={view} />
    </div>
  );
}

function Flags({ data, view }: { data: CaseEventData; view: CaseView }) {
  const dt = useDT();
  const flags: Array<[string, string, boolean]> = [];
  if (data.duplicateOf !== null) flags.push(['dup', dt.d('duplicateOf', { id: data.duplicateOf }), false]);
  if (data.mergedInto !== null) flags.push(['merged', dt.d('mergedInto', { id: data.mergedInto }), false]);
  if (data.rework > 0) flags.push(['rework', dt.d('rework', { n: data.rework }), true]);
  if (data.escalation > 0) flags.push(['esc', dt.d('escalated', { n: data.escalation }), true]);
  if (view.lifecycle.pendingSuspension) flags.push(['susp', dt.d('pendingSuspension', { reason: view.lifecycle.pendingSuspension.reason }), false]);
  if (view.lifecycle.pendingExtension) flags.push(['ext', dt.d('pendingExtension', { reason: view.lifecycle.pendingExtension.reason }), false]);
  if (flags.length === 0) return null;
  return (
    <ul className="case-flags">
      {flags.map(([key, text, bad]) => (
        <li key={key} className={`flag-chip${bad ? ' is-bad' : ''}`}>
          {text}
        </li>
      ))}
    </ul>
  );
}
