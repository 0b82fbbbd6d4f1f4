'use client';

import { useLangToggle, useT } from '../../lib/i18n';
import { useOutboxItems, useReportContext } from '../report-context';
import { useReportT } from '../report-i18n';
import { useReport } from '../report-store';

/** App name, who is signed in (and where), the connection pill, 中/EN, sign out. */
export default function TopBar() {
  const tr = useT();
  const rt = useReportT();
  const toggle = useLangToggle();
  const me = useReport((s) => s.me);
  const status = useReport((s) => s.status);
  const signOutState = useReport((s) => s.signOut);
  const { signOut } = useReportContext();
  const waiting = useOutboxItems().length;
  const confirmSignOut = () => {
    if (waiting === 0 || window.confirm(rt.t('signOutPending', { n: waiting }))) signOut();
  };
  const area = me?.area ? tr.areaName(me.area.name, me.area.nameEn) : '';
  return (
    <header className="report-top">
      <div className="report-top-title">
        <h1>{rt.t('appName')}</h1>
        <p className="report-top-who" data-testid="who">
          {me ? `${me.name}${area ? ` · ${area}` : ''}` : rt.t('appSubtitle')}
        </p>
      </div>
      <span className="status-pill report-pill" data-testid="connection-status" data-state={status} role="status">
        <span className="status-dot" aria-hidden="true" />
        {tr.t(`status_${status}`)}
      </span>
      <button type="button" className="report-chip" onClick={toggle} aria-label={tr.t('switchLabel')} lang={tr.lang === 'zh' ? 'en' : 'zh-CN'}>
        {tr.t('switchTo')}
      </button>
      {me?.kind === 'user' ? (
        <button type="button" className="report-chip" onClick={confirmSignOut} disabled={signOutState === 'pending'} aria-busy={signOutState === 'pending'}>
          {signOutState === 'pending' ? tr.t('signingOut') : signOutState === 'failed' ? tr.t('signOutFailed') : tr.t('signOut')}
        </button>
      ) : null}
    </header>
  );
}
