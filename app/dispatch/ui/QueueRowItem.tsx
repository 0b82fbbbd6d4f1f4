'use client';

import { memo } from 'react';
import type { QueueRow, QueueTab } from '../../../server/protocol/dispatch';
import { useT } from '../../lib/i18n';
import { useDT } from '../strings';
import SlaClock from './SlaClock';

/** One case in the queue: its clock first (what the desk sorts by), then what and where. */
function QueueRowItem({ row, tab, selected, open, onOpen }: { row: QueueRow; tab: QueueTab; selected: boolean; open: boolean; onOpen: (id: number) => void }) {
  const tr = useT();
  const dt = useDT();
  const manyStatuses = tab !== 'register' && tab !== 'verify';
  return (
    <li
      id={`queue-option-${row.id}`}
      role="option"
      aria-selected={selected}
      data-testid={`queue-row-${row.id}`}
      data-case-id={row.id}
      data-status={row.status}
      data-version={row.version}
      className={`queue-row${selected ? ' is-selected' : ''}${open ? ' is-open' : ''}`}
      onClick={() => onOpen(row.id)}
    >
      <div className="queue-row-top">
        <SlaClock sla={row.sla} status={row.status} warnAt={row.warnAt} compact />
        <span className="queue-row-id">#{row.id}</span>
        <span className="queue-row-category">{tr.category(row.category)}</span>
        <span className={`sev-badge sev-${row.severity}`}>{tr.severity(row.severity)}</span>
      </div>
      <div className="queue-row-title">{row.title ?? row.topic ?? tr.category(row.category)}</div>
      <div className="queue-row-meta">
        <span>{dt.channel(row.channel)}</span>
        <span>{tr.dateTime(row.reportedAt)}</span>
        {row.address ? <span className="queue-row-address">{row.address}</span> : null}
        {manyStatuses ? <span className={`status-chip status-${row.status}`}>{dt.status(row.status)}</span> : null}
        {row.duplicateOf !== null ? <span className="flag-chip">{dt.d('duplicateOf', { id: row.duplicateOf })}</span> : null}
        {row.escalation > 0 ? <span className="flag-chip is-bad">{dt.d('escalated', { n: row.escalation })}</span> : null}
      </div>
    </li>
  );
}

export default memo(QueueRowItem);
