'use client';

import { useOutboxItems, useReportContext, type ReportTab } from '../report-context';
import { useReportT, type ReportKey } from '../report-i18n';
import { useReport } from '../report-store';

const TABS: Array<{ tab: ReportTab; label: ReportKey; icon: string }> = [
  { tab: 'tasks', label: 'tabTasks', icon: '☰' },
  { tab: 'report', label: 'tabReport', icon: '＋' },
  { tab: 'outbox', label: 'tabOutbox', icon: '⇪' },
];

/** The three views at the thumb, with what waits in each: tasks to accept, items not yet sent. */
export default function TabBar() {
  const rt = useReportT();
  const { tab, setTab } = useReportContext();
  const toAccept = useReport((s) => s.tasks.tasks.filter((t) => t.status === 'dispatched').length);
  const outbox = useOutboxItems().length;
  return (
    <nav className="report-tabs" aria-label={rt.t('mainNav')}>
      {TABS.map((entry) => (
        <button
          key={entry.tab}
          type="button"
          id={`tab-${entry.tab}`}
          className="report-tab"
          aria-current={tab === entry.tab ? 'page' : undefined}
          onClick={() => setTab(entry.tab)}
          data-testid={`tab-${entry.tab}`}
        >
          <span className="report-tab-icon" aria-hidden="true">
            {entry.icon}
          </span>
          <span>{rt.t(entry.label)}</span>
          {entry.tab === 'tasks' && toAccept > 0 ? <span className="report-badge">{toAccept}</span> : null}
          {entry.tab === 'outbox' ? (
            <span className={`report-badge${outbox === 0 ? ' zero' : ''}`} data-testid="outbox-count">
              {outbox}
            </span>
          ) : null}
        </button>
      ))}
    </nav>
  );
}
