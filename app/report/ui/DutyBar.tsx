'use client';

import { useState } from 'react';
import { useT } from '../../lib/i18n';
import { isOnDuty } from '../duty';
import { putMyStatus } from '../report-api';
import { useDuty, useGeo, useReportContext } from '../report-context';
import { useReport, useReportStore } from '../report-store';
import { useReportT } from '../report-i18n';

/**
 * The on-duty switch (my responder record's status: PUT /api/me/status, seen by the
 * desks at once) and what sharing is doing (last shared, no fix, not linked).
 */
export default function DutyBar() {
  const rt = useReportT();
  const tr = useT();
  const store = useReportStore();
  const { toast } = useReportContext();
  const responder = useReport((s) => s.tasks.responder);
  const loaded = useReport((s) => s.tasks.loaded);
  const [pending, setPending] = useState(false);
  const on = isOnDuty(responder?.status);
  const duty = useDuty();
  const geo = useGeo(false);
  let text: string;
  let tone = 'dim';
  if (loaded && !responder) {
    text = rt.t('dutyNotLinked');
    tone = 'bad';
  } else if (!on) text = rt.t('dutyOff');
  else if (duty.problem === 'not_linked') {
    text = rt.t('dutyNotLinked');
    tone = 'bad';
  } else if (geo.problem === 'denied' || geo.problem === 'unsupported') {
    text = rt.t('dutyNoGps');
    tone = 'bad';
  } else if (duty.problem === 'offline') {
    text = rt.t('dutyOffline');
  } else if (duty.lastSharedAt) {
    text = `${rt.t('dutySharing')} · ${rt.t('dutySharedAt', { time: tr.time(duty.lastSharedAt) })}`;
    tone = 'ok';
  } else text = rt.t('dutyWaitingFix');

  const toggle = async () => {
    if (!responder || pending) return;
    setPending(true);
    try {
      const result = await putMyStatus(on ? 'off_duty' : 'on_duty');
      if (result.ok) store.setResponderStatus(result.body.responder.status);
      else toast(result.network ? rt.t('dutyNoNetwork') : rt.t('dutyRefused', { message: result.message }), 'bad');
    } finally {
      setPending(false);
    }
  };

  return (
    <div className="report-duty" data-testid="duty">
      <button
        type="button"
        role="switch"
        aria-checked={on}
        aria-busy={pending}
        disabled={!responder || pending}
        className="report-switch"
        data-testid="duty-toggle"
        onClick={() => void toggle()}
        aria-label={rt.t('dutyLabel')}
      >
        <span className="report-switch-knob" aria-hidden="true" />
        <span>{on ? rt.t('onDuty') : rt.t('offDuty')}</span>
      </button>
      <span className={`report-duty-text ${tone}`} data-testid="duty-status">
        {text}
      </span>
    </div>
  );
}
