'use client';

import { useT } from '../../lib/i18n';
import { dutyPref } from '../duty';
import { useDuty, useGeo } from '../report-context';
import { useReportT } from '../report-i18n';

/** The on-duty switch and what sharing is doing (last shared, no fix, not linked). */
export default function DutyBar() {
  const rt = useReportT();
  const tr = useT();
  const on = dutyPref.use();
  const duty = useDuty();
  const geo = useGeo(false);
  let text: string;
  let tone = 'dim';
  if (!on) text = rt.t('dutyOff');
  else if (duty.problem === 'not_linked') {
    text = rt.t('dutyNotLinked');
    tone = 'bad';
  } else if (geo.problem === 'denied' || geo.problem === 'unsupported') {
    text = rt.t('dutyNoGps');
    tone = 'bad';
  } else if (duty.lastSharedAt) {
    text = `${rt.t('dutySharing')} · ${rt.t('dutySharedAt', { time: tr.time(duty.lastSharedAt) })}`;
    tone = 'ok';
  } else text = rt.t('dutyWaitingFix');
  return (
    <div className="report-duty" data-testid="duty">
      <button
        type="button"
        role="switch"
        aria-checked={on}
        className="report-switch"
        data-testid="duty-toggle"
        onClick={() => dutyPref.set(!on)}
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
