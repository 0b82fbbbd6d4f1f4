'use client';

import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { Handover, HandoverAlert, HandoverCase } from '../../../server/protocol/rest';
import { ApiRequestError } from '../../lib/api';
import { useDocumentLang, useLangToggle } from '../../lib/i18n';
import { fetchHandover } from '../../lib/indicators-api';
import { useLiveQuery } from '../../lib/live-query';
import { navigate, useNow, useSearch } from '../../lib/location-search';
import { useLeaderT } from '../strings';
import { fromLocalInput, presetOfShift, presetShift, SHIFT_PRESETS, toLocalInput, validShift, type Shift, type ShiftPreset } from './shift';
import '../leader.css';
import './handover.css';

/** Rows each list prints (one A4 page); the screen shows all the server sent. */
const PRINT_ROWS = 8;

interface Place {
  area: string | null;
  shift: Shift | null;
}

function parsePlace(search: string): Place {
  const q = new URLSearchParams(search);
  const from = q.get('from');
  const to = q.get('to');
  const area = q.get('area');
  return {
    area: area && /^\d{6,15}$/.test(area) ? area : null,
    shift: from && to && validShift({ from, to }) === 'ok' ? { from, to } : null,
  };
}

function searchOfPlace(area: string | null, shift: Shift): string {
  const q = new URLSearchParams();
  if (area) q.set('area', area);
  q.set('from', shift.from);
  q.set('to', shift.to);
  return `?${q}`;
}

/**
 * 交接班报告: what came in, what closed, what is overdue now and the alerts, for a
 * chosen shift in the caller's area. One printable page (handover.css): controls
 * and the header vanish in print, each list prints its first PRINT_ROWS rows.
 */
export default function HandoverView() {
  useDocumentLang();
  const tr = useLeaderT();
  const toggle = useLangToggle();
  const search = useSearch();
  const place = useMemo(() => parsePlace(search), [search]);
  const shift = place.shift;
  // No shift in the address: pin the last 12 hours there, so the page (and its print) holds still.
  useEffect(() => {
    if (!shift) navigate(searchOfPlace(place.area, presetShift('last12', Date.now())), 'replace');
  }, [shift, place.area]);
  const key = shift ? `${place.area ?? ''}|${shift.from}|${shift.to}` : null;
  const report = useLiveQuery<Handover>(key, (signal) => fetchHandover(place.area, shift!, signal), null);
  const change = (next: Shift) => navigate(searchOfPlace(place.area, next), 'push');
  const data = report.dataKey === key ? report.data : null;
  const refused = report.error instanceof ApiRequestError && (report.error.status === 403 || report.error.status === 404);
  const back = `/leader${place.area ? `?area=${place.area}` : ''}`;

  return (
    <div className="handover" data-testid="handover">
      <div className="handover-controls">
        <div className="handover-controls-row">
          <a className="leader-button leader-button-secondary" href={back}>
            ‹ {tr.s('back')}
          </a>
          <div className="handover-controls-right">
            <button type="button" className="lang-toggle" onClick={toggle} aria-label={tr.base.t('switchTo')} title={tr.base.t('switchLabel')}>
              {tr.base.t('switchTo')}
            </button>
            <button type="button" className="leader-button" onClick={() => window.print()} disabled={!data}>
              {tr.s('print')}
            </button>
          </div>
        </div>
        {shift ? <ShiftPicker key={`${shift.from}|${shift.to}`} shift={shift} onChange={change} /> : null}
      </div>
      {refused ? (
        <p className="handover-status" role="alert">
          {report.error instanceof ApiRequestError && report.error.status === 404 ? tr.s('notFound') : tr.s('noAccess')}
        </p>
      ) : !data ? (
        <p className="handover-status" role="status">
          {report.error ? tr.s('loadFailed') : tr.s('loading')}
        </p>
      ) : (
        <Report data={data} />
      )}
    </div>
  );
}

