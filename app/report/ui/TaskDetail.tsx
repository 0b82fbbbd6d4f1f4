'use client';

import { useEffect, useState } from 'react';
import { useLang, useT } from '../../lib/i18n';
import { distanceM, formatDistance } from '../geo';
import ReportMap from '../map/lazy';
import { useGeo } from '../report-context';
import { fetchCasePhotos, type PhotoInfo } from '../report-api';
import { useReportT } from '../report-i18n';
import { useReport } from '../report-store';
import { taskActions, type Task } from '../tasks-state';
import { usePendingCases, Due } from './TasksView';
import { CommandForm, useSendCommand } from './CommandForm';

/** One task: where it is (and where I am), what it is, its photos, and what I can do now. */
export default function TaskDetail({ task, active, onBack }: { task: Task; active: boolean; onBack: () => void }) {
  const tr = useT();
  const rt = useReportT();
  const lang = useLang();
  const config = useReport((s) => s.config);
  const area = useReport((s) => s.me?.area?.code ?? null);
  const { fix } = useGeo(active);
  const pending = usePendingCases().has(task.id);
  const send = useSendCommand(task);
  const [form, setForm] = useState<'handle' | 'return' | null>(null);
  const [busy, setBusy] = useState(false);
  const actions = taskActions(task);
  const caseAt: [number, number] = [task.lng, task.lat];

  const accept = async () => {
    setBusy(true);
    await send({ action: 'accept' }, []);
    setBusy(false);
  };

  return (
    <article className="report-view report-detail" data-testid="task-detail" data-case-id={task.id}>
      <button type="button" className="report-back" onClick={onBack}>
        ‹ {rt.t('back')}
      </button>
      <header className="report-detail-head">
        <p className="report-card-top">
          <span className={`report-status ${task.status}`} data-testid="task-status">
            {rt.t(`task_${task.status}` as 'task_dispatched')}
          </span>
          <span className="report-card-category">{tr.category(task.category)}</span>
          <span className={`report-sev sev-${task.severity}`}>{tr.severity(task.severity)}</span>
        </p>
        <h2 className="report-detail-title">{task.title ?? rt.t('caseNo', { id: task.id })}</h2>
        <p className="report-card-bottom">
          <Due task={task} />
          {task.rework > 0 ? <span className="report-due warning">{rt.t('rework', { n: task.rework })}</span> : null}
        </p>
      </header>
      <div className="report-map" data-testid="task-map">
        {config && active ? <ReportMap config={config} caseAt={caseAt} me={fix} gridsWithin={area} highlightGrid={task.grid} label={rt.t('casePosition')} /> : null}
      </div>
      <p className="report-map-legend">
        <span className="dot case" aria-hidden="true" /> {rt.t('casePosition')}
        <span className="dot me" aria-hidden="true" /> {rt.t('myPosition')}
        {fix ? <span data-testid="task-distance"> · {rt.t('distance', { d: formatDistance(distanceM(fix, task), lang) })}</span> : null}
      </p>
      <dl className="report-facts">
        {task.address ? (
          <>
            <dt>{rt.t('address')}</dt>
            <dd>{task.address}</dd>
          </>
        ) : null}
        {task.description ? (
          <>
            <dt>{rt.t('description')}</dt>
            <dd>{task.description}</dd>
          </>
        ) : null}
      </dl>
      <CasePhotos caseId={task.id} version={task.version} />

      {task.status === 'handled' ? <p className="report-note">{rt.t('awaitingCheck')}</p> : null}
      {task.status === 'suspended' ? <p className="report-note">{rt.t('suspendedHint')}</p> : null}
      {pending ? (
        <p className="report-note" data-testid="task-pending">
          {rt.t('actionQueued')}
        </p>
      ) : null}

      {form ? (
        <CommandForm task={task} kind={form} onDone={() => setForm(null)} />
      ) : actions.length > 0 && !pending ? (
        <div className="report-actions">
          {actions.includes('accept') ? (
            <button type="button" className="report-button primary" data-testid="action-accept" onClick={() => void accept()} disabled={busy} aria-busy={busy}>
              {rt.t('accept')}
            </button>
          ) : null}
          {actions.includes('handle') ? (
            <button type="button" className="report-button primary" data-testid="action-handle" onClick={() => setForm('handle')}>
              {rt.t('handle')}
            </button>
          ) : null}
          {actions.includes('return') ? (
            <button type="button" className="report-button" data-testid="action-return" onClick={() => setForm('return')}>
              {rt.t('return')}
            </button>
          ) : null}
        </div>
      ) : null}
    </article>
  );
}

/** The case's photos (the reporter's and earlier feedback), fetched when the task opens or changes. */
function CasePhotos({ caseId, version }: { caseId: number; version: number }) {
  const rt = useReportT();
  const [photos, setPhotos] = useState<PhotoInfo[]>([]);
  useEffect(() => {
    const abort = new AbortController();
    void fetchCasePhotos(caseId, abort.signal).then((result) => {
      if (result.ok && !abort.signal.aborted) setPhotos(result.body.photos);
    });
    return () => abort.abort();
  }, [caseId, version]);
  if (photos.length === 0) return null;
  return (
    <section className="report-case-photos" aria-label={rt.t('casePhotos')}>
      <h3 className="report-label">{rt.t('casePhotos')}</h3>
      <ul className="report-thumbs">
        {photos.map((photo, index) => (
          <li key={photo.id} className="report-thumb">
            <a href={`/api/photos/${photo.id}`} target="_blank" rel="noreferrer">
              <img src={`/api/photos/${photo.id}`} alt={`${rt.t('casePhotos')} ${index + 1}`} loading="lazy" />
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

