'use client';

import { useT } from '../../lib/i18n';
import type { OutboxItem } from '../outbox';
import { useOutboxItems, useOutboxSending, useReportContext } from '../report-context';
import { useReportT } from '../report-i18n';

/**
 * 待发送: everything made on this phone and not yet delivered — waiting (with when
 * it tries again), being sent, or refused (why, with 重新发送 / 放弃). Delivered
 * items leave the list.
 */
export default function OutboxView() {
  const rt = useReportT();
  const { runner } = useReportContext();
  const items = useOutboxItems();
  const sending = useOutboxSending();
  const pending = items.filter((i) => i.state === 'pending').length;
  return (
    <div className="report-view" data-testid="outbox">
      <h2 className="report-heading">{rt.t('outboxHeading')}</h2>
      <p className="report-hint">{rt.t('outboxHint')}</p>
      {items.length === 0 ? (
        <p className="report-empty" data-testid="outbox-empty">
          {rt.t('outboxEmpty')}
        </p>
      ) : (
        <>
          {pending > 0 ? (
            <button type="button" className="report-button" onClick={() => runner?.kick(true)} data-testid="outbox-send-now">
              {rt.t('sendNow')}
            </button>
          ) : null}
          <ul className="report-list" data-testid="outbox-list">
            {items.map((item) => (
              <li key={item.id}>
                <OutboxEntry item={item} sending={sending === item.id} />
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function OutboxEntry({ item, sending }: { item: OutboxItem; sending: boolean }) {
  const tr = useT();
  const rt = useReportT();
  const { runner } = useReportContext();
  const kind = item.kind === 'report' ? rt.t('item_report') : rt.t(`item_${item.command.action}`);
  const what =
    item.kind === 'report'
      ? `${tr.category(item.report.category)} · ${item.report.title ?? item.report.description ?? ''}`
      : `${rt.t('caseNo', { id: item.caseId })} · ${item.caseLabel}`;
  const state = sending ? 'sending' : item.state;
  const discard = () => {
    if (window.confirm(rt.t('discardConfirm'))) void runner?.discard(item.id);
  };
  return (
    <div className={`report-card outbox ${state}`} data-testid={`outbox-item-${item.id}`} data-state={state} data-kind={item.kind}>
      <span className="report-card-top">
        <span className={`report-status outbox-${state}`}>{rt.t(`state_${state}`)}</span>
        <span className="report-card-category">{kind}</span>
        <span className="report-card-time">{tr.dateTime(item.createdAt)}</span>
      </span>
      <span className="report-card-title">{what}</span>
      <span className="report-card-line">
        {item.photos.length > 0 ? `${rt.t('photoCount', { n: item.photos.length })} · ` : ''}
        {item.attempts > 0 ? rt.t('attempts', { n: item.attempts }) : ''}
        {item.state === 'pending' && item.attempts > 0 && !sending ? ` · ${rt.t('nextTry', { time: tr.time(item.nextAttemptAt) })}` : ''}
      </span>
      {item.state === 'failed' ? (
        <>
          <span className="report-error">{rt.error(item.error)}</span>
          <span className="report-actions">
            <button type="button" className="report-button primary" onClick={() => void runner?.retry(item.id)}>
              {rt.t('retry')}
            </button>
            <button type="button" className="report-button" onClick={discard}>
              {rt.t('discard')}
            </button>
          </span>
        </>
      ) : null}
    </div>
  );
}