function ShiftPicker({ shift, onChange }: { shift: Shift; onChange: (s: Shift) => void }) {
  const tr = useLeaderT();
  const now = useNow();
  const active = presetOfShift(shift, now);
  const [from, setFrom] = useState(toLocalInput(shift.from));
  const [to, setTo] = useState(toLocalInput(shift.to));
  const [error, setError] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = { from: fromLocalInput(from) ?? '', to: fromLocalInput(to) ?? '' };
    const verdict = validShift(next);
    if (verdict !== 'ok') {
      setError(verdict === 'order' ? tr.s('shiftOrder') : verdict === 'tooLong' ? tr.s('shiftTooLong') : tr.s('shiftInvalid'));
      return;
    }
    setError(null);
    onChange(next);
  };
  const labelOf = (p: ShiftPreset) => tr.s(p === 'last12' ? 'shift_last12' : p === 'day' ? 'shift_day' : 'shift_night');
  return (
    <form className="handover-shift" onSubmit={submit} noValidate aria-label={tr.s('shift')}>
      <div className="leader-period-buttons" role="group" aria-label={tr.s('shift')}>
        {SHIFT_PRESETS.map((p) => (
          <button key={p} type="button" aria-pressed={active === p} onClick={() => onChange(presetShift(p, now))}>
            {labelOf(p)}
          </button>
        ))}
      </div>
      <label>
        <span>{tr.s('shiftFrom')}</span>
        <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
      </label>
      <label>
        <span>{tr.s('shiftTo')}</span>
        <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
      </label>
      <button type="submit" className="leader-button">
        {tr.s('apply')}
      </button>
      {error ? (
        <p className="leader-period-error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}

function Report({ data }: { data: Handover }) {
  const tr = useLeaderT();
  const area = tr.base.areaName(data.area.name, data.area.nameEn);
  const when = (iso: string) => tr.base.dateTime(iso);
  const summary: Array<[string, number, string?]> = [
    [tr.s('received'), data.summary.received],
    [tr.s('registered'), data.summary.registered],
    [tr.s('dispatched'), data.summary.dispatched],
    [tr.s('handled'), data.summary.handled],
    [tr.s('closed'), data.summary.closed],
    [tr.s('returned'), data.summary.returned],
    [tr.s('rework'), data.summary.rework],
    [tr.s('turnedOverdue'), data.summary.turnedOverdue, 'bad'],
    [tr.s('escalated'), data.summary.escalated, 'bad'],
    [tr.s('alerts'), data.summary.alerts, 'warn'],
    [tr.s('openNow'), data.summary.openNow],
    [tr.s('overdueNow'), data.summary.overdueNow, 'bad'],
  ];
  return (
    <article className="handover-page">
      <header className="handover-head">
        <h1>
          {tr.s('handover')} · {area}
        </h1>
        <p>
          <span data-testid="handover-shift">
            {tr.s('shift')}: {when(data.shift.from)} – {when(data.shift.to)}
          </span>
          <span>
            {tr.s('generatedAt')}: {when(data.generatedAt)}
          </span>
        </p>
      </header>
      <section aria-labelledby="ho-summary">
        <h2 id="ho-summary">{tr.s('summary')}</h2>
        <dl className="handover-summary">
          {summary.map(([label, value, tone]) => (
            <div key={label} data-tone={tone && value > 0 ? tone : undefined}>
              <dt>{label}</dt>
              <dd>{tr.base.number(value)}</dd>
            </div>
          ))}
        </dl>
      </section>
      <CaseTable id="ho-received" title={tr.s('receivedList')} list={data.received} testId="handover-received" />
      <CaseTable id="ho-closed" title={tr.s('closedList')} list={data.closed} testId="handover-closed" />
      <CaseTable id="ho-overdue" title={tr.s('overdueList')} list={data.overdue} testId="handover-overdue" due />
      <AlertTable list={data.alerts} />
      <footer className="handover-sign">
        <span>{tr.s('handedOver')}: ____________</span>
        <span>{tr.s('takenOver')}: ____________</span>
      </footer>
    </article>
  );
}

function More({ total, shown }: { total: number; shown: number }) {
  const tr = useLeaderT();
  const notSent = total - shown;
  const notPrinted = total - Math.min(shown, PRINT_ROWS);
  return (
    <>
      {notSent > 0 ? <p className="handover-more screen-only">{tr.s('moreNotListed', { n: notSent })}</p> : null}
      {notPrinted > 0 ? <p className="handover-more print-only">{tr.s('moreNotListed', { n: notPrinted })}</p> : null}
    </>
  );
}

function CaseTable({ id, title, list, testId, due }: { id: string; title: string; list: { total: number; cases: HandoverCase[] }; testId: string; due?: boolean }) {
  const tr = useLeaderT();
  return (
    <section aria-labelledby={id} data-testid={testId} data-total={list.total}>
      <h2 id={id}>
        {title} <span className="handover-count">{tr.base.number(list.total)}</span>
      </h2>
      {list.cases.length === 0 ? (
        <p className="handover-none">{tr.s('none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{tr.s('caseId')}</th>
              <th scope="col">{tr.s('category')}</th>
              <th scope="col">{tr.s('place')}</th>
              <th scope="col">{due ? tr.s('due') : tr.s('time')}</th>
              <th scope="col">{tr.s('status')}</th>
            </tr>
          </thead>
          <tbody>
            {list.cases.map((c) => (
              <tr key={c.id}>
                <td>{c.id}</td>
                <td>
                  {tr.base.category(c.category)}
                  {c.title ? <span className="handover-sub">{c.title}</span> : null}
                </td>
                <td>{c.areaName ?? c.areaCode}</td>
                <td>{c.at ? tr.base.dateTime(c.at) : '—'}</td>
                <td>
                  {tr.status(c.status)}
                  {c.escalation > 0 ? <span className="handover-sub">{tr.s('escalatedTimes', { n: c.escalation })}</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <More total={list.total} shown={list.cases.length} />
    </section>
  );
}

function AlertTable({ list }: { list: { total: number; alerts: HandoverAlert[] } }) {
  const tr = useLeaderT();
  return (
    <section aria-labelledby="ho-alerts" data-testid="handover-alerts" data-total={list.total}>
      <h2 id="ho-alerts">
        {tr.s('alertList')} <span className="handover-count">{tr.base.number(list.total)}</span>
      </h2>
      {list.alerts.length === 0 ? (
        <p className="handover-none">{tr.s('none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{tr.s('headline')}</th>
              <th scope="col">{tr.s('severity')}</th>
              <th scope="col">{tr.s('time')}</th>
              <th scope="col">{tr.s('status')}</th>
            </tr>
          </thead>
          <tbody>
            {list.alerts.map((a) => (
              <tr key={a.id}>
                <td>
                  {a.headline}
                  <span className="handover-sub">{tr.base.alertType(a.eventType)}</span>
                </td>
                <td>{tr.base.severity(a.severity)}</td>
                <td>{tr.base.dateTime(a.createdAt)}</td>
                <td>{tr.status(a.status)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <More total={list.total} shown={list.alerts.length} />
    </section>
  );
}
