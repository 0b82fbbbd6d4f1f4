'use client';

import { useMemo, useState } from 'react';
import { placeOf, useAreaNames } from '../../lib/area-names';
import { caseWord, slaLabel, statusLabel, STATUS_COLOURS } from '../../lib/case-labels';
import { useFocusBus } from '../../lib/focus';
import { useT } from '../../lib/i18n';
import { useWall, type RecentItem } from '../../lib/store';
import { SEVERITY_COLOURS } from '../map/support';

/**
 * Active alerts, then the newest grid incidents. Appeals never appear one by one on a shared
 * screen, and items carry no reporter data: category, place, severity, time, and for
 * incidents where they are in the loop (a status chip), their SLA alarm (amber / red
 * edge, named for screen readers) and an escalation mark. Finished incidents leave.
 */
export default function EventList() {
  const tr = useT();
  const recentIncidents = useWall((s) => s.recentIncidents);
  const recentAlerts = useWall((s) => s.recentAlerts);
  const loaded = useWall((s) => s.loaded);
  const alerts = useWall((s) => s.alerts);
  // Active alerts stay on top however many incidents arrive after them.
  const recent = useMemo(
    () => [...recentAlerts.filter((a) => alerts.has(a.id)), ...recentIncidents],
    [recentAlerts, recentIncidents, alerts],
  );
  const names = useAreaNames();
  const bus = useFocusBus();
  const [open, setOpen] = useState(false);

  const describe = (item: RecentItem): { title: string; place: string | null } => {
    if (item.type === 'alert') {
      return { title: tr.alertType(item.code), place: alerts.get(item.id)?.headline ?? null };
    }
    return {
      title: tr.category(item.code),
      place: placeOf(item.grid, names, (n) => tr.areaName(n.name, n.nameEn)) ?? (item.grid ? null : tr.t('unknownPlace')),
    };
  };

  return (
    <section className="panel events-panel" data-open={open} data-map-inset aria-labelledby="events-title">
      <button type="button" className="panel-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        {tr.t('recentEvents')}
        {recent.length > 0 ? <span className="panel-toggle-count">{recent.length}</span> : null}
      </button>
      <div className="panel-body">
        <h2 className="panel-title" id="events-title">
          {tr.t('recentEvents')}
        </h2>
        <ol className="event-list" data-testid="event-list">
          {recent.map((item) => {
            const { title, place } = describe(item);
            const idAttrs =
              item.type === 'alert'
                ? { 'data-alert-id': item.id }
                : { 'data-case-id': item.id, 'data-status': item.status ?? undefined, 'data-sla': item.sla ?? 'none' };
            return (
              <li key={item.key} className={`event-item event-${item.type}`} data-testid="event-item" {...idAttrs}>
                <button type="button" onClick={() => bus.request({ kind: item.type, id: item.id })}>
                  <span
                    className="event-severity"
                    style={{ background: SEVERITY_COLOURS[item.severity] }}
                    role="img"
                    aria-label={tr.severity(item.severity)}
                  />
                  <span className="event-main">
                    <span className="event-title">
                      {item.type === 'alert' ? <span className="event-tag">{tr.t('alert')}</span> : null}
                      {title}
                    </span>
                    {place ? <span className="event-place">{place}</span> : null}
                  </span>
                  <span className="event-meta">
                    {item.status ? (
                      <span className="event-status" data-testid="event-status" style={{ color: STATUS_COLOURS[item.status] }}>
                        {item.escalation > 0 ? (
                          <span className="event-escalated" title={caseWord(tr.lang, 'escalatedLevels', item.escalation)}>
                            ▲{item.escalation}
                          </span>
                        ) : null}
                        {item.sla && item.sla !== 'normal' ? <span className="event-sla">{slaLabel(tr.lang, item.sla)}</span> : null}
                        {statusLabel(tr.lang, item.status)}
                      </span>
                    ) : (
                      <span className="event-level">{tr.severity(item.severity)}</span>
                    )}
                    {item.at ? <time dateTime={item.at}>{tr.time(item.at)}</time> : null}
                  </span>
                </button>
              </li>
            );
          })}
        </ol>
        {loaded && recent.length === 0 ? (
          <div className="empty-state" data-testid="empty-state">
            <strong>{tr.t('noEvents')}</strong>
            <span>{tr.t('noEventsHint')}</span>
          </div>
        ) : null}
      </div>
    </section>
  );
}
