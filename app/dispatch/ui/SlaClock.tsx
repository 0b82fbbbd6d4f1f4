'use client';

import type { CaseEventData } from '../../../server/protocol/wire';
import { clockLook } from '../state/queue';
import { useDT } from '../strings';
import { useNow } from './use-now';

/**
 * The running stage's clock: time left, ticking every second; amber from warnAt
 * (or when the server says warning), red and counting up once past the deadline.
 */
export default function SlaClock({
  sla,
  status,
  warnAt,
  compact = false,
}: {
  sla: CaseEventData['sla'];
  status: CaseEventData['status'];
  warnAt: string | null;
  compact?: boolean;
}) {
  const dt = useDT();
  const now = useNow();
  if (now === 0) return <span className="sla-clock" data-look="none" />;
  const look = clockLook({ sla, status, warnAt }, now);
  let text: string;
  if (look === 'none') text = dt.d('noDeadline');
  else if (look === 'paused') text = dt.d('paused');
  else {
    const due = Date.parse(sla!.dueAt!);
    text = look === 'overdue' ? dt.d('overdueBy', { t: dt.duration(now - due) }) : dt.d('remaining', { t: dt.duration(due - now) });
  }
  const stage = sla ? dt.d(`stage_${sla.stage}`) : '';
  return (
    <span className={`sla-clock${compact ? ' is-compact' : ''}`} data-look={look} data-testid="sla-clock" title={stage ? `${dt.d('stage')}: ${stage}` : undefined}>
      {compact ? null : stage ? <span className="sla-stage">{stage}</span> : null}
      <span className="sla-text">{text}</span>
    </span>
  );
}
