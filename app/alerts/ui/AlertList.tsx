'use client';

import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { sortForDesk, type AckGroup, type DeskAccess } from '../../lib/alert-ack';
import { useAreaNames } from '../../lib/area-names';
import { useWall, useWallStore } from '../../lib/store';
import { ArrivalTracker } from '../arrivals';
import { useDeskT, type DeskKey } from '../i18n';
import { useNow } from '../use-now';
import AlertCard from './AlertCard';
import ChimeToggle from './ChimeToggle';

const GROUPS: Array<{ group: AckGroup; title: DeskKey }> = [
  { group: 'mine', title: 'groupMine' },
  { group: 'pending', title: 'groupPending' },
  { group: 'done', title: 'groupDone' },
];
const NOW_MS = 30_000;

/**
 * The live list of alerts in the desk's jurisdiction: those waiting for this person's
 * acknowledgement first and most prominent, then those waiting for other districts,
 * then the acknowledged ones; most severe and newest first within each.
 */
export default function AlertList({ access }: { access: DeskAccess }) {
  const desk = useDeskT();
  const store = useWallStore();
  const alerts = useWall((s) => s.alerts);
  const me = useWall((s) => s.me);
  const loaded = useWall((s) => s.loaded);
  const names = useAreaNames();
  const now = useNow(NOW_MS);
  const [tracker] = useState(() => new ArrivalTracker(store));
  useEffect(() => {
    tracker.start();
    return () => tracker.stop();
  }, [tracker]);
  const fresh = useSyncExternalStore(tracker.subscribe, tracker.getFresh, tracker.getFresh);
  const sorted = useMemo(() => sortForDesk(alerts.values(), me), [alerts, me]);
  const waitingForMe = sorted.filter((x) => x.group === 'mine').length;

  return (
    <section className="panel desk-list" aria-labelledby="desk-list-title" data-testid="alert-list">
      <header className="desk-list-head">
        <h2 className="desk-list-title" id="desk-list-title">
          {desk.t('listTitle')}
        </h2>
        <ChimeToggle />
      </header>
      <div className="desk-counts">
        {access === 'act' ? (
          <div className="desk-count" data-urgent={waitingForMe > 0 || undefined}>
            <span className="desk-count-value" data-testid="count-waiting">
              {loaded ? waitingForMe : '–'}
            </span>
            <span className="desk-count-label">{desk.t('countPendingMine')}</span>
          </div>
        ) : null}
        <div className="desk-count">
          <span className="desk-count-value" data-testid="count-active">
            {loaded ? sorted.length : '–'}
          </span>
          <span className="desk-count-label">{desk.t('countActive')}</span>
        </div>
      </div>
      {access === 'read' ? (
        <p className="desk-readonly" data-testid="read-only">
          <strong>{desk.t('readOnly')}</strong> {desk.t('readOnlyHint')}
        </p>
      ) : null}
      <div className="desk-cards">
        {GROUPS.map(({ group, title }) => {
          const items = sorted.filter((x) => x.group === group);
          if (items.length === 0) return null;
          return (
            <section key={group} className="desk-group" data-group={group} aria-labelledby={`desk-group-${group}`}>
              <h3 className="desk-group-title" id={`desk-group-${group}`}>
                {desk.t(title)} <span className="desk-group-count">{items.length}</span>
              </h3>
              <ol className="desk-group-list">
                {items.map(({ alert, group: g }) => (
                  <AlertCard key={alert.id} alert={alert} group={g} fresh={fresh.has(alert.id)} names={names} now={now} />
                ))}
              </ol>
            </section>
          );
        })}
        {loaded && sorted.length === 0 ? (
          <div className="empty-state" data-testid="empty-state">
            <strong>{desk.t('emptyTitle')}</strong>
            <span>{desk.t('emptyHint')}</span>
          </div>
        ) : null}
      </div>
    </section>
  );
}
