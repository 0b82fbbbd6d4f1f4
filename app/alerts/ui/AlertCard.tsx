'use client';

import { useState } from 'react';
import type { AlertEventData } from '../../../server/protocol/wire';
import { myPendingAreas, type AckGroup } from '../../lib/alert-ack';
import { ApiRequestError, postJson } from '../../lib/api';
import type { AreaNames } from '../../lib/area-names';
import { useFocusBus } from '../../lib/focus';
import { useT } from '../../lib/i18n';
import { useWall } from '../../lib/store';
import { SEVERITY_COLOURS } from '../../wall/map/support';
import { useDeskT } from '../i18n';

/**
 * One alert on the desk: CAP severity / urgency / certainty, headline, type, source,
 * times, the impact computed when it was stored, the acknowledgement of each
 * district, and — for the districts this person answers for — the Acknowledge button.
 * The button only sends; the card changes when the `alert.updated` the server
 * pushes comes back through the store (on every screen at once).
 */
interface Props {
  alert: AlertEventData;
  group: AckGroup;
  fresh: boolean;
  names: AreaNames | null;
  now: number | null;
}

export default function AlertCard({ alert, group, fresh, names, now }: Props) {
  const tr = useT();
  const desk = useDeskT();
  const bus = useFocusBus();
  const me = useWall((s) => s.me);
  const mine = myPendingAreas(alert, me);
  const [sending, setSending] = useState<ReadonlySet<string>>(new Set());
  const [failure, setFailure] = useState<string | null>(null);
  const areaName = (code: string) => {
    const area = names?.get(code);
    return area ? tr.areaName(area.name, area.nameEn) : code;
  };
  const titleId = `alert-${alert.id}-title`;
  const colour = SEVERITY_COLOURS[alert.severity];

  const acknowledge = async (area: string) => {
    setFailure(null);
    setSending((prev) => new Set(prev).add(area));
    try {
      await postJson(`/api/alerts/${alert.id}/acknowledgements`, mine.length > 1 ? { area } : {});
    } catch (error) {
      setFailure(desk.t('ackFailed', { message: error instanceof ApiRequestError ? error.message : String(error) }));
    } finally {
      // The card itself changes when the server's alert.updated arrives through the store.
      setSending((prev) => {
        const next = new Set(prev);
        next.delete(area);
        return next;
      });
    }
  };

  return (
    <li
      className="alert-card"
      data-testid="alert-card"
      data-alert-id={alert.id}
      data-group={group}
      data-severity={alert.severity}
      data-fresh={fresh || undefined}
      style={{ ['--sev' as string]: colour }}
    >
      <article aria-labelledby={titleId}>
        <div className="alert-card-top">
          <span className="alert-severity">{tr.severity(alert.severity)}</span>
          <span className="alert-cap">
            {tr.capWord(alert.urgency)} · {tr.capWord(alert.certainty)}
          </span>
          {fresh ? <span className="alert-new">{desk.t('newAlert')}</span> : null}
          <span className="alert-type">{tr.alertType(alert.eventType)}</span>
        </div>
        <h3 className="alert-headline" id={titleId}>
          {alert.headline}
        </h3>
        <p className="alert-meta">
          <span>
            {desk.t('source')}: {desk.source(alert.source)}
          </span>
          {alert.onset ? (
            <span>
              {desk.t('issued')} <time dateTime={alert.onset}>{tr.dateTime(alert.onset)}</time>
            </span>
          ) : null}
          <Expiry expires={alert.expires} now={now} />
        </p>
        <dl className="alert-impact" aria-label={desk.t('impact')}>
          <Figure label={desk.t('grids')} value={tr.number(alert.affectedGrids)} testId="impact-grids" />
          <Figure label={desk.t('openCases')} value={tr.number(alert.impact.openCases)} testId="impact-cases" />
          <Figure label={desk.t('responders')} value={tr.number(alert.impact.onDutyResponders)} testId="impact-responders" />
          <Figure label={desk.t('population')} value={tr.number(alert.impact.population)} testId="impact-population" />
        </dl>
        <div className="alert-ack" data-testid="ack-state" data-pending={alert.ack.pending.length} data-level={alert.ack.level}>
          <span className="alert-ack-title">{desk.t('ackTitle')}</span>
          <ul className="alert-ack-areas">
            {alert.ack.acknowledged.map((code) => {
              // Who and when (absent only from alerts pushed before acknowledgements named anyone).
              const record = alert.ack.records.find((r) => r.area === code);
              return (
                <li key={code} className="ack-chip" data-state="done" data-testid="ack-done" data-area={code}>
                  <span aria-hidden="true">✓</span> {areaName(code)} {desk.t('ackDone')}
                  {record ? (
                    <span className="ack-who" data-testid="ack-who">
                      {' · '}
                      {desk.t('ackBy', { who: record.by })} <time dateTime={record.at}>{tr.dateTime(record.at)}</time>
                    </span>
                  ) : null}
                </li>
              );
            })}
            {alert.ack.pending.map((code) => (
              <li key={code} className="ack-chip" data-state="pending">
                <span aria-hidden="true">●</span> {areaName(code)} {desk.t('ackPending')}
              </li>
            ))}
          </ul>
          {alert.ack.pending.length === 0 && alert.ack.acknowledged.length > 0 ? <span className="alert-ack-all">{desk.t('ackAll')}</span> : null}
          {alert.ack.level > 0 && alert.ack.pending.length > 0 ? (
            <span className="alert-escalated" data-testid="escalated">
              {desk.t(alert.ack.level >= 2 ? 'escalated2' : 'escalated1')}
            </span>
          ) : null}
        </div>
        <div className="alert-actions">
          {mine.map((area) => (
            <button
              key={area}
              type="button"
              className="ack-button"
              onClick={() => void acknowledge(area)}
              disabled={sending.has(area)}
              aria-busy={sending.has(area)}
            >
              {sending.has(area) ? desk.t('acknowledging') : mine.length > 1 ? desk.t('acknowledgeFor', { area: areaName(area) }) : desk.t('acknowledge')}
            </button>
          ))}
          {alert.geometry.coordinates.length > 0 ? (
            <button type="button" className="desk-button" onClick={() => bus.request({ kind: 'alert', id: alert.id })}>
              {desk.t('showOnMap')}
            </button>
          ) : null}
          <a
            className="desk-button"
            href={`/api/cap/alerts/${alert.id}`}
            target="_blank"
            rel="noopener"
            aria-label={desk.t('capXmlLabel', { id: alert.id })}
            data-testid="cap-link"
          >
            {desk.t('capXml')}
          </a>
        </div>
        {failure ? (
          <p className="alert-error" role="alert">
            {failure}
          </p>
        ) : null}
      </article>
    </li>
  );
}

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="alert-figure">
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}

function Expiry({ expires, now }: { expires: string | null; now: number | null }) {
  const tr = useT();
  const desk = useDeskT();
  if (!expires) return <span>{desk.t('noExpiry')}</span>;
  const left = now === null ? null : Date.parse(expires) - now;
  return (
    <span>
      {desk.t('expires')} <time dateTime={expires}>{tr.dateTime(expires)}</time>
      {left !== null ? <span className="alert-left" data-expired={left <= 0 || undefined}>
          {left > 0 ? desk.t('remaining', { t: desk.duration(left) }) : desk.t('expired')}
        </span> : null}
    </span>
  );
}
