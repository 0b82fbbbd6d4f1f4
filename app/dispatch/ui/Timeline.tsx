'use client';

import type { TimelineEntry } from '../../../server/protocol/dispatch';
import { useT } from '../../lib/i18n';
import { useDT, type DispatchTranslator } from '../strings';

/** The case's events (case_events), newest first: when, who, what, from → to, and the note or reason. */
export default function Timeline({ events }: { events: readonly TimelineEntry[] }) {
  const tr = useT();
  const dt = useDT();
  const newestFirst = [...events].reverse();
  return (
    <section className="case-box timeline" aria-labelledby="timeline-title" data-testid="timeline">
      <h3 id="timeline-title" className="box-title">
        {dt.d('timeline')} <span className="box-count">{events.length}</span>
      </h3>
      {events.length === 0 ? (
        <p className="muted">{dt.d('noTimeline')}</p>
      ) : (
        <ol className="timeline-list">
          {newestFirst.map((e) => {
            const reason = typeof e.data.reason === 'string' ? e.data.reason : null;
            const clock = e.action === 'sla_clock' && typeof e.data.op === 'string' ? clockText(dt, e.data.op, e.data.stage) : null;
            const text = e.note ?? reason ?? clock;
            return (
              <li key={e.id} className={`timeline-item${e.actor.kind === 'system' || clock ? ' is-system' : ''}`} data-action={e.action}>
                <time dateTime={e.at}>{tr.dateTime(e.at)}</time>
                <span className="timeline-what">
                  <strong>{dt.action(e.action)}</strong>
                  {e.from && e.to && e.from !== e.to ? (
                    <span className="timeline-move">
                      {' '}
                      {dt.status(e.from)} → {dt.status(e.to)}
                    </span>
                  ) : null}
                </span>
                <span className="timeline-who">{e.actor.kind === 'system' ? dt.d('system') : e.actor.name}</span>
                {text ? <span className="timeline-note">{text}</span> : null}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}

/** A clock event: which stage's clock did what (started, stopped, paused, resumed, extended). */
function clockText(dt: DispatchTranslator, op: string, stage: unknown): string {
  const what = dt.maybe(`clock_${op}`, op);
  return typeof stage === 'string' ? `${what} · ${dt.maybe(`stage_${stage}`, stage)}` : what;
}
