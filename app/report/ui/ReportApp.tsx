'use client';

import { useT } from '../../lib/i18n';
import { useReportContext } from '../report-context';
import { useReportT } from '../report-i18n';
import { useReport } from '../report-store';
import DutyBar from './DutyBar';
import OutboxView from './OutboxView';
import ReportForm from './ReportForm';
import TabBar from './TabBar';
import TasksView from './TasksView';
import Toasts from './Toasts';
import TopBar from './TopBar';

/**
 * The phone layout: top bar, duty strip, one of three views (my tasks, new
 * report, outbox) and the tab bar at the thumb. The report form stays mounted
 * while hidden, so a half-written report survives a look at the tasks.
 */
export default function ReportApp() {
  const me = useReport((s) => s.me);
  const { tab } = useReportContext();
  if (me && me.role !== 'grid_worker') return <RoleMismatch role={me.role} />;
  return (
    <div className="report-app">
      <TopBar />
      <DutyBar />
      <OfflineBanner />
      <main className="report-main">
        <section hidden={tab !== 'tasks'} aria-labelledby="tab-tasks">
          <TasksView active={tab === 'tasks'} />
        </section>
        <section hidden={tab !== 'report'} aria-labelledby="tab-report">
          <ReportForm active={tab === 'report'} />
        </section>
        <section hidden={tab !== 'outbox'} aria-labelledby="tab-outbox">
          <OutboxView />
        </section>
      </main>
      <Toasts />
      <TabBar />
      <SignedOutNotice />
    </div>
  );
}

function OfflineBanner() {
  const rt = useReportT();
  const status = useReport((s) => s.status);
  if (status !== 'offline') return null;
  return (
    <p className="report-offline" role="status" data-testid="offline-banner">
      {rt.t('offlineBanner')}
    </p>
  );
}

function RoleMismatch({ role }: { role: string }) {
  const rt = useReportT();
  const tr = useT();
  return (
    <main className="report-app report-mismatch" data-testid="role-mismatch">
      <h1>{rt.t('roleMismatch')}</h1>
      <p>{rt.t('roleMismatchHint', { role: tr.role(role) })}</p>
      <a className="report-button primary" href="/wall">
        {rt.t('openWall')}
      </a>
    </main>
  );
}

/** The server ended this page's credential: say why, briefly, before the login page. */
function SignedOutNotice() {
  const tr = useT();
  const reason = useReport((s) => s.signedOut);
  if (reason === null) return null;
  return (
    <div className="report-overlay" role="alert" data-testid="signed-out">
      <p className="report-overlay-title">{tr.t('signedOutTitle')}</p>
      <p>{tr.signedOutReason(reason)}</p>
      <p>{tr.t('signedOutHint')}</p>
    </div>
  );
}
