'use client';

import { useCallback } from 'react';
import { useDispatch, useDispatchStore } from '../state/dispatch-store';
import { QUEUE_TABS } from '../state/queue';
import { useDT } from '../strings';
import QueueFilters from './QueueFilters';
import QueueRowItem from './QueueRowItem';

/** The queue: five tabs with their counts, the filters, and the tab's cases soonest deadline first. */
export default function QueuePanel() {
  const dt = useDT();
  const store = useDispatchStore();
  const queue = useDispatch((s) => s.queue);
  const selectedId = useDispatch((s) => s.selectedId);
  const openId = useDispatch((s) => s.openId);
  const total = queue.counts?.[queue.tab] ?? null;
  const openCase = useCallback((id: number) => store.open(id), [store]);

  return (
    <aside className="queue-panel" aria-label={dt.d('queue')}>
      <div className="queue-tabs" role="tablist" aria-label={dt.d('queue')}>
        {QUEUE_TABS.map((tab, i) => {
          const count = queue.counts?.[tab];
          const selected = tab === queue.tab;
          return (
            <button
              key={tab}
              type="button"
              role="tab"
              id={`tab-${tab}`}
              data-testid={`tab-${tab}`}
              data-tab={tab}
              aria-selected={selected}
              aria-controls="queue-tabpanel"
              tabIndex={selected ? 0 : -1}
              className={`queue-tab${selected ? ' is-selected' : ''}${tab === 'overdue' && count ? ' has-overdue' : ''}`}
              onClick={() => store.setTab(tab)}
              title={`${dt.d(`tab_${tab}`)} (${i + 1})`}
            >
              <span className="queue-tab-name">{dt.d(`tab_${tab}`)}</span>
              <span className="queue-tab-count" data-testid={`count-${tab}`}>
                {count === undefined ? '·' : count}
              </span>
            </button>
          );
        })}
      </div>
      <QueueFilters />
      {/* The tabs control the panel, which is always there (the list inside it is not while loading or empty). */}
      <div className="queue-body" id="queue-tabpanel" role="tabpanel" aria-labelledby={`tab-${queue.tab}`}>
        {queue.status === 'loading' && queue.rows.length === 0 ? (
          <p className="queue-state" role="status">
            <span className="spinner" aria-hidden="true" /> {dt.d('queueLoading')}
          </p>
        ) : queue.status === 'failed' && queue.rows.length === 0 ? (
          <p className="queue-state is-error" role="alert">
            {dt.d('queueFailed')}
          </p>
        ) : queue.rows.length === 0 ? (
          <div className="queue-state" role="status" data-testid="queue-empty">
            <p>{dt.d('queueEmpty')}</p>
            <p className="queue-state-hint">{dt.d('queueEmptyHint')}</p>
          </div>
        ) : (
          <ul
            id="queue-list"
            className="queue-list"
            role="listbox"
            aria-label={dt.d(`tab_${queue.tab}`)}
            aria-activedescendant={selectedId !== null ? `queue-option-${selectedId}` : undefined}
            tabIndex={0}
            data-testid="queue-list"
          >
            {queue.rows.map((row) => (
              <QueueRowItem
                key={row.id}
                row={row}
                tab={queue.tab}
                selected={row.id === selectedId}
                open={row.id === openId}
                onOpen={openCase}
              />
            ))}
          </ul>
        )}
        {queue.next ? (
          <div className="queue-more">
            {total !== null ? <span>{dt.d('shownOf', { n: queue.rows.length, total })}</span> : null}
            <button type="button" className="btn btn-quiet" onClick={() => void store.loadMore()}>
              {dt.d('loadMore')}
            </button>
          </div>
        ) : null}
      </div>
    </aside>
  );
}
