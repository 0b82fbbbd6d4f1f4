'use client';

import { useState } from 'react';
import type { CaseRepeats, Contact } from '../../../server/protocol/dispatch';
import { ApiRequestError } from '../../lib/api';
import { hasRole, REVEAL_ROLES } from '../roles';
import { revealContact } from '../state/api';
import { useDispatch, useDispatchStore } from '../state/dispatch-store';
import { useDT } from '../strings';
import ActionDialog from './ActionDialog';

/** The reporter's contact, masked; a cleared role reveals it with a reason (one audit row per reveal), for this view only. */
export default function ContactBox({ caseId, contact, repeats }: { caseId: number; contact: Contact | null; repeats: CaseRepeats | null }) {
  const dt = useDT();
  const store = useDispatchStore();
  const role = useDispatch((s) => s.me?.role ?? null);
  const [asking, setAsking] = useState(false);
  const [clear, setClear] = useState<Contact | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const shown = clear ?? contact;

  const reveal = async (reason: string) => {
    setAsking(false);
    setProblem(null);
    try {
      const answer = await revealContact(caseId, reason);
      setClear(answer.contact);
    } catch (error) {
      setProblem(error instanceof ApiRequestError ? error.message : String(error));
    }
  };

  return (
    <div className="case-box contact-box" data-testid="contact">
      <h3 className="box-title">{dt.d('contact')}</h3>
      {shown ? (
        <dl className="contact-list">
          <div>
            <dt>{dt.d('contactName')}</dt>
            <dd data-testid="contact-name">{shown.name ?? '—'}</dd>
          </div>
          <div>
            <dt>{dt.d('contactPhone')}</dt>
            <dd data-testid="contact-phone">{shown.phone ?? '—'}</dd>
          </div>
          {shown.idNumber ? (
            <div>
              <dt>{dt.d('contactId')}</dt>
              <dd>{shown.idNumber}</dd>
            </div>
          ) : null}
        </dl>
      ) : (
        <p className="muted">{dt.d('noContact')}</p>
      )}
      {contact && !clear && hasRole(REVEAL_ROLES, role) ? (
        <button type="button" className="btn btn-quiet" data-testid="reveal-contact" onClick={() => setAsking(true)}>
          {dt.d('reveal')}
        </button>
      ) : null}
      {repeats && repeats.repeatCount > 1 ? (
        <div className="repeat-chain" data-testid="repeats" data-count={repeats.repeatCount} title={dt.d('repeatsHint')}>
          <span className="box-count is-warn">{dt.d('repeats', { n: repeats.repeatCount })}</span>
          <ul className="mini-list">
            {repeats.chain.map((r) =>
              r.id === caseId ? (
                <li key={r.id} className="muted">
                  #{r.id} ({dt.d('repeatThis')})
                </li>
              ) : (
                <li key={r.id}>
                  <button type="button" className="link-button" data-testid={`repeat-${r.id}`} onClick={() => store.open(r.id)}>
                    #{r.id}
                  </button>{' '}
                  <span className="muted">
                    {dt.status(r.status)} · {dt.base.dateTime(r.reportedAt)}
                  </span>
                </li>
              ),
            )}
          </ul>
        </div>
      ) : null}
      {clear ? <p className="muted">{dt.d('revealed')}</p> : null}
      {problem ? (
        <p className="box-problem" role="alert">
          {problem}
        </p>
      ) : null}
      {asking ? (
        <ActionDialog
          title={dt.d('revealTitle')}
          hint={dt.d('revealHint')}
          fields={[{ kind: 'reason', min: 4 }]}
          submitLabel={dt.d('revealSubmit')}
          onSubmit={(values) => void reveal(values.reason ?? '')}
          onClose={() => setAsking(false)}
          testId="reveal-dialog"
        />
      ) : null}
    </div>
  );
}
